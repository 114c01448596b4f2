"""Ingest end to end: reports, idempotency, quarantine, merging, exit statuses, a killed run."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from conftest import load_all_samples
from indexer.mapping import load_mapping
from indexer.pipeline import ingest_files
from kms.cli import main
from kms.records import get_record, iter_records, quarantine_items, review_items

ROOT = Path(__file__).resolve().parent.parent
CSV_MAPPING = """
name = "uji"
format = "csv"
id = "No"
[fields]
title = "Judul"
agency = "Instansi"
region = ["Wilayah", "Provinsi"]
year = "Tahun"
summary = "Ringkasan"
award = "Penghargaan"
[html]
fields = ["summary"]
"""
JSON_MAPPING = """
name = "nasional"
format = "json"
records_at = "data"
id = "kode"
[fields]
title = "judul"
agency = "instansi"
region = "lokasi"
year = "tahun"
summary = "ringkasan"
"""


def csv_file(folder: Path, rows: list[str], name="hub.csv") -> Path:
    path = folder / name
    path.write_text("No;Judul;Instansi;Wilayah;Provinsi;Tahun;Ringkasan;Penghargaan\n" + "\n".join(rows) + "\n",
                    encoding="cp1252")
    return path


def test_ingest_normalizes_and_reports(db, tmp_path, mapping_file):
    mapping = load_mapping(mapping_file(CSV_MAPPING))
    path = csv_file(tmp_path, [
        "1;ANTRIAN ONLINE PUSKESMAS;Pemkab Bantaeng;Kab. Bantaeng;Sulsel;2019;"
        "\"<p style='x'>Antrian&nbsp;daring</p><p></p>\";TOP 99 KIPP 2019",
        "2;Bank Sampah;Dinas Lingkungan Hidup Kota Makassar;;;2020;Menabung sampah;-",
        "3;;Pemkot Bima;Kota Bima;NTB;2018;Tanpa judul;",
        "4;Samsat Keliling;Badan Pendapatan;Atlantis;;2021;Ringkas;",
    ])
    report = ingest_files(db, [path], mapping)
    assert (report.read, report.new, report.quarantined, report.flagged) == (4, 3, 1, 1)
    records = {r["title"]: r for r in iter_records(db)}
    first = records["Antrian Online Puskesmas"]
    assert (first["regency_code"], first["province_code"], first["agency_type"]) == ("73.03", "73", "pemkab")
    assert first["summary"] == "Antrian daring"
    assert (first["award"], first["award_year"]) == ("top99", 2019)
    second = records["Bank Sampah"]
    assert second["regency_code"] == "73.71" and second["unit"] == "Dinas Lingkungan Hidup Kota Makassar"
    assert records["Samsat Keliling"]["province_code"] is None
    (item,) = quarantine_items(db)
    assert (item["file"], item["line"]) == ("hub.csv", 4) and "title" in item["reason"]
    assert any(i["kind"] == "region" and "Atlantis" in i["message"] for i in review_items(db))


def test_reingest_changes_nothing_and_keeps_updated_at(db, tmp_path, mapping_file):
    mapping = load_mapping(mapping_file(CSV_MAPPING))
    path = csv_file(tmp_path, ["1;Antrian Online;Pemkab Gowa;Kab. Gowa;;2019;Ringkas;"])
    ingest_files(db, [path], mapping)
    before = list(iter_records(db))
    again = ingest_files(db, [path], mapping)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert list(iter_records(db)) == before
    csv_file(tmp_path, ["1;Antrian Online;Pemkab Gowa;Kab. Gowa;;2019;Ringkasan yang lebih lengkap;"])
    changed = ingest_files(db, [path], mapping)
    assert changed.updated == 1
    assert next(iter_records(db))["summary"] == "Ringkasan yang lebih lengkap"


def test_same_innovation_from_two_hubs_merges_with_provenance_and_conflicts(db, tmp_path, mapping_file):
    csv_mapping = load_mapping(mapping_file(CSV_MAPPING))
    json_mapping = load_mapping(mapping_file(JSON_MAPPING, "n.toml"))
    ingest_files(db, [csv_file(tmp_path, [
        "1;SIPANDU (Sistem Pelayanan Terpadu);PEMERINTAH KOTA BIMA;Kota Bima;NTB;2019;Singkat;",
        "2;Kota Layak Anak;Pemkot Bima;Kota Bima;NTB;2019;Perlindungan anak;",
    ])], csv_mapping)
    doc = {"data": [
        {"kode": "N1", "judul": "Sipandu: Sistem Pelayanan Terpadu Kota Bima", "instansi": "Pemkot Bima",
         "lokasi": "Kota Bima", "tahun": 2020, "ringkasan": "Ringkasan panjang tentang pelayanan terpadu."},
        {"kode": "N2", "judul": "Kota Layak Anak", "instansi": "Pemkab Bima", "lokasi": "Kabupaten Bima",
         "tahun": 2019, "ringkasan": "Perlindungan anak"},
        {"kode": "N3", "judul": "Bank Sampah Bima", "instansi": "Pemkot Bima", "lokasi": "Kota Bima",
         "tahun": 2019, "ringkasan": "Menabung sampah"},
    ]}
    (tmp_path / "n.json").write_text(json.dumps(doc), encoding="utf-8")
    report = ingest_files(db, [tmp_path / "n.json"], json_mapping)
    assert (report.merged, report.new) == (1, 2)
    records = list(iter_records(db))
    assert len(records) == 4
    merged = next(r for r in records if len(r["sources"]) == 2)
    assert {s["hub"] for s in merged["sources"]} == {"uji", "nasional"}
    assert merged["summary"] == "Ringkasan panjang tentang pelayanan terpadu."   # most complete kept
    conflicts = [i for i in review_items(db) if i["kind"] == "conflict" and i["record_id"] == merged["id"]]
    assert [c["field"] for c in conflicts] == ["summary", "year"]
    assert "uji:1" in conflicts[1]["message"] and "nasional:N1" in conflicts[1]["message"]
    assert ingest_files(db, [tmp_path / "n.json"], json_mapping).unchanged == 3   # re-ingest after merge


def test_removed_source_drops_provenance_but_keeps_the_record(db, tmp_path, mapping_file):
    csv_mapping = load_mapping(mapping_file(CSV_MAPPING))
    json_mapping = load_mapping(mapping_file(JSON_MAPPING, "n.toml"))
    ingest_files(db, [csv_file(tmp_path, ["1;Antrian Online Puskesmas;Pemkab Gowa;Kab. Gowa;;2019;A;"])],
                 csv_mapping)
    path = tmp_path / "n.json"
    path.write_text(json.dumps({"data": [{"kode": "N1", "judul": "Antrian Online Puskesmas",
                                          "instansi": "Pemkab Gowa", "lokasi": "Kab. Gowa"}]}))
    assert ingest_files(db, [path], json_mapping).merged == 1
    path.write_text(json.dumps({"data": []}))
    report = ingest_files(db, [path], json_mapping)
    assert report.dropped_sources == 1
    (record,) = iter_records(db)
    assert [s["hub"] for s in record["sources"]] == ["uji"]
    full = get_record(db, record["id"])
    assert any(s["dropped_at"] for s in full["sources"])
    assert any(i["kind"] == "dropped_source" for i in review_items(db))


def test_samples_load_idempotently(db):
    load_all_samples(db)
    count = len(list(iter_records(db)))
    assert count >= 300
    result = CliRunner().invoke(main, ["load-samples", "--json"], env={"KMS_DATA_DIR": str(Path(db.conn.execute(
        "PRAGMA database_list").fetchone()[2]).parent)})
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["new"] == 0 and report["updated"] == 0 and report["merged"] == 0
    assert report["unchanged"] == report["read"] - report["quarantined"]
    assert {h["hub"] for h in report["hubs"]} >= {"jipp-sulsel", "jippnas", "inovasi-daerah", "lan", "jipp-jatim"}


def test_sample_export_has_codes_and_sources(sample_dir):
    result = CliRunner().invoke(main, ["export"], env={"KMS_DATA_DIR": str(sample_dir)})
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) >= 300
    with_region = [r for r in records if r["province_code"]]
    assert len(with_region) >= len(records) - 2          # only the deliberately unknown ones lack one
    assert all(r["sources"] and {"hub", "source_id", "file", "line"} <= set(r["sources"][0]) for r in records)
    assert all(isinstance(r["sdgs"], list) for r in records)
    pdf = [r for r in records if any(s["hub"] == "jipp-jatim" for s in r["sources"])]
    assert pdf and all(r["summary"] and r["sustainability"] and r["regency_code"].startswith("35") for r in pdf)
    xlsx = [r for r in records if any(s["hub"] == "inovasi-daerah" for s in r["sources"])]
    assert xlsx and all(r["agency"] and r["year"] for r in xlsx)


def test_export_csv_joins_lists(sample_dir, tmp_path):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["export", "--format", "csv", "--output", str(out)],
                                env={"KMS_DATA_DIR": str(sample_dir)})
    assert result.exit_code == 0
    import csv as csv_module

    with out.open(encoding="utf-8") as handle:
        rows = list(csv_module.DictReader(handle))
    assert len(rows) >= 300 and ":" in rows[0]["sources"]
    assert any(";" in row["sdgs"] for row in rows)


def test_exit_statuses(tmp_path, mapping_file):
    env = {"KMS_DATA_DIR": str(tmp_path / "data")}
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", "x.csv", "--hub", "nope"], env=env).exit_code == 2
    assert runner.invoke(main, ["ingest", "x.csv"], env=env).exit_code == 2
    mapping = mapping_file(CSV_MAPPING)
    good = csv_file(tmp_path, ["1;Antrian Online;Pemkab Gowa;Kab. Gowa;;2019;A;"])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    result = runner.invoke(main, ["ingest", str(good), str(bad), str(tmp_path / "missing.csv"),
                                  "--mapping", str(mapping), "--json"], env=env)
    assert result.exit_code == 1
    report = json.loads(result.stdout.splitlines()[0])
    assert report["new"] == 1 and len(report["failed_files"]) == 2
    assert "bad.csv" in report["failed_files"][0]["file"] and "kosong" in report["failed_files"][0]["reason"]
    listed = runner.invoke(main, ["quarantine"], env=env).output
    assert "bad.csv" in listed and "missing.csv" in listed
    ok = runner.invoke(main, ["ingest", str(good), "--mapping", str(mapping)], env=env)
    assert ok.exit_code == 0 and "tidak berubah 1" in ok.output


def test_bad_mapping_is_a_usage_error(tmp_path, mapping_file):
    broken = mapping_file('name = "x"\nformat = "csv"\n[fields]\ntitle = "A"\nwarna = "B"\n')
    result = CliRunner().invoke(main, ["ingest", "x.csv", "--mapping", str(broken)],
                                env={"KMS_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2 and "warna" in result.output


KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from indexer import pipeline
    from kms import records as store
    from indexer.mapping import load_mapping
    from kms.db import open_db
    pipeline.BATCH_SIZE = 50
    calls = {{"n": 0}}
    original = store.rebuild_record
    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 125:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)
    store.rebuild_record = dying
    db = open_db({db!r})
    pipeline.ingest_files(db, [{csv!r}], load_mapping({mapping!r}))
""")


