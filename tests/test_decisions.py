"""kms decide: a person's answer to each kind of review item, kept so it never comes back."""
import json

import pytest
from click.testing import CliRunner

from conftest import PASSWORD
from indexer.mapping import load_mapping
from indexer.pipeline import ingest_files
from kms.accounts import create_user, get_user
from kms.cli import main
from kms.decisions import DecisionError, decide
from kms.records import get_record, iter_records, review_items

MAPPING = """
name = "uji"
format = "json"
id = "id"
[fields]
title = "judul"
agency = "instansi"
region = "wilayah"
innovator = "inovator"
"""
OTHER = MAPPING.replace('name = "uji"', 'name = "lain"')


def _ingest(db, tmp_path, mapping_file, rows, mapping=MAPPING, name="ekspor.json"):
    export = tmp_path / name
    export.write_text(json.dumps(rows), encoding="utf-8")
    return ingest_files(db, [export], load_mapping(mapping_file(mapping, name=name + ".toml")))


def _open(db, kind):
    return [i for i in review_items(db) if i["kind"] == kind]


@pytest.fixture
def admin(db):
    return create_user(db, "admin", "admin", PASSWORD)


def test_a_region_decision_is_kept_for_the_hubs_spelling(db, tmp_path, mapping_file, admin):
    _ingest(db, tmp_path, mapping_file, [{"id": "1", "judul": "Perahu Pustaka", "instansi": "Dinas Perpustakaan",
                                          "wilayah": "Negeri Pinisi Kami"}])
    (item,) = _open(db, "region")
    decide(db, item["id"], "Kabupaten Bulukumba", admin)
    record = next(iter_records(db))
    assert record["regency_code"] == "73.02" and not _open(db, "region")
    _ingest(db, tmp_path, mapping_file, [{"id": "2", "judul": "Sekolah Pantai", "instansi": "Dinas Pendidikan",
                                          "wilayah": "NEGERI PINISI KAMI"}], name="kedua.json")
    assert not _open(db, "region")                          # the same spelling is no question again
    assert {r["regency_code"] for r in iter_records(db)} == {"73.02"}


def test_an_agency_decision_gives_the_canonical_agency(db, tmp_path, mapping_file, admin):
    _ingest(db, tmp_path, mapping_file, [{"id": "1", "judul": "Perahu Pustaka", "instansi": "Pemda BPL",
                                          "wilayah": "Kabupaten Bulukumba"}])
    (item,) = _open(db, "agency")
    with pytest.raises(DecisionError):
        decide(db, item["id"], "Dinas Entah", admin)           # not an agency the normalizer knows
    decide(db, item["id"], "Pemkab Bulukumba", admin)
    record = next(iter_records(db))
    assert (record["agency"], record["agency_type"]) == ("Pemerintah Kabupaten Bulukumba", "pemkab")


def test_an_agency_decision_carries_the_accounts_scoped_to_the_old_name(db, tmp_path, mapping_file, admin):
    _ingest(db, tmp_path, mapping_file, [{"id": "1", "judul": "Perahu Pustaka", "instansi": "Pemda BPL",
                                          "wilayah": "Kabupaten Bulukumba"}])
    before = next(iter_records(db))["agency"]
    create_user(db, "editor-bpl", "agency_editor", PASSWORD, agency=before)
    (item,) = _open(db, "agency")
    decide(db, item["id"], "Pemkab Bulukumba", admin)
    assert get_user(db, "editor-bpl").agency == "Pemerintah Kabupaten Bulukumba" != before


def test_a_contradiction_decision_never_moves_a_real_agencys_accounts(db, tmp_path, mapping_file, admin):
    _ingest(db, tmp_path, mapping_file, [{"id": "1", "judul": "Kampung Sehat", "instansi": "Pemerintah Kabupaten Sinjai",
                                          "wilayah": "Kabupaten Pegunungan Bintang"}])
    create_user(db, "editor-sinjai", "agency_editor", PASSWORD, agency="Pemerintah Kabupaten Sinjai")
    (item,) = _open(db, "contradiction")
    decide(db, item["id"], "wilayah", admin)                   # the region is right: the agency was not Sinjai
    assert next(iter_records(db))["agency"] != "Pemerintah Kabupaten Sinjai"
    assert get_user(db, "editor-sinjai").agency == "Pemerintah Kabupaten Sinjai"


