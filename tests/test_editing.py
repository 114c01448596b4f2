"""Staff edits: overrides win over hubs, every change is audited, a later hub change to an
edited field becomes an edit conflict for review."""
import datetime as dt
import json

import pytest
from click.testing import CliRunner

from indexer.mapping import load_mapping
from indexer.pipeline import ingest_files
from kms.cli import main
from kms.audit import audit_trail
from kms.completeness import check_record, default_rules
from kms.editing import EditError, apply_edit, parse_form
from kms.records import get_record, review_items

MAPPING = """
name = "uji"
format = "csv"
id = "No"
[fields]
title = "Judul"
agency = "Instansi"
region = "Wilayah"
year = "Tahun"
summary = "Ringkasan"
impact = "Dampak"
updated_at = "Diperbarui"
"""


def hub_csv(folder, impact, summary="Antrian puskesmas lewat aplikasi."):
    path = folder / "hub.csv"
    path.write_text("No;Judul;Instansi;Wilayah;Tahun;Ringkasan;Dampak;Diperbarui\n"
                    f"1;Antrian Online;Pemkab Gowa;Kab. Gowa;2019;{summary};{impact};2023-01-05\n",
                    encoding="utf-8")
    return path


@pytest.fixture
def ingested(db, tmp_path, mapping_file):
    mapping = load_mapping(mapping_file(MAPPING))
    ingest_files(db, [hub_csv(tmp_path, "Waktu tunggu turun.")], mapping)
    record_id = next(iter(db.query("SELECT id FROM innovations")))["id"]
    return db, mapping, record_id


def test_edit_overrides_audits_and_moves_updated_at(ingested):
    db, _mapping, record_id = ingested
    before = get_record(db, record_id)
    changed = apply_edit(db, record_id, {"impact": "Waktu tunggu turun dari 3 jam ke 20 menit.",
                                         "title": before["title"], "sdgs": [3]}, "editor-gowa")
    assert sorted(changed) == ["impact", "sdgs"]     # the unchanged title is not an edit
    after = get_record(db, record_id)
    assert after["impact"] == "Waktu tunggu turun dari 3 jam ke 20 menit."
    assert after["sdgs"] == [3]
    assert before["updated_at"] == "2023-01-05"
    assert after["updated_at"][:10] == dt.datetime.now(dt.timezone.utc).date().isoformat()  # edit: now
    trail = {row["field"]: row for row in audit_trail(db, record_id)}
    assert set(trail) == {"impact", "sdgs"}
    assert trail["impact"]["user"] == "editor-gowa"
    assert (trail["impact"]["before"], trail["impact"]["after"]) == (
        "Waktu tunggu turun.", "Waktu tunggu turun dari 3 jam ke 20 menit.")
    assert (trail["sdgs"]["before"], trail["sdgs"]["after"]) == ([], [3])
    assert apply_edit(db, record_id, {"impact": after["impact"]}, "editor-gowa") == []


def test_reingest_keeps_staff_value_and_records_the_hub_change(ingested, tmp_path):
    db, mapping, record_id = ingested
    apply_edit(db, record_id, {"impact": "Nilai dari staf."}, "editor-gowa")
    # the hub sends the same old value again: nothing to review
    ingest_files(db, [hub_csv(tmp_path, "Waktu tunggu turun.")], mapping)
    assert get_record(db, record_id)["impact"] == "Nilai dari staf."
    assert not [i for i in review_items(db) if i["kind"] == "edit_conflict"]
    # the hub changes the field later: staff value stays, the hub's value waits for review
    ingest_files(db, [hub_csv(tmp_path, "Nilai baru dari hub.")], mapping)
    assert get_record(db, record_id)["impact"] == "Nilai dari staf."
    conflicts = [i for i in review_items(db) if i["kind"] == "edit_conflict"]
    assert len(conflicts) == 1
    assert conflicts[0]["field"] == "impact"
    assert conflicts[0]["detail"] == {"staff": "Nilai dari staf.", "hub": "Nilai baru dari hub.",
                                      "base": "Waktu tunggu turun."}
    # fields staff did not touch still follow the hub
    ingest_files(db, [hub_csv(tmp_path, "Nilai baru dari hub.", summary="Ringkasan baru dari hub.")], mapping)
    assert get_record(db, record_id)["summary"] == "Ringkasan baru dari hub."


