"""Bad input never crashes an ingest: each crafted file below is quarantined (the file whole, or
the one record) with its reason, and the good file beside it is ingested in the same run."""
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from indexer import limits, normalize, pipeline
from indexer.mapping import load_mapping
from indexer.pipeline import ingest_files
from indexer import sources

JSON_MAPPING = """name = "uji"
format = "{format}"
id = "id"
[fields]
title = "judul"
region = "wilayah"
year = "tahun"
sdgs = "sdgs"
"""
GOOD = '[{"id": "g1", "judul": "Bank Sampah Digital", "wilayah": "Kota Makassar", "tahun": 2021}]'


def _run(db, tmp_path, files: dict[str, bytes], fmt: str = "json"):
    mapping_path = tmp_path / "uji.toml"
    mapping_path.write_text(JSON_MAPPING.format(format=fmt), encoding="utf-8")
    paths = []
    for name, content in files.items():
        path = tmp_path / (os.fsdecode(name) if isinstance(name, bytes) else name)
        path.write_bytes(content)
        paths.append(path)
    good = tmp_path / f"good.{fmt}"
    good.write_text(GOOD if fmt == "json" else GOOD[1:-1] + "\n", encoding="utf-8")
    report = ingest_files(db, paths + [good], load_mapping(mapping_path))
    stored = {row["title"] for row in db.query("SELECT title FROM innovations")}
    assert "Bank Sampah Digital" in stored          # the good file after the bad one
    return report, list(db.query("SELECT * FROM quarantine ORDER BY file, line"))


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_json_numbers_that_are_not_numbers_quarantine_their_record(db, tmp_path, constant):
    content = ('[{"id": "a", "judul": "Satu", "wilayah": "Kota Makassar", "tahun": %s},'
               ' {"id": "b", "judul": "Dua", "wilayah": "Kota Makassar", "tahun": 2020,'
               ' "sdgs": [3, %s]}, {"id": "c", "judul": "Tiga", "wilayah": "Kota Makassar", "tahun": 2019}]'
               % (constant, constant)).encode()
    report, held = _run(db, tmp_path, {"angka.json": content})
    assert [(q["line"], "angka tidak sah" in q["reason"]) for q in held] == [(1, True), (2, True)]
    assert "tahun" in held[0]["reason"] and "sdgs.1" in held[1]["reason"]
    assert report.quarantined == 2 and report.new == 2     # "Tiga" and the good file


def test_json_nested_too_deep_fails_the_file_not_the_run(db, tmp_path):
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    report, held = _run(db, tmp_path, {"dalam.json": deep})
    assert report.failed_files and "bersarang terlalu dalam" in report.failed_files[0]["reason"]
    assert held[0]["file"] == "dalam.json" and held[0]["line"] == 0


def test_jsonl_line_nested_too_deep_is_one_quarantined_line(db, tmp_path):
    lines = b'{"id": "a", "judul": "Satu", "wilayah": "Kota Makassar"}\n' + b'{"x": ' * 50_000 + b"\n"
    report, held = _run(db, tmp_path, {"baris.jsonl": lines}, "jsonl")
    assert [(q["line"], "bersarang" in q["reason"]) for q in held] == [(2, True)]
    assert report.new == 2


