"""`kms renormalize`: what the normalizer learnt reaches records already stored, keeping
staff edits, account scopes and the update date of what did not change."""
import json

from click.testing import CliRunner

from conftest import PASSWORD
from indexer import normalize
from indexer.agencies import Agency
from indexer.mapping import load_mapping
from indexer.pipeline import ingest_files
from kms.accounts import create_user, get_user
from kms.app import create_app
from kms.cli import main
from kms.config import load_config
from kms.db import open_db
from kms.editing import apply_edit
from kms.records import get_record, record_ids
from kms.renormalize import renormalize
from kms.search import engine_for
from kms.sync import sync

MAPPING = """
name = "uji"
format = "json"
id = "id"
[fields]
title = "judul"
agency = "instansi"
region = "wilayah"
summary = "ringkas"
updated_at = "diperbarui"
"""
ROWS = [
    {"id": "1", "judul": "LAYANAN KTP KELILING DESA", "instansi": "Pemkab Gowa", "wilayah": "Kabupaten Gowa",
     "ringkas": "Petugas datang ke desa.", "diperbarui": "2024-03-01"},
    {"id": "2", "judul": "Cek Obat Aman Pasar", "instansi": "Badan POM", "wilayah": "Nasional",
     "ringkas": "Uji cepat di pasar.", "diperbarui": "2024-04-01"},
    {"id": "3", "judul": "Bank Sampah Warga", "instansi": "Pemkot Makassar", "wilayah": "Kota Makassar",
     "ringkas": "Tabungan sampah.", "diperbarui": "2024-05-01"},
]


def _old_normalizer(monkeypatch):
    """The store as an older normalizer left it: titles re-cased word by word, Badan POM kept."""
    monkeypatch.setattr(normalize, "smart_title", lambda text: text.title() if text.isupper() else text)
    real = normalize.normalize_agency

    def agency(text, hint=None):
        if str(text).strip() == "Badan POM":
            return Agency("Badan POM", "lembaga", None, True, None, "pola nama")
        return real(text, hint)
    monkeypatch.setattr(normalize, "normalize_agency", agency)


def test_renormalize_brings_old_records_up_to_date_and_keeps_edits_and_scopes(db, tmp_path, mapping_file,
                                                                               monkeypatch):
    mapping = load_mapping(mapping_file(MAPPING))
    export = tmp_path / "ekspor.json"
    export.write_text(json.dumps(ROWS), encoding="utf-8")
    with monkeypatch.context() as patch:
        _old_normalizer(patch)
        ingest_files(db, [export], mapping)
    by_title = {get_record(db, i)["title"]: i for i in record_ids(db)}
    ktp, bpom, sampah = by_title["Layanan Ktp Keliling Desa"], by_title["Cek Obat Aman Pasar"], \
        by_title["Bank Sampah Warga"]
    apply_edit(db, ktp, {"summary": "Petugas datang ke desa tiap Kamis."}, "editor")     # a staff edit
    create_user(db, "ed-bpom", "agency_editor", PASSWORD, agency="Badan POM")
    before = {i: get_record(db, i) for i in (ktp, bpom, sampah)}

    report = renormalize(db, mappings={"uji": mapping})

    after = {i: get_record(db, i) for i in (ktp, bpom, sampah)}
    assert after[ktp]["title"] == "Layanan KTP Keliling Desa"
    assert after[ktp]["summary"] == "Petugas datang ke desa tiap Kamis."       # the edit still wins
    assert after[bpom]["agency"] == "Badan Pengawas Obat dan Makanan"
    assert get_user(db, "ed-bpom").agency == "Badan Pengawas Obat dan Makanan"  # the scope followed
    assert after[sampah] == before[sampah]                                      # untouched, same date
    assert report.changed_records == {ktp, bpom} and report.unchanged == 1
    assert report.fields_changed["title"] == 1 and report.fields_changed["agency"] == 1
    assert report.scopes_renamed == [("Badan POM", "Badan Pengawas Obat dan Makanan", 1)]
    again = renormalize(db, mappings={"uji": mapping})
    assert again.changed_sources == 0 and again.unchanged == 3                  # nothing left to do


def test_kms_renormalize_feeds_the_index(sample_copy, monkeypatch):
    monkeypatch.setenv("KMS_DATA_DIR", str(sample_copy))
    db = open_db(sample_copy / "kms.db")
    record_id = record_ids(db)[0]
    db.execute("UPDATE sources SET content_hash = 'stale' WHERE record_id = ?", [record_id])
    db.execute("UPDATE innovations SET title = 'Judul Lama Sekali', content_hash = 'stale' WHERE id = ?",
               [record_id])
    db.conn.commit()
    sync(db, engine_for(load_config({"DATA_DIR": str(sample_copy)})))
    client = create_app({"TESTING": True, "DATA_DIR": str(sample_copy)}).test_client()
    found = lambda q: [h["id"] for h in client.get("/api/search", query_string={"q": q}).json["results"]]  # noqa: E731
    assert record_id in found("judul lama sekali")            # the index holds the stale title
    result = CliRunner().invoke(main, ["renormalize", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["changed_records"] >= 1
    title = get_record(open_db(sample_copy / "kms.db"), record_id)["title"]
    assert title != "Judul Lama Sekali"
    assert record_id not in found("judul lama sekali")        # the index followed the journal
    assert record_id in found(title)
