"""/tinjau: review items grouped by cause, decided for the whole group by who may edit them,
the decision kept so it is never asked again; replication candidates confirmed or refused."""
import json
import re

from indexer.mapping import hub_mapping
from indexer.pipeline import ingest_files
from kms.records import iter_records, review_items


def _ingest(site, tmp_path, mapping_file, rows):
    """Rows of the bundled lan hub (its own mapping, so later renormalization reads them alike)."""
    export = tmp_path / "tambahan-lan.jsonl"
    export.write_text("\n".join(json.dumps({"id": r["id"], "nama_inovasi": r["judul"], "deskripsi": r["ringkasan"],
                                            "nama_instansi": r["instansi"], "kabkota": r["daerah"]}) for r in rows),
                      encoding="utf-8")
    db = site.db()
    ingest_files(db, [export], hub_mapping("lan"))
    db.close()


def test_a_group_of_region_items_is_decided_at_once_and_not_asked_again(site, tmp_path, mapping_file):
    rows = [{"id": f"R{n}", "judul": f"Layanan Desa Wisata Nomor {n}", "ringkasan": "Ringkasan.",
             "instansi": "Dinas Pariwisata", "daerah": "Kab. Sinjaii Timurr"} for n in range(3)]
    _ingest(site, tmp_path, mapping_file, rows)
    operator = site.client("operator")                  # the lan hub's operator
    page = operator.get("/tinjau").text
    group = re.search(r'data-kind="region" data-group="([^"]+Sinjaii[^"]*)"', page)
    assert group, page[:3000]
    assert "(3)" in page.split(group.group(0))[1].split("</h2>")[0]
    assert site.client("operator-jatim").get("/tinjau").text.count("Sinjaii") == 0     # not in its scope
    done = operator.post("/tinjau/putuskan", data={"csrf_token": site.token(page), "group": group.group(1).replace("&#34;", '"'),
                                                   "value": "Kabupaten Sinjai"})
    assert done.status_code == 302 and "3 item diputuskan" in operator.get(done.headers["Location"]).text
    db = site.db()
    chosen = [r for r in iter_records(db) if r["title"].startswith("Layanan Desa Wisata Nomor")]
    assert len(chosen) == 3 and all(r["regency_code"] == "73.07" for r in chosen)
    assert not [i for i in review_items(db) if "Sinjaii" in i["message"]]
    db.close()
    rows.append({"id": "R9", "judul": "Layanan Desa Wisata Nomor 9", "ringkasan": "R.", "instansi": "Dinas Pariwisata",
                 "daerah": "Kab. Sinjaii Timurr"})
    _ingest(site, tmp_path, mapping_file, rows)          # the same spelling again: decided already
    db = site.db()
    assert not [i for i in review_items(db) if "Sinjaii" in i["message"]]
    assert next(r for r in iter_records(db) if r["title"] == "Layanan Desa Wisata Nomor 9")["regency_code"] == "73.07"
    db.close()


def test_a_bad_decision_says_why_and_changes_nothing(site, tmp_path, mapping_file):
    _ingest(site, tmp_path, mapping_file, [{"id": "B1", "judul": "Layanan Uji Keputusan", "ringkasan": "R.",
                                             "instansi": "Dinas Pariwisata", "daerah": "Kab. Entahlah Manaa"}])
    admin = site.client("admin")
    page = admin.get("/tinjau").text
    group = re.search(r'data-kind="region" data-group="([^"]+Entahlah[^"]*)"', page).group(1)
    bad = admin.post("/tinjau/putuskan", data={"csrf_token": site.token(page), "group": group, "value": "Negeri Dongeng"})
    again = admin.get(bad.headers["Location"]).text
    assert 'id="failed"' in again and "tidak dikenali" in again and "Entahlah" in again