def test_a_device_is_refused_as_a_file(db, tmp_path):
    mapping_path = tmp_path / "uji.toml"
    mapping_path.write_text(JSON_MAPPING.format(format="json"), encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(GOOD, encoding="utf-8")
    report = ingest_files(db, [Path("/dev/zero"), good], load_mapping(mapping_path))
    assert "bukan berkas biasa" in report.failed_files[0]["reason"] and report.new == 1


def test_a_file_over_the_size_limit_is_refused_whole(db, tmp_path, monkeypatch):
    monkeypatch.setenv("KMS_INGEST_MAX_FILE_MB", "1")
    report, held = _run(db, tmp_path, {"besar.json": b"[" + b" " * 2**20 + b"]", "kecil.json": GOOD.encode()})
    assert "batas 1048576 byte" in report.failed_files[0]["reason"]
    assert "INGEST_MAX_FILE_MB" in report.failed_files[0]["reason"] and report.new == 1


def test_a_file_name_that_is_not_utf8_is_stored_readably(db, tmp_path):
    name = b"hub-\xff\xfe.json"
    report, _held = _run(db, tmp_path, {name: GOOD.replace("g1", "n1").replace("Bank Sampah Digital",
                                                                               "Sampah Nama Aneh").encode()})
    files = {row["file"] for row in db.query("SELECT file FROM sources")}
    assert "hub-\ufffd\ufffd.json" in files and report.new == 2


def test_a_broken_xlsx_fails_the_file_not_the_run(db, tmp_path):
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w") as book:
        book.writestr("[Content_Types].xml", "<Types")
        book.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='a'")
    mapping_path = tmp_path / "x.toml"
    mapping_path.write_text(JSON_MAPPING.format(format="xlsx"), encoding="utf-8")
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(handle.getvalue())
    good_mapping = tmp_path / "uji.toml"
    good_mapping.write_text(JSON_MAPPING.format(format="json"), encoding="utf-8")
    report = ingest_files(db, [broken], load_mapping(mapping_path))
    assert report.failed_files and "rusak.xlsx" in report.failed_files[0]["reason"]
    good = tmp_path / "good.json"
    good.write_text(GOOD, encoding="utf-8")
    assert ingest_files(db, [good], load_mapping(good_mapping)).new == 1


def test_a_row_that_breaks_the_code_is_quarantined_and_undone(db, tmp_path, monkeypatch):
    """Whatever the pipeline meets in one row (here a fault planted in normalization) is that
    row's quarantine entry, with its line; the rows around it are stored, and a rerun after the
    fault is gone stores it too."""
    real = normalize.normalize_record

    def faulty(data, mapping, line):
        if data.get("judul") == "Dua":
            raise KeyError("sesuatu yang tak terduga")
        return real(data, mapping, line)

    monkeypatch.setattr(pipeline, "normalize_record", faulty)
    content = ('[{"id": "a", "judul": "Satu", "wilayah": "Kota Makassar"}, '
               '{"id": "b", "judul": "Dua", "wilayah": "Kota Makassar"}, '
               '{"id": "c", "judul": "Tiga", "wilayah": "Kota Makassar"}]').encode()
    report, held = _run(db, tmp_path, {"tiga.json": content})
    assert [(q["line"], "KeyError" in q["reason"]) for q in held] == [(2, True)]
    assert report.new == 3
    monkeypatch.setattr(pipeline, "normalize_record", real)
    _run(db, tmp_path, {"tiga.json": content})
    assert not list(db.query("SELECT * FROM quarantine"))
    assert {r["title"] for r in db.query("SELECT title FROM innovations")} >= {"Satu", "Dua", "Tiga"}


@pytest.mark.parametrize("text, named", [
    ('name = "a"\nformat = "csv"\n[fields]\ntitle = 5\n', "[fields] title"),
    ('name = 5\nformat = "csv"\n[fields]\ntitle = "Judul"\n', "'name' harus teks"),
    ('name = "a"\nformat = "csv"\nfeilds = {}\n', "maksudnya 'fields'"),
    ('name = "a"\nformat = "csv"\nfields = "Judul"\n', "'fields' harus tabel"),
    ('name = "a"\nformat = ["csv"]\n', "'format' harus teks"),
    ('name = "a"\nformat = "csv"\n[fields]\ntitle = "Judul"\n[values]\nstage = 3\n', "[values.stage]"),
    ('name = "a"\nformat = "csv"\n[fields]\ntitle = "Judul"\n[html]\nfields = "summary"\n', "[html]"),
    ('name = "a"\nformat = "csv"\nsamples = [1, 2]\n[fields]\ntitle = "Judul"\n', "'samples'"),
])
def test_a_mapping_of_wrong_types_is_a_usage_error_naming_the_key(tmp_path, monkeypatch, text, named):
    from click.testing import CliRunner

    from kms.cli import main

    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "data"))
    mapping_path = tmp_path / "salah.toml"
    mapping_path.write_text(text, encoding="utf-8")
    export = tmp_path / "a.csv"
    export.write_text("Judul\nSatu\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", "--mapping", str(mapping_path), str(export)])
    assert result.exit_code == 2 and named in result.output, result.output
    assert "Traceback" not in result.output


CSV_MAPPING = """name = "uji"
format = "csv"
id = "id"
[fields]
title = "judul"
region = "wilayah"
"""