def test_killed_ingest_leaves_whole_batches_and_a_rerun_completes(tmp_path, mapping_file):
    mapping = mapping_file(CSV_MAPPING)
    rows = [f"{n};Inovasi Nomor {n} Layanan {n * 7};Pemkab Gowa;Kab. Gowa;;2019;Ringkasan {n};"
            for n in range(1, 301)]
    path = csv_file(tmp_path, rows)
    db_path = tmp_path / "kms.db"
    script = KILLER.format(root=str(ROOT), db=str(db_path), csv=str(path), mapping=str(mapping))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == -9
    from kms.db import open_db

    db = open_db(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM sources").fetchone()[0] == 100      # two whole batches
    assert db.execute("SELECT count(*) FROM innovations").fetchone()[0] == 100
    report = ingest_files(db, [path], load_mapping(mapping))
    assert (report.unchanged, report.new) == (100, 200)
    assert db.execute("SELECT count(*) FROM innovations").fetchone()[0] == 300
    db.close()
    os.remove(db_path)


def test_corrupt_pdf_and_locked_xlsx_are_quarantined_with_exit_1(tmp_path):
    env = {"KMS_DATA_DIR": str(tmp_path / "data")}
    pdf = tmp_path / "rusak.pdf"
    pdf.write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    xlsx = tmp_path / "terkunci.xlsx"
    xlsx.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(pdf), "--hub", "jipp-jatim"], env=env)
    assert result.exit_code == 1 and "rusak.pdf" in result.output
    result = runner.invoke(main, ["ingest", str(xlsx), "--hub", "inovasi-daerah", "--json"], env=env)
    assert result.exit_code == 1
    assert "kata sandi" in json.loads(result.stdout.splitlines()[0])["failed_files"][0]["reason"]
    listed = runner.invoke(main, ["quarantine"], env=env).output
    assert "rusak.pdf" in listed and "PDF" in listed and "terkunci.xlsx" in listed