def test_the_review_queue_by_role_and_the_candidates(site):
    assert site.client().get("/tinjau").status_code == 401
    admin = site.client("admin")
    page = admin.get("/tinjau").text
    assert 'id="review-counts"' in page and 'id="kandidat"' in page
    links = re.findall(r'<li data-link="(\d+)">', page)
    assert links                                         # the samples hold detected candidates
    form = re.search(rf'action="(/inovasi/[^"]+/replikasi/{links[0]}/tolak)"', page).group(1)
    refused = admin.post(form, data={"csrf_token": site.token(page), "back": "/tinjau"})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/tinjau#kandidat")
    assert f'data-link="{links[0]}"' not in admin.get("/tinjau").text
    editor = site.client("editor").get("/tinjau").text
    assert editor.count('class="review-group"') <= page.count('class="review-group"')


def test_a_decision_is_audited_with_who_and_what(site, tmp_path, mapping_file):
    _ingest(site, tmp_path, mapping_file, [{"id": "A1", "judul": "Layanan Audit Keputusan", "ringkasan": "R.",
                                             "instansi": "Dinas Pariwisata", "daerah": "Kab. Sinjaii Utaraa"}])
    operator = site.client("operator")
    page = operator.get("/tinjau").text
    group = re.search(r'data-kind="region" data-group="([^"]+Utaraa[^"]*)"', page).group(1)
    operator.post("/tinjau/putuskan", data={"csrf_token": site.token(page), "group": group, "value": "73.07"})
    db = site.db()      # a spelling's decision is kept with who and when (and applies from now on)
    kept = [dict(zip(("spelling", "value", "by", "at"), row)) for row in db.execute(
        "SELECT spelling, value, decided_by, decided_at FROM hub_decisions WHERE hub = 'lan' AND field = 'region'")]
    db.close()
    assert any("utaraa" in k["spelling"] and k["value"] == "73.07" and k["by"] == "operator" and k["at"] for k in kept)


def test_an_acknowledgement_is_audited(site):
    db = site.db()
    db.execute("INSERT INTO review (kind, record_id, hub, source_id, field, message, detail, created_at) "
               "VALUES ('dropped_source', ?, 'lan', 'X1', '', 'uji: tidak dikirim lagi', NULL, '2026-12-01')", [site.own])
    db.conn.commit()
    db.close()
    admin = site.client("admin")
    page = admin.get("/tinjau").text
    group = re.search(r'data-kind="dropped_source" data-group="([^"]+)"', page).group(1)
    admin.post("/tinjau/putuskan", data={"csrf_token": site.token(page), "group": group})
    db = site.db()
    item = next(i for i in review_items(db, include_resolved=True) if i["message"] == "uji: tidak dikirim lagi")
    db.close()
    assert item["resolved_by"] == "admin" and item["decision"] == "diketahui" and item["resolved_at"]


NEW_ROUTES = [("GET", "/unggah"), ("GET", "/tinjau"), ("GET", "/karantina"), ("POST", "/tinjau/putuskan"),
              ("POST", "/karantina/coba-lagi"), ("POST", "/karantina/buang"), ("POST", "/unggah/jalankan")]
# expected status per role: anonymous, agency editor, lan hub operator, province-scoped operator, admin
EXPECTED = {"/unggah": (401, 403, 200, 403, 200), "/tinjau": (401, 200, 200, 200, 200),
            "/karantina": (401, 403, 200, 403, 200)}


def test_every_new_route_for_every_role(site):
    roles = ("anonymous", "editor", "operator", "operator-jatim", "admin")
    clients = {role: site.client(None if role == "anonymous" else role) for role in roles}
    for path, expected in EXPECTED.items():
        assert tuple(clients[r].get(path).status_code for r in roles) == expected, path
    for role in roles:                  # the actions: refused without a token, 401/403 without the right
        for method, path in NEW_ROUTES:
            if method != "POST":
                continue
            status = clients[role].post(path, data={"hub": "jippnas", "file": "x", "line": "1", "group": "x"}).status_code
            assert status in (400, 401, 403), (role, path, status)     # no CSRF token, or no right
    token = site.token(clients["operator"].get("/unggah").text)
    for path in ("/karantina/coba-lagi", "/karantina/buang", "/unggah/jalankan"):   # with a token, another hub
        status = clients["operator"].post(path, data={"csrf_token": token, "hub": "jippnas", "file": "x",
                                                      "line": "1", "why": "alasan uji", "mapping": "y"}).status_code
        assert status == 403, path