def test_edit_conflicts_are_listed_by_kms_review(ingested, tmp_path, monkeypatch):
    db, mapping, record_id = ingested
    apply_edit(db, record_id, {"impact": "Nilai dari staf."}, "editor-gowa")
    ingest_files(db, [hub_csv(tmp_path, "Nilai baru dari hub.")], mapping)
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["review", "--kind", "edit_conflict", "--json"])
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(i["record_id"], i["field"]) for i in items] == [(record_id, "impact")]


def test_editing_again_after_a_conflict_settles_it(ingested, tmp_path):
    db, mapping, record_id = ingested
    apply_edit(db, record_id, {"impact": "Nilai dari staf."}, "a")
    ingest_files(db, [hub_csv(tmp_path, "Nilai baru dari hub.")], mapping)
    apply_edit(db, record_id, {"impact": "Nilai staf setelah membaca hub."}, "a")
    assert not [i for i in review_items(db) if i["kind"] == "edit_conflict"]


class Form(dict):
    def getlist(self, name):
        return [self[name]]


@pytest.mark.parametrize("form, field", [
    ({"year": "dua ribu"}, "year"),
    ({"year": "1800"}, "year"),
    ({"sdgs": "3, 19"}, "sdgs"),
    ({"video_url": "javascript:alert(1)"}, "video_url"),
    ({"stage": "selesai"}, "stage"),
    ({"sector": "bukan_urusan"}, "sector"),
    ({"title": "  "}, "title"),
    ({"impact": "x" * 20_001}, "impact"),
])
def test_bad_form_values_name_the_field(form, field):
    with pytest.raises(EditError) as caught:
        parse_form(Form(form))
    assert set(caught.value.errors) == {field}


def test_form_values_become_canonical():
    values = parse_form(Form({"year": "2021", "sdgs": "10; 3 3", "video_url": "https://youtu.be/x",
                              "impact": " Dampak\r\nbaru ", "contact": ""}))
    assert values == {"year": 2021, "sdgs": [3, 10], "video_url": "https://youtu.be/x",
                      "impact": "Dampak\nbaru", "contact": None}


@pytest.mark.parametrize("keep_staff", [True, False])
def test_an_edit_conflict_is_settled_either_way(ingested, tmp_path, keep_staff):
    from kms.editing import resolve_edit_conflict

    db, mapping, record_id = ingested
    apply_edit(db, record_id, {"impact": "Nilai dari staf."}, "a")
    ingest_files(db, [hub_csv(tmp_path, "Nilai baru dari hub.")], mapping)
    resolve_edit_conflict(db, record_id, "impact", keep_staff, "b")
    assert not [i for i in review_items(db) if i["kind"] == "edit_conflict"]
    expected = "Nilai dari staf." if keep_staff else "Nilai baru dari hub."
    assert get_record(db, record_id)["impact"] == expected
    assert audit_trail(db, record_id)[0]["user"] == "b"
    # the hub changes the field once more
    ingest_files(db, [hub_csv(tmp_path, "Nilai ketiga dari hub.")], mapping)
    conflicts = [i for i in review_items(db) if i["kind"] == "edit_conflict"]
    if keep_staff:
        assert get_record(db, record_id)["impact"] == "Nilai dari staf." and len(conflicts) == 1
    else:   # no staff value any more: the hub simply wins
        assert get_record(db, record_id)["impact"] == "Nilai ketiga dari hub." and not conflicts


@pytest.mark.parametrize("url", ["https://youtu.be/abc", "http://video.pemkab.go.id:8080/a?b=1",
                                 "https://video", "http://", "https://-x-.id", "ftp://x.id/a",
                                 "https://x.id/a b"])
def test_the_edit_form_and_completeness_agree_on_addresses(url):
    """What the form saves, completeness never calls invalid (and the other way round)."""
    try:
        parse_form(Form({"video_url": url}))
        saved = True
    except EditError:
        saved = False
    gaps = check_record({"video_url": url}, default_rules()).gaps
    invalid = any(g.field == "video_url" and g.reason != "missing" for g in gaps)
    assert saved != invalid
    assert saved == (url in ("https://youtu.be/abc", "http://video.pemkab.go.id:8080/a?b=1"))