def _csv(db, tmp_path, raw: bytes):
    mapping_path = tmp_path / "csv.toml"
    mapping_path.write_text(CSV_MAPPING, encoding="utf-8")
    export = tmp_path / "ekspor.csv"
    export.write_bytes(raw)
    report = ingest_files(db, [export], load_mapping(mapping_path))
    return report, {row["title"] for row in db.query("SELECT title FROM innovations")}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_csv_in_utf16_or_utf32_with_a_byte_order_mark_is_read(db, tmp_path, encoding):
    text = "id,judul,wilayah\n1,Layanan Kesehatan Terpadu Desa Wisata,Kota Makassar\n"
    raw = text.encode(encoding) if encoding != "utf-16-be" else b"\xfe\xff" + text.encode("utf-16-be")
    report, titles = _csv(db, tmp_path, raw)
    assert report.new == 1 and titles == {"Layanan Kesehatan Terpadu Desa Wisata"}


def test_a_utf8_csv_with_one_stray_byte_stays_utf8(db, tmp_path):
    rows = "".join(f"{n},Pelayanan Lansia Ceria {n} – Dinas Sosial,Kota Makassar\n" for n in range(40))
    raw = ("id,judul,wilayah\n" + rows).encode("utf-8").replace(b"Ceria 7 ", b"Ceria 7 \xff")
    report, titles = _csv(db, tmp_path, raw)
    assert report.new == 40
    assert "Pelayanan Lansia Ceria 3 – Dinas Sosial" in titles       # not "â€“" in every row
    flagged = list(db.query("SELECT kind, field, message FROM review WHERE kind = 'encoding'"))
    assert len(flagged) == 1 and flagged[0]["field"] == "title" and "tak terbaca" in flagged[0]["message"]


def test_an_unbalanced_quote_that_joins_rows_is_quarantined_naming_the_lines(db, tmp_path):
    raw = ("id,judul,wilayah,ringkas\n"
           'A001,"Antrian Puskesmas,Kota Makassar,x\n'
           'A002,Bank Sampah Warga",Kota Makassar,y\n'
           "A003,Kartu Identitas Anak,Kota Makassar,z\n"
           'A004,Layanan Lansia,Kota Makassar,"Paragraf satu, dua.\nParagraf dua, tiga."\n').encode()
    report, titles = _csv(db, tmp_path, raw)
    held = list(db.query("SELECT line, reason FROM quarantine"))
    assert [q["line"] for q in held] == [2] and "baris 2-3" in held[0]["reason"]
    assert "tanda kutip" in held[0]["reason"] and "A002" in held[0]["reason"]
    assert {"Kartu Identitas Anak", "Layanan Lansia"} <= titles      # a real multi-line cell is fine


def test_a_duplicate_header_column_is_refused_naming_it(db, tmp_path):
    report, _titles = _csv(db, tmp_path, b"id,judul,wilayah,Judul\n1,Satu,Kota Makassar,Dua\n")
    assert "kolom 'Judul' muncul dua kali" in report.failed_files[0]["reason"]


@pytest.mark.parametrize("value, reason", [
    ('["Judul A", "Judul B"]', "title: berisi daftar"), ('{"id": "Judul"}', "title: berisi tabel"),
    ("true", "title: nilai ya/tidak"),
])
def test_a_title_that_is_not_text_is_quarantined_not_stored_as_its_repr(db, tmp_path, value, reason):
    content = ('[{"id": "a", "judul": %s, "wilayah": "Kota Makassar"}]' % value).encode()
    report, held = _run(db, tmp_path, {"jenis.json": content})
    assert [q["line"] for q in held] == [1] and reason in held[0]["reason"]
    titles = {row["title"] for row in db.query("SELECT title FROM innovations")}
    assert not any("[" in t or "{" in t or t == "True" for t in titles)


def test_a_fractional_year_is_flagged_not_truncated(db, tmp_path):
    content = b'[{"id": "a", "judul": "Tahun Pecahan", "wilayah": "Kota Makassar", "tahun": 2020.7}]'
    report, _held = _run(db, tmp_path, {"tahun.json": content})
    row = next(iter(db.query("SELECT year FROM innovations WHERE title = 'Tahun Pecahan'")))
    assert row["year"] is None and report.flagged >= 1


