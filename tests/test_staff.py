"""Accounts, roles route by route, CSRF, the campaign dashboard, worklists and the edit path."""
import csv
import io
import json
import re

import pytest
from conftest import EDITOR_AGENCY, PASSWORD, PRODUCTION_PASSWORD_METHOD
from click.testing import CliRunner
from openpyxl import load_workbook

from kms import accounts
from kms.accounts import AccountError, create_user, get_user, in_scope
from kms.app import create_app
from kms.cli import main
from kms.completeness import default_rules
from kms.db import open_db
from kms.records import iter_records
from kms.scores import Selection, ensure_scores, score_rows, scope_sql

ROLES = ("anonymous", "editor", "operator", "admin")
# (method, path, expected status for anonymous, editor, operator, admin)
ROUTES = [
    ("GET", "/kampanye", (401, 200, 200, 200)),
    ("GET", "/kampanye/data", (401, 200, 200, 200)),
    ("GET", "/kampanye/daftar-kerja.csv", (401, 200, 200, 200)),
    ("GET", "/kampanye/daftar-kerja.xlsx", (401, 200, 200, 200)),
    ("GET", "/api/completeness", (401, 200, 200, 200)),
    ("GET", "/inovasi/{own}/ubah", (401, 200, 403, 200)),
    ("GET", "/inovasi/{other}/ubah", (401, 403, 403, 200)),
    ("POST", "/inovasi/{own}/ubah", (401, 302, 403, 302)),
    ("POST", "/inovasi/{other}/ubah", (401, 403, 403, 302)),
    ("POST", "/kampanye", (401, 403, 302, 302)),
    ("POST", "/kampanye/snapshot", (401, 403, 302, 302)),
    ("GET", "/", (200, 200, 200, 200)),
    ("GET", "/inovasi/{own}", (200, 200, 200, 200)),
    ("GET", "/api/innovations/{own}", (200, 200, 200, 200)),
]