def test_a_conflict_decision_is_a_staff_edit(db, tmp_path, mapping_file, admin):
    row = {"id": "1", "judul": "Perahu Pustaka Bulukumba", "instansi": "Pemkab Bulukumba",
           "wilayah": "Kabupaten Bulukumba"}
    _ingest(db, tmp_path, mapping_file, [{**row, "inovator": "Andi Rahman"}])
    _ingest(db, tmp_path, mapping_file, [{**row, "inovator": "Rahmawati"}], mapping=OTHER, name="lain.json")
    (item,) = [i for i in _open(db, "conflict") if i["field"] == "innovator"]
    decide(db, item["id"], "Andi Rahman", admin)
    record = next(iter_records(db))
    assert record["innovator"] == "Andi Rahman" and not [i for i in _open(db, "conflict") if i["field"] == "innovator"]


def test_a_contradiction_decision_settles_the_record_and_its_notice(db, tmp_path, mapping_file, admin):
    _ingest(db, tmp_path, mapping_file, [{"id": "1", "judul": "Kampung Sehat", "instansi": "Pemerintah Kabupaten Sinjai",
                                          "wilayah": "Kabupaten Pegunungan Bintang"}])
    (item,) = _open(db, "contradiction")
    with pytest.raises(DecisionError):
        decide(db, item["id"], "keduanya", admin)
    decide(db, item["id"], "instansi", admin)                  # the agency is right
    record = next(iter_records(db))
    assert record["regency_code"] == "73.07" and not _open(db, "contradiction")


def test_only_an_account_in_scope_decides(db, tmp_path, mapping_file):
    _ingest(db, tmp_path, mapping_file, [{"id": "1", "judul": "Perahu Pustaka", "instansi": "Dinas Perpustakaan",
                                          "wilayah": "Negeri Pinisi Kami"}])
    (item,) = _open(db, "region")
    other = create_user(db, "ed-gowa", "agency_editor", PASSWORD, agency="Pemerintah Kabupaten Gowa")
    with pytest.raises(DecisionError, match="tidak berhak"):
        decide(db, item["id"], "73.02", other)
    assert _open(db, "region")                                 # nothing decided


def test_kms_decide_command(sample_copy, monkeypatch):
    monkeypatch.setenv("KMS_DATA_DIR", str(sample_copy))
    runner = CliRunner()
    assert runner.invoke(main, ["user", "add", "boss", "--role", "admin", "--password-stdin"],
                         input=PASSWORD + "\n").exit_code == 0
    listed = [json.loads(line) for line in runner.invoke(main, ["review", "--json"]).output.splitlines()]
    item = next(i for i in listed if i["kind"] == "contradiction")
    done = runner.invoke(main, ["decide", str(item["id"]), "instansi", "--as", "boss"])
    assert done.exit_code == 0, done.output
    assert "dipertahankan" in done.output
    again = runner.invoke(main, ["decide", str(item["id"]), "instansi", "--as", "boss"])
    assert again.exit_code == 2 and "tidak ada item" in again.output
    nobody = runner.invoke(main, ["decide", "1", "x", "--as", "siapa"])
    assert nobody.exit_code == 2


def test_a_value_decision_takes_only_a_canonical_value(db, tmp_path, mapping_file, admin):
    mapping = MAPPING.replace('innovator = "inovator"', 'innovator = "inovator"\naward = "penghargaan"')
    _ingest(db, tmp_path, mapping_file, [{"id": "1", "judul": "Perahu Pustaka", "instansi": "Pemkab Bulukumba",
                                          "wilayah": "Kabupaten Bulukumba", "penghargaan": "Juara Harapan Lomba"}],
            mapping)
    (item,) = [i for i in _open(db, "value") if i["field"] == "award"]
    with pytest.raises(DecisionError, match="bukan kunci"):
        decide(db, item["id"], "juara-harapan", admin)
    decide(db, item["id"], "none", admin)
    assert next(iter_records(db))["award"] == "none" and not [i for i in _open(db, "value") if i["field"] == "award"]