def _xlsx_with(tmp_path, name, edit):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id", "judul", "wilayah"])
    sheet.append(["1", "Bank Sampah Digital", "Kota Makassar"])
    edit(sheet)
    path = tmp_path / name
    book.save(path)
    return path


def _ingest_xlsx(db, tmp_path, path):
    mapping_path = tmp_path / "x.toml"
    mapping_path.write_text(CSV_MAPPING.replace('format = "csv"', 'format = "xlsx"'), encoding="utf-8")
    return ingest_files(db, [path], load_mapping(mapping_path))


def test_an_xlsx_declaring_a_sheet_to_xfd1048576_is_refused_before_reading(db, tmp_path):
    path = _xlsx_with(tmp_path, "jauh.xlsx", lambda sheet: sheet.cell(1048576, 16384, "x"))
    report = _ingest_xlsx(db, tmp_path, path)
    assert "1048576 baris x 16384 kolom" in report.failed_files[0]["reason"]


def test_a_merged_range_past_the_data_fills_only_the_data(db, tmp_path):
    path = _xlsx_with(tmp_path, "gabung.xlsx", lambda sheet: sheet.merge_cells("C2:C400"))
    report = _ingest_xlsx(db, tmp_path, path)
    assert report.new == 1 and not report.failed_files


def test_a_zip_bomb_posing_as_xlsx_is_refused(db, tmp_path):
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 2**20))
    report = _ingest_xlsx(db, tmp_path, path)
    assert "rasio" in report.failed_files[0]["reason"]


def test_a_record_over_the_record_limit_is_quarantined_naming_its_largest_column(db, tmp_path, monkeypatch):
    monkeypatch.setenv("KMS_INGEST_MAX_RECORD_KB", "2")
    rows = [{"id": "a", "judul": "Satu", "wilayah": "Kota Makassar", "ringkas": "x " * 400},
            {"id": "b", "judul": "Dua", "wilayah": "Kota Makassar", "ringkas": "y " * 600, "lain": "z " * 700}]
    report, held = _run(db, tmp_path, {"besar.json": json.dumps(rows).encode()})
    assert [q["line"] for q in held] == [2] and "INGEST_MAX_RECORD_KB" in held[0]["reason"]
    assert "kolom terbesar 'lain'" in held[0]["reason"] and report.new == 2     # and the good file


def test_a_record_nested_past_the_limit_is_quarantined(db, tmp_path, monkeypatch):
    monkeypatch.setenv("KMS_INGEST_MAX_NESTING", "6")
    deep = {"id": "b", "judul": "Dua", "wilayah": "Kota Makassar", "x": [[[[[[["dalam"]]]]]]]}
    shallow = {"id": "a", "judul": "Satu", "wilayah": "Kota Makassar", "x": [[["cukup"]]]}
    report, held = _run(db, tmp_path, {"dalam.json": json.dumps([shallow, deep]).encode()})
    assert [q["line"] for q in held] == [2] and "lebih dari 6 tingkat" in held[0]["reason"]
    assert report.new == 2


def test_every_ingest_limit_is_a_setting():
    from click.testing import CliRunner
    from kms.cli import main
    shown = CliRunner().invoke(main, ["settings"]).output
    for name in ("INGEST_MAX_FILE_MB", "INGEST_MAX_FIELD_KB", "INGEST_MAX_RECORD_KB", "INGEST_MAX_NESTING",
                 "INGEST_MAX_SHEET_ROWS", "INGEST_MAX_SHEET_COLUMNS", "INGEST_MAX_UNZIPPED_MB",
                 "INGEST_MAX_ZIP_RATIO"):
        assert name in shown


def test_a_field_over_the_size_limit_quarantines_its_record_quickly(db, tmp_path):
    huge = "kata " * (limits.current().field_chars // 5 + 10)
    content = ('[{"id": "a", "judul": "Satu", "wilayah": "Kota Makassar", "ringkas": "x"},'
               ' {"id": "b", "judul": "%s", "wilayah": "Kota Makassar"}]' % huge).encode()
    report, held = _run(db, tmp_path, {"besar.json": content})
    assert [q["line"] for q in held] == [2] and "kolom 'judul'" in held[0]["reason"]
    assert report.new == 2