@pytest.mark.parametrize("method, path, expected", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_roles_route_by_route(site, method, path, expected):
    path = path.format(own=site.own, other=site.other)
    for role, status in zip(ROLES, expected):
        client = site.client(role)
        if method == "GET":
            response = client.get(path)
        else:
            form_page = client.get("/masuk")    # any page gives the session's CSRF token
            data = {"csrf_token": site.token(form_page.text), "name": "Kampanye uji", "threshold": "80",
                    "contact": "0411 123 456"}
            response = client.post(path, data=data)
        assert response.status_code == status, (role, method, path)


def test_operator_scoped_by_province_edits_only_that_province(site):
    client = site.client("operator-jatim")
    db = open_db(site.dir / "kms.db")
    east_java = next(iter(db.query("SELECT id FROM innovations WHERE province_code = '35'")))["id"]
    assert client.get(f"/inovasi/{east_java}/ubah").status_code == 200
    assert client.get(f"/inovasi/{site.own}/ubah").status_code == 403
    results = client.get("/api/completeness").json["results"]
    assert results and all(r["province_code"] == "35" for r in results)


def test_requests_without_csrf_token_are_refused(site):
    client = site.client("editor")
    before = client.get(f"/api/innovations/{site.own}").json
    response = client.post(f"/inovasi/{site.own}/ubah", data={"contact": "0811 999"})
    assert response.status_code == 400
    assert "CSRF" in response.text
    assert client.get(f"/api/innovations/{site.own}").json == before
    anonymous = site.app.test_client()
    refused = anonymous.post("/masuk", data={"name": "admin", "password": PASSWORD})
    assert refused.status_code == 400
    assert anonymous.get("/kampanye").status_code == 401


def test_passwords_are_hashed_and_no_account_ships(site, db, monkeypatch):
    assert db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
    store = open_db(site.dir / "kms.db")
    hashes = [r["password_hash"] for r in store.query("SELECT password_hash FROM users")]
    assert hashes and all(PASSWORD not in h and h.startswith(("scrypt:", "pbkdf2:")) for h in hashes)
    monkeypatch.setattr(accounts, "PASSWORD_METHOD", PRODUCTION_PASSWORD_METHOD)   # as the site hashes
    create_user(db, "baru", "admin", PASSWORD)
    stored = db.execute("SELECT password_hash FROM users WHERE name = 'baru'").fetchone()[0]
    assert stored.startswith("scrypt:32768:") and PASSWORD not in stored
    assert accounts.authenticate(db, "baru", PASSWORD, "127.0.0.1").name == "baru"


def test_wrong_passwords_then_locked_out(site):
    client = site.app.test_client()
    for _ in range(5):
        assert site.login(client, "editor", "salah-salah-salah").status_code == 401
    locked = site.login(client, "editor")
    assert locked.status_code == 429
    assert "terlalu banyak" in locked.text.lower()
    assert site.login(site.app.test_client(), "admin").status_code == 302   # other accounts unaffected


def test_login_follows_only_local_next(site):
    client = site.app.test_client()
    page = client.get("/masuk")
    response = client.post("/masuk", data={"name": "admin", "password": PASSWORD,
                                           "csrf_token": site.token(page.text), "next": "//evil.example/x"})
    assert response.headers["Location"] == "/kampanye"


def test_logout_ends_the_session(site):
    client = site.client("admin")
    page = client.get("/kampanye")
    assert client.post("/keluar", data={"csrf_token": site.token(page.text)}).status_code == 302
    assert client.get("/kampanye").status_code == 401


@pytest.mark.parametrize("args, message", [
    (("x", "admin", "pendek"), "minimal"),
    (("x", "pemilik", PASSWORD), "peran"),
    (("x", "agency_editor", PASSWORD), "--agency"),
    (("x", "hub_operator", PASSWORD), "--hub"),
    (("dua kata", "admin", PASSWORD), "spasi"),
])
def test_bad_accounts_are_refused(db, args, message):
    with pytest.raises(AccountError, match=message):
        create_user(db, *args)


def test_user_add_command(sample_copy, monkeypatch, login):
    monkeypatch.setenv("KMS_DATA_DIR", str(sample_copy))
    runner = CliRunner()
    made = runner.invoke(main, ["user", "add", "editor-sinjai", "--role", "agency_editor",
                                "--agency", EDITOR_AGENCY, "--password-stdin"], input=PASSWORD + "\n")
    assert made.exit_code == 0, made.output
    assert "editor-sinjai" in made.output
    again = runner.invoke(main, ["user", "add", "editor-sinjai", "--role", "admin", "--password-stdin"],
                          input=PASSWORD + "\n")
    assert again.exit_code == 2
    assert "sudah ada" in again.output
    app = create_app({"TESTING": True, "DATA_DIR": str(sample_copy), "SECRET_KEY": "uji"})
    assert login(app.test_client(), "editor-sinjai").status_code == 302


def test_user_add_normalizes_the_agency_and_scopes_a_unit(sample_copy, monkeypatch):
    monkeypatch.setenv("KMS_DATA_DIR", str(sample_copy))
    runner = CliRunner()
    made = runner.invoke(main, ["user", "add", "ed-pemkab", "--role", "agency_editor", "--agency", "Pemkab Sinjai",
                                "--password-stdin"], input=PASSWORD + "\n")
    assert made.exit_code == 0, made.output
    assert "-> Pemerintah Kabupaten Sinjai" in made.output
    vague = runner.invoke(main, ["user", "add", "ed-vague", "--role", "agency_editor", "--agency", "Dinas Kesehatan",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert vague.exit_code == 2 and "tidak dikenali" in vague.output
    unit = runner.invoke(main, ["user", "add", "ed-dinkes", "--role", "agency_editor", "--agency",
                                "Dinas Kesehatan Kabupaten Sinjai", "--password-stdin"], input=PASSWORD + "\n")
    assert unit.exit_code == 0, unit.output
    db = open_db(sample_copy / "kms.db")
    whole, dinkes = get_user(db, "ed-pemkab"), get_user(db, "ed-dinkes")
    assert (whole.agency, whole.unit) == ("Pemerintah Kabupaten Sinjai", None)
    assert (dinkes.agency, dinkes.unit) == ("Pemerintah Kabupaten Sinjai", "Dinas Kesehatan Kabupaten Sinjai")
    health = {"agency": "Pemerintah Kabupaten Sinjai", "unit": "Dinkes Kab. Sinjai", "province_code": "73"}
    school = {**health, "unit": "Dinas Pendidikan Kabupaten Sinjai"}
    assert in_scope(dinkes, health, set()) and not in_scope(dinkes, school, set())
    assert in_scope(whole, health, set()) and in_scope(whole, school, set())
    rules = default_rules()
    ensure_scores(db, rules)
    sql_whole = {r["id"] for r in score_rows(db, rules, Selection(scope=scope_sql(whole)), rules.threshold)}
    sql_unit = {r["id"] for r in score_rows(db, rules, Selection(scope=scope_sql(dinkes)), rules.threshold)}
    records = {r["id"]: r for r in iter_records(db)}
    assert sql_unit and sql_unit < sql_whole            # the unit's records, not the government's
    assert sql_unit == {i for i in sql_whole if in_scope(dinkes, records[i], set())}


def test_public_api_shows_score_staff_in_scope_also_missing(site):
    own = site.own
    public = site.app.test_client().get(f"/api/innovations/{own}").json["completeness"]
    assert set(public) == {"score"} and 0 <= public["score"] <= 100
    staff = site.client("editor").get(f"/api/innovations/{own}").json["completeness"]
    assert staff["score"] == public["score"]
    assert all(set(m) >= {"field", "reason"} for m in staff["missing"])
    outsider = site.client("editor").get(f"/api/innovations/{site.other}").json["completeness"]
    assert set(outsider) == {"score"}


def test_api_completeness_contract_and_filters(site):
    client = site.client("admin")
    everything = client.get("/api/completeness?per_page=1000").json
    assert everything["summary"]["records"] == everything["total"] == len(everything["results"]) > 100
    pages = [client.get(f"/api/completeness?per_page=100&page={n}").json for n in (1, 2, 3, 4)]
    assert all(p["total"] == everything["total"] and p["per_page"] == 100 for p in pages)
    assert [r["id"] for p in pages for r in p["results"]] == [r["id"] for r in everything["results"]]
    assert client.get("/api/completeness?per_page=1001").status_code == 400
    first = everything["results"][0]
    assert set(first) >= {"id", "title", "score", "missing", "stale"}
    hub = client.get("/api/completeness?hub=jipp-sulsel").json
    assert 0 < hub["summary"]["records"] < everything["summary"]["records"]
    assert all("jipp-sulsel" in r["hubs"] for r in hub["results"])
    low = client.get("/api/completeness?max_score=40").json["results"]
    assert low and all(r["score"] <= 40 for r in low)
    agency = client.get("/api/completeness", query_string={"agency": EDITOR_AGENCY}).json["results"]
    assert agency and all(r["agency"] == EDITOR_AGENCY for r in agency)
    editor = site.client("editor").get("/api/completeness").json["results"]
    assert {r["agency"] for r in editor} == {EDITOR_AGENCY}


@pytest.mark.parametrize("query, parameter", [
    ("min_score=banyak", "min_score"), ("max_score=101", "max_score"), ("province=Sulsel", "province"),
])
def test_api_completeness_rejects_bad_parameters(site, query, parameter):
    response = site.client("admin").get(f"/api/completeness?{query}")
    assert response.status_code == 400
    assert response.json["error"]["parameter"] == parameter


def test_worklists_read_back_as_csv_and_xlsx(site):
    client = site.client("operator")
    text = client.get("/kampanye/daftar-kerja.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(int(r["Skor"]) < 80 and r["Yang kurang"] for r in rows)
    assert all("lan" in r["Hub"].split(", ") for r in rows)      # the operator's hub only
    assert rows[0]["Tautan perbarui"].endswith(f"/inovasi/{rows[0]['ID']}/ubah")
    book = load_workbook(io.BytesIO(client.get("/kampanye/daftar-kerja.xlsx").data))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["ID", "Judul", "Instansi"]
    ids = [sheet.cell(row=i, column=1).value for i in range(2, sheet.max_row + 1)]
    assert ids == [r["ID"] for r in rows]


def test_worklist_for_one_group(site):
    client = site.client("admin")
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/kampanye/daftar-kerja.csv?by=province&value=35").data.decode("utf-8-sig"))))
    assert rows and all(r["Provinsi"] == "Jawa Timur" for r in rows)
    assert client.get("/kampanye/daftar-kerja.csv?by=warna").status_code == 400


def test_dashboard_tables_sort_and_drill_down(site):
    client = site.client("admin")
    page = client.get("/kampanye?sort_hub=mean_score&dir_hub=asc").text
    for heading in ("Per hub", "Per provinsi", "Per instansi", "Per tahun penghargaan", "<svg"):
        assert heading in page
    hub_table = page.split('data-group="hub"')[1].split("</table>")[0]
    scores = [float(s) for s in re.findall(r"<td>(\d+\.\d)</td>\s*<td><a", hub_table)]
    assert scores == sorted(scores) and len(scores) >= 4
    drill = client.get("/kampanye/data?by=hub&value=lan&only=incomplete").text
    count = int(re.search(r'id="count">(\d+)', drill).group(1))
    assert count > 0 and drill.count("data-id=") == count
    assert client.get("/kampanye?sort_hub=warna").status_code == 400
    other = page.split('data-group="province"')[1].split("</table>")[0]      # sorted by its own default
    counts = [int(n) for n in re.findall(r'<th scope="row"><a [^>]+>[^<]*</a></th>\s*<td>(\d+)</td>', other)]
    assert counts == sorted(counts, reverse=True) and len(counts) > 3


def test_campaign_snapshots_draw_progress(site):
    client = site.client("admin")
    page = client.get("/kampanye")
    created = client.post("/kampanye", data={"csrf_token": site.token(page.text), "name": "Sulsel 2024",
                                             "filters": "province=73", "threshold": "70",
                                             "deadline": "2027-06-30"})
    url = created.headers["Location"]
    campaign_id = url.split("?")[0].rsplit("/", 1)[1]
    dashboard = client.get(url).text
    records = int(re.search(r'id="records">(\d+)', dashboard).group(1))
    assert 0 < records < 200 and "Belum ada snapshot" in dashboard
    for _ in range(2):
        client.post(f"/kampanye/snapshot?campaign={campaign_id}", data={"csrf_token": site.token(dashboard)})
    dashboard = client.get(url).text
    assert "<polyline" in dashboard and dashboard.count("<circle") == 4
    bad = client.post("/kampanye", data={"csrf_token": site.token(page.text), "name": "x",
                                         "filters": "province=Sulsel"})
    assert bad.status_code == 400 and "province" in bad.text


def test_editor_fills_a_section_and_everything_reflects_it(site):
    client = site.client("editor")
    own = site.own
    before = client.get(f"/api/innovations/{own}").json
    dashboard_before = re.search(r'id="mean-score">([\d.]+)', client.get("/kampanye").text).group(1)
    missing = {m["field"] for m in before["completeness"]["missing"]}
    section = next(f for f in ("impact", "adaptability", "novelty", "sustainability") if f in missing)
    text = ("Layanan zebrakuda menurunkan waktu tunggu warga dari tiga hari menjadi satu jam, "
            "menjangkau seluruh kecamatan dan ditiru oleh dua kabupaten tetangga pada tahun berikutnya.")
    form = client.get(f"/inovasi/{own}/ubah").text
    saved = client.post(f"/inovasi/{own}/ubah", data={"csrf_token": site.token(form), section: text})
    assert saved.status_code == 302
    after = client.get(f"/api/innovations/{own}").json
    assert after["completeness"]["score"] > before["completeness"]["score"]
    assert section not in {m["field"] for m in after["completeness"]["missing"]}
    assert after["updated_at"] > before["updated_at"]
    dashboard_after = re.search(r'id="mean-score">([\d.]+)', client.get("/kampanye").text).group(1)
    assert float(dashboard_after) > float(dashboard_before)
    detail = client.get(f"/inovasi/{own}").text
    assert "Riwayat perubahan" in detail and "editor" in detail and "zebrakuda" in detail
    title = re.search(r"<title>(.*?)</title>", detail, re.DOTALL).group(1)
    assert title.startswith(after["title"][:20]) and "<" not in title
    found = client.get("/api/search?q=zebrakuda").json
    assert [r["id"] for r in found["results"]] == [own]


def test_invalid_edit_is_refused_naming_the_field_and_nothing_changes(site):
    client = site.client("editor")
    own = site.own
    before = client.get(f"/api/innovations/{own}").json
    form = client.get(f"/inovasi/{own}/ubah").text
    response = client.post(f"/inovasi/{own}/ubah", data={"csrf_token": site.token(form), "year": "kemarin",
                                                         "contact": "0411 555"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text and "tahun empat angka" in response.text
    assert client.get(f"/api/innovations/{own}").json == before


def test_kms_check_prints_per_hub_and_writes_worklists(sample_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("KMS_DATA_DIR", str(sample_copy))
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--output", str(tmp_path / "kerja.xlsx")])
    assert result.exit_code == 0, result.output
    for hub in ("Hub JIPP Sulawesi Selatan", "JIPPNas (KemenPAN-RB)", "Inovasi Daerah (Kemendagri)",
                "Laboratorium Inovasi LAN", "Hub JIPP Jawa Timur"):      # hubs by their labels
        assert re.search(rf"^{re.escape(hub)}\s+\d+", result.output, re.MULTILINE), hub
    sheet = load_workbook(tmp_path / "kerja.xlsx").active
    written = int(re.search(r"daftar kerja: (\d+) entri", result.output).group(1))
    assert sheet.max_row - 1 == written > 0
    result = runner.invoke(main, ["check", "--province", "35", "--output", str(tmp_path / "k.csv"), "--json"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "k.csv").read_text(encoding="utf-8-sig"))))
    assert rows and {r["Provinsi"] for r in rows} == {"Jawa Timur"}
    bad = runner.invoke(main, ["check", "--sdg", "20"])
    assert bad.exit_code == 2 and "--sdg" in bad.output
    assert runner.invoke(main, ["check", "--output", str(tmp_path / "x.pdf")]).exit_code == 2


def test_kms_check_snapshot_is_kept(sample_copy, monkeypatch):
    monkeypatch.setenv("KMS_DATA_DIR", str(sample_copy))
    assert CliRunner().invoke(main, ["check", "--snapshot"]).exit_code == 0
    db = open_db(sample_copy / "kms.db")
    assert db.execute("SELECT COUNT(*) FROM snapshots WHERE campaign_id IS NULL").fetchone()[0] == 1


def test_kms_check_scores_a_campaign_and_snapshots_it(sample_copy, monkeypatch):
    from kms.campaigns import create_campaign, snapshots

    monkeypatch.setenv("KMS_DATA_DIR", str(sample_copy))
    db = open_db(sample_copy / "kms.db")
    campaign_id = create_campaign(db, "Jatim", "province=35", 60, None, "uji")
    result = CliRunner().invoke(main, ["check", "--campaign", str(campaign_id), "--snapshot", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    expected = db.execute("SELECT COUNT(*) FROM innovations WHERE province_code = '35'").fetchone()[0]
    assert summary["records"] == expected and summary["threshold"] == 60
    assert [s["records"] for s in snapshots(db, campaign_id)] == [expected]
    assert CliRunner().invoke(main, ["check", "--campaign", "999"]).exit_code == 2


def test_logout_by_link_asks_first(site):
    client = site.client("admin")
    page = client.get("/keluar")
    assert page.status_code == 200 and "Keluar sekarang" in page.text
    assert client.get("/kampanye").status_code == 200      # a GET signs nobody out
    client.post("/keluar", data={"csrf_token": site.token(page.text)})
    assert client.get("/kampanye").status_code == 401


def test_a_search_becomes_a_campaign(site):
    client = site.client("operator")
    page = client.get("/cari?province=73&award=top99").text
    total = int(re.search(r'id="total">(\d+)', page).group(1))
    filters = re.search(r'name="filters" value="([^"]+)"', page).group(1).replace("&amp;", "&")
    created = client.post("/kampanye", data={"csrf_token": site.token(page), "name": "Top 99 Sulsel",
                                             "filters": filters, "threshold": "80"})
    dashboard = client.get(created.headers["Location"]).text
    # the operator's scope (hub lan) narrows the campaign's records further
    records = int(re.search(r'id="records">(\d+)', dashboard).group(1))
    assert 0 <= records <= total and "Top 99" in dashboard
    admin = site.client("admin")
    assert int(re.search(r'id="records">(\d+)', admin.get(created.headers["Location"]).text).group(1)) == total
    assert "Jadikan kampanye" not in site.client("editor").get("/cari?province=73").text


def test_dashboard_settles_an_edit_conflict(site):
    from kms.records import now_iso, rebuild_record
    from kms.editing import apply_edit

    db = open_db(site.dir / "kms.db")
    own = site.own
    hub_value = next(db.query("SELECT summary FROM innovations WHERE id = ?", [own]))["summary"]
    apply_edit(db, own, {"summary": "Ringkasan dari staf."}, "editor")
    # pretend the hub sent something else when staff edited: its current value is now a change
    db.execute("UPDATE record_overrides SET base = '\"lama\"' WHERE record_id = ?", [own])
    with db.conn:
        rebuild_record(db, own, now_iso())
    client = site.client("editor")
    page = client.get("/kampanye").text
    assert f'data-record="{own}" data-field="summary"' in page
    other = site.client("operator")
    assert other.post(f"/inovasi/{own}/konflik/summary",
                      data={"csrf_token": site.token(other.get("/kampanye").text), "keep": "hub"}).status_code == 403
    done = client.post(f"/inovasi/{own}/konflik/summary",
                       data={"csrf_token": site.token(page), "keep": "hub", "back": "/kampanye"})
    assert done.status_code == 302 and done.headers["Location"] == "/kampanye"
    assert client.get(f"/api/innovations/{own}").json["summary"] == hub_value
    assert 'data-field="summary"' not in client.get("/kampanye").text


def test_user_list_passwd_disable(site, monkeypatch):
    monkeypatch.setenv("KMS_DATA_DIR", str(site.dir))
    runner = CliRunner()
    listed = runner.invoke(main, ["user", "list"])
    assert "editor  agency_editor  instansi Pemerintah Kabupaten Sinjai" in listed.output
    assert "scrypt" not in listed.output
    changed = runner.invoke(main, ["user", "passwd", "editor", "--password-stdin"], input="sandi-baru-yang-panjang\n")
    assert changed.exit_code == 0
    assert site.login(site.app.test_client(), "editor").status_code == 401
    assert site.login(site.app.test_client(), "editor", "sandi-baru-yang-panjang").status_code == 302
    signed_in = site.client("admin")
    assert runner.invoke(main, ["user", "disable", "admin"]).exit_code == 0
    assert signed_in.get("/kampanye").status_code == 401          # the open session ends
    assert site.login(site.app.test_client(), "admin").status_code == 401
    assert "NONAKTIF" in runner.invoke(main, ["user", "list"]).output
    assert runner.invoke(main, ["user", "disable", "tidak-ada"]).exit_code == 2
