"""Review that a person can work through: no item where nothing is in doubt, and one where a
record contradicts itself."""
import json

from indexer.mapping import load_mapping
from indexer.merge import _conflict
from indexer.pipeline import ingest_files
from kms.app import create_app
from kms.config import load_config
from kms.db import open_db
from kms.records import iter_records, review_items
from kms.search import engine_for
from kms.sync import sync

MAPPING = """
name = "uji"
format = "json"
id = "id"
[fields]
title = "judul"
agency = "instansi"
region = ["kode_bps", "provinsi"]
"""
MAPPING = MAPPING.replace('id = "id"', 'id = "id"\nregion_codes = "bps"')
MAPPING_PLAIN = MAPPING.replace('region_codes = "bps"\n', "")


def _ingest(db, tmp_path, mapping_file, rows, mapping=MAPPING):
    export = tmp_path / "ekspor.json"
    export.write_text(json.dumps(rows), encoding="utf-8")
    return ingest_files(db, [export], load_mapping(mapping_file(mapping)))


def _kinds(db):
    return [(i["kind"], i["message"]) for i in review_items(db)]


def test_national_agencies_and_national_regions_raise_no_region_item(db, tmp_path, mapping_file):
    _ingest(db, tmp_path, mapping_file, [
        {"id": "1", "judul": "Layanan Paspor Simpatik", "instansi": "Kementerian Hukum dan HAM", "provinsi": "Pusat"},
        {"id": "2", "judul": "Listrik Desa Terang", "instansi": "PT PLN (Persero)", "provinsi": "Indonesia"},
        {"id": "3", "judul": "Relawan Literasi", "instansi": "Yayasan Pustaka Kita", "provinsi": "-"},
        {"id": "4", "judul": "Cek Obat Aman", "instansi": "BPOM", "provinsi": "Nasional"},
    ], MAPPING_PLAIN)
    assert not [k for k in _kinds(db) if k[0] == "region"], _kinds(db)
    assert len(list(iter_records(db))) == 4


def test_a_column_a_better_one_settles_raises_no_item(db, tmp_path, mapping_file):
    # the BPS code gives the regency for sure; the province column's spelling is no question then
    _ingest(db, tmp_path, mapping_file, [
        {"id": "1", "judul": "Antrian Daring", "instansi": "Pemkab Gowa", "kode_bps": "7306",
         "provinsi": "Sulwesi Seltan"},
        {"id": "2", "judul": "Sampah Jadi Emas", "instansi": "Pemkot Makassar", "kode_bps": "7371",
         "provinsi": "xx-tidak-terbaca"},
    ])
    assert not [k for k in _kinds(db) if k[0] == "region"], _kinds(db)


def test_an_unknown_region_alone_is_still_an_item(db, tmp_path, mapping_file):
    _ingest(db, tmp_path, mapping_file, [
        {"id": "1", "judul": "Antrian Daring", "instansi": "Dinas Kesehatan", "provinsi": "Atlantis"}], MAPPING_PLAIN)
    assert any(k[0] == "region" and "Atlantis" in k[1] for k in _kinds(db))


def test_a_region_guessed_from_a_company_or_foundation_name_is_an_item(db, tmp_path, mapping_file):
    """A region read off an agency's name at less than 0.9 is taken, and asked about: "CV Pasir"
    is named after sand, perhaps not after Paser; "Polres Gowa" is sure and asks nothing."""
    _ingest(db, tmp_path, mapping_file, [
        {"id": "1", "judul": "Paving dari Sampah Plastik", "instansi": "CV PASIR"},
        {"id": "2", "judul": "Patroli Sekolah", "instansi": "Polres Gowa"}], mapping=MAPPING_PLAIN)
    regions = [m for kind, m in _kinds(db) if kind == "region"]
    assert len(regions) == 1 and "CV PASIR" in regions[0] and "Kabupaten Paser" in regions[0], regions
    assert {r["regency_code"] for r in iter_records(db)} == {"64.01", "73.06"}


def test_values_differing_in_case_or_spacing_only_are_no_conflict():
    class Source:
        def __init__(self, hub):
            self.hub, self.source_id = hub, "1"
    same = [(Source("a"), "PT Pos Indonesia"), (Source("b"), "Pt  Pos Indonesia."), (Source("c"), "PT POS INDONESIA")]
    assert _conflict("agency", same) is None
    assert _conflict("agency", same + [(Source("d"), "PT Pos Nusantara")]) is not None


def test_an_agency_contradicting_the_region_is_flagged_and_shown(db, tmp_path, mapping_file):
    _ingest(db, tmp_path, mapping_file, [
        {"id": "1", "judul": "Kampung Sehat Bersama", "instansi": "Pemerintah Kabupaten Sinjai",
         "provinsi": "Kabupaten Pegunungan Bintang"}], MAPPING_PLAIN)
    found = [k for k in _kinds(db) if k[0] == "contradiction"]
    assert len(found) == 1 and "Sinjai" in found[0][1] and "Pegunungan Bintang" in found[0][1]
    record = next(iter_records(db))
    folder = tmp_path / "site"
    folder.mkdir()
    db.conn.execute("VACUUM INTO ?", [str(folder / "kms.db")])
    sync(open_db(folder / "kms.db"), engine_for(load_config({"DATA_DIR": str(folder)})))
    response = create_app({"TESTING": True, "DATA_DIR": str(folder)}).test_client().get(f"/inovasi/{record['id']}")
    page = response.text
    assert response.status_code == 200, page[:300]
    assert 'id="contradiction"' in page and "Sinjai" in page
    db.execute("UPDATE review SET resolved_at = '2026-12-01' WHERE kind = 'contradiction'")
    db.conn.commit()
    db.conn.execute("VACUUM INTO ?", [str(tmp_path / "resolved.db")])
    (folder / "kms.db").unlink()
    (tmp_path / "resolved.db").rename(folder / "kms.db")
    settled = create_app({"TESTING": True, "DATA_DIR": str(folder)}).test_client().get(f"/inovasi/{record['id']}")
    assert settled.status_code == 200 and 'id="contradiction"' not in settled.text   # no notice once resolved
