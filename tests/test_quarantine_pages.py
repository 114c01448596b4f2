"""/karantina: the quarantined rows by hub and file, tried again with the hub's current
mapping, discarded with a reason (kept, with who and when); admins see every hub, a hub
operator its own."""
import json

from indexer.mapping import load_mapping
from indexer.pipeline import ingest_files
from kms.records import quarantine_discards, quarantine_items, remember_mapping

MAPPING = """
name = "lan"
format = "json"
id = "id"
[fields]
title = "judul"
summary = "ringkasan"
region = "daerah"
"""


def _quarantine_one(site, tmp_path, mapping_file):
    """A row of hub 'lan' without the column its mapping reads the title from."""
    export = tmp_path / "tambahan.json"
    export.write_text(json.dumps([{"id": "Q1", "nama": "Layanan Karantina Percobaan Sinjai", "ringkasan": "Ringkasan uji.",
                                   "daerah": "Kabupaten Sinjai"}]), encoding="utf-8")
    db = site.db()
    report = ingest_files(db, [export], load_mapping(mapping_file(MAPPING)))
    assert report.quarantined == 1
    db.close()


def test_who_sees_the_quarantine(site, tmp_path, mapping_file):
    _quarantine_one(site, tmp_path, mapping_file)
    assert site.client().get("/karantina").status_code == 401
    for name in ("editor", "operator-jatim"):         # editors, and operators scoped to a province
        assert site.client(name).get("/karantina").status_code == 403, name
    admin_page = site.client("admin").get("/karantina").text
    operator_page = site.client("operator").get("/karantina").text
    assert 'data-hub="lan"' in operator_page and "tambahan.json" in operator_page
    assert admin_page.count('class="quarantine-hub"') > operator_page.count('class="quarantine-hub"') == 1
    other = site.client("operator-jatim")
    token = site.token(site.client("operator").get("/karantina").text)
    assert other.post("/karantina/coba-lagi", data={"csrf_token": token, "hub": "lan"}).status_code in (400, 403)


def test_a_row_is_tried_again_after_the_mapping_changed(site, tmp_path, mapping_file):
    _quarantine_one(site, tmp_path, mapping_file)
    operator = site.client("operator")
    db = site.db()
    fixed = MAPPING.replace('title = "judul"', 'title = ["judul", "nama"]')
    remember_mapping(db, "lan", str(tmp_path / "lan.toml"), fixed, "2026-12-01T00:00:00+00:00")
    db.conn.commit()
    db.close()
    page = operator.get("/karantina").text
    done = operator.post("/karantina/coba-lagi", data={"csrf_token": site.token(page), "hub": "lan", "file": "tambahan.json"})
    assert done.status_code == 302
    db = site.db()
    assert not [item for item in quarantine_items(db, "lan") if item["file"] == "tambahan.json"]
    db.close()
    found = site.client().get("/api/search?q=Layanan+Karantina+Percobaan").json
    assert found["total"] >= 1 and found["results"][0]["title"] == "Layanan Karantina Percobaan Sinjai"


def test_a_row_is_discarded_with_a_reason(site, tmp_path, mapping_file):
    _quarantine_one(site, tmp_path, mapping_file)
    operator = site.client("operator")
    page = operator.get("/karantina").text
    data = {"csrf_token": site.token(page), "hub": "lan", "file": "tambahan.json", "line": "1"}
    short = operator.post("/karantina/buang", data={**data, "why": "x"})
    assert "alasan" in operator.get(short.headers["Location"]).text.lower()
    done = operator.post("/karantina/buang", data={**data, "why": "baris uji, sudah dikirim ulang lewat hub lain"})
    assert done.status_code == 302
    db = site.db()
    assert not [item for item in quarantine_items(db, "lan") if item["file"] == "tambahan.json"]
    kept = quarantine_discards(db, "lan")
    assert kept[0]["discarded_by"] == "operator" and "hub lain" in kept[0]["why"] and "Karantina" in kept[0]["raw"]
    db.close()
    assert "hub lain" in operator.get("/karantina").text
