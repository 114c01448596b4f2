"""What holds against crafted input and clumsy use: headers on every route, sessions and
cookies, redirects after sign-in, the password policy, ASCII-only numbers, Indonesian errors."""
import datetime as dt
import gzip
import re

import pytest

from kms import accounts
from kms.accounts import AccountError, create_user, password_problem
from kms.app import MAX_BODY, SECURITY_HEADERS


def _routes(app):
    """One concrete GET path per route of the app (ids filled with a real record's)."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", "x").replace(f"<int:{argument}>", "1")
        paths.append(path.replace("<path:filename>", "site.css"))
    return sorted(set(paths))


def test_security_headers_on_every_route(site):
    paths = _routes(site.app)
    assert len(paths) > 15
    for client in (site.client(), site.client("admin")):
        for path in paths + ["/static/site.css", "/tidak-ada"]:
            response = client.get(path)
            assert response.status_code < 500, path
            for name, value in SECURITY_HEADERS.items():
                assert response.headers.get(name) == value, (path, name)
            policy = response.headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy, path
            assert "script-src 'self';" in policy and "unsafe" not in policy, path   # the site's own file only
            assert "img-src 'self' data:;" in policy, path         # no photo host allowed unless set


def test_listed_photo_hosts_and_only_them_are_allowed_images(sample_dir):
    from kms.app import create_app

    app = create_app({"TESTING": True, "DATA_DIR": str(sample_dir), "IMAGE_HOSTS": "foto.example.go.id, B.example"})
    policy = app.test_client().get("/healthz").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://foto.example.go.id https://b.example;" in policy


def test_staff_pages_are_not_cached_and_public_ones_may_be(site):
    assert site.client("admin").get("/kampanye").headers["Cache-Control"] == "no-store"
    assert site.client().get("/masuk").headers["Cache-Control"] == "no-store"
    assert "no-store" not in site.client().get("/cari?q=sampah").headers.get("Cache-Control", "")


def test_public_answers_are_gzipped_and_secret_ones_never(site):
    anonymous = site.client()
    gzip_ok = {"Accept-Encoding": "gzip, deflate, br"}
    for path in ("/", "/cari?q=sampah", "/api/search?q=sampah", "/api/openapi.json", "/static/site.css"):
        plain, packed = anonymous.get(path), anonymous.get(path, headers=gzip_ok)
        assert packed.headers.get("Content-Encoding") == "gzip", path
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
        assert gzip.decompress(packed.data) == plain.data, path
        assert "Content-Encoding" not in plain.headers
    refused = anonymous.get("/cari?q=sampah", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    # BREACH: no compression where a secret meets chosen text
    assert "Content-Encoding" not in anonymous.get("/masuk", headers=gzip_ok).headers         # a CSRF token
    admin = site.client("admin")
    for path in ("/cari?q=sampah", "/api/search?q=sampah", "/kampanye"):
        assert "Content-Encoding" not in admin.get(path, headers=gzip_ok).headers, path


def test_session_cookie_is_lax_httponly_and_lasts_eight_hours(site):
    client = site.app.test_client()
    page = client.get("/masuk")
    response = client.post("/masuk", data={"name": "admin", "password": "kata-sandi-uji-123",
                                           "csrf_token": site.token(page.text)})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    expires = dt.datetime.strptime(cookie.split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT")
    hours = (expires - dt.datetime.utcnow()).total_seconds() / 3600
    assert 7.9 < hours <= 8.01


@pytest.mark.parametrize("target, followed", [
    ("/kampanye?campaign=1", "/kampanye?campaign=1"), ("/\t/evil.example", "/kampanye"),
    ("//evil.example", "/kampanye"), ("/%09/evil.example", "/%09/evil.example"),
    ("https://evil.example/", "/kampanye"), ("/\\evil.example", "/kampanye"), (" //evil.example", "/kampanye"),
    ("\n/kampanye", "/kampanye"), ("javascript:alert(1)", "/kampanye"),
])
def test_next_after_sign_in_stays_on_the_site(site, target, followed):
    client = site.app.test_client()
    page = client.get("/masuk")
    response = client.post("/masuk", data={"name": "admin", "password": "kata-sandi-uji-123", "next": target,
                                           "csrf_token": site.token(page.text)})
    assert response.status_code == 302
    assert response.headers["Location"] == followed


@pytest.mark.parametrize("password", ["1234567890", "password12", "passw0rd12", "P@ssword123", "qwertyuiop",
                                      "Indonesia2024", "adminadmin1", "aaaaaaaaaaaa", "budi-kms-2024",
                                      "0987654321", "pendek"])
def test_weak_passwords_are_refused(db, password):
    assert password_problem("budi", password)
    with pytest.raises(AccountError):
        create_user(db, "budi", "admin", password)


def test_sound_passwords_are_taken(db):
    for password in ("kuda-laut-merah-07", "sandi-baru-yang-panjang", "Tiga kata acak 9"):
        assert password_problem("budi", password) is None
    assert create_user(db, "budi", "admin", "kuda-laut-merah-07").name == "budi"


def test_an_unknown_name_costs_a_password_check_too(db, monkeypatch):
    create_user(db, "budi", "admin", "kuda-laut-merah-07")
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    for name in ("budi", "tidak-ada"):
        with pytest.raises(AccountError):
            accounts.authenticate(db, name, "salah-sekali-123", "10.0.0.1")
    assert len(checked) == 2 and checked[1] == accounts._DUMMY_HASH


@pytest.mark.parametrize("query, parameter", [
    ("/api/suggest?problem=sampah&limit=%C2%B2", "limit"), ("/api/suggest?problem=sampah&limit=%D9%A1%D9%A2", "limit"),
    ("/api/search?page=1_0", "page"), ("/api/search?year_from=1e400", "year_from"),
    ("/api/search?province=%C2%B2", "province"), ("/api/gaps?region=73&limit=%C2%B3", "limit"),
])
def test_numbers_are_ascii_digits_only(site, query, parameter):
    response = site.client().get(query)
    assert response.status_code == 400, query
    assert response.json["error"]["parameter"] == parameter


def test_errors_speak_indonesian_and_big_bodies_are_refused(site):
    page = site.client().get("/tidak-ada-halaman-ini")
    assert page.status_code == 404 and "Halaman tidak ditemukan" in page.text and "requested URL" not in page.text
    big = site.client().post("/masuk", data={"name": "x" * (MAX_BODY + 10)})
    assert big.status_code == 413 and "terlalu besar" in big.text


def test_worklist_file_names_in_any_script_do_not_break_the_download(site):
    client = site.client("admin")
    for value in ("Dinas Kesehatan 保健", "Kabupaten Sinjai", "€uro\nbaris"):
        response = client.get("/kampanye/daftar-kerja.csv", query_string={"by": "agency", "value": value})
        assert response.status_code == 200
        disposition = response.headers["Content-Disposition"]
        assert disposition.isascii() and "filename*=UTF-8''" in disposition and "\n" not in disposition
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_anonymous_traffic_is_rate_limited_per_address_and_staff_is_not(sample_copy):
    from kms.app import create_app

    app = create_app({"TESTING": True, "DATA_DIR": str(sample_copy), "SECRET_KEY": "uji", "RATE_LIMIT": 12})
    anonymous = app.test_client()
    answers = [anonymous.get("/api/search?q=sampah").status_code for _ in range(6)]
    assert answers[:3] == [200, 200, 200] and 429 in answers          # a burst of 3 (12/min), then 429
    limited = anonymous.get("/cari?q=sampah")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "Terlalu banyak permintaan" in limited.text
    other = app.test_client().get("/api/search?q=sampah", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200                                      # another address has its own
    assert anonymous.get("/masuk").status_code == 200                    # sign-in is not search traffic


def test_the_rate_limiter_refills_with_time():
    from kms.ratelimit import RateLimiter

    limiter = RateLimiter(60, burst=2)
    assert [limiter.allow("a", now=0.0)[0] for _ in range(3)] == [True, True, False]
    assert limiter.allow("a", now=0.5)[0] is False and limiter.allow("a", now=1.1)[0] is True
    assert limiter.allow("b", now=0.0)[0] is True
    assert RateLimiter(0).allow("a")[0] is True


def test_sign_out_and_a_new_password_end_saved_sessions(site, monkeypatch):
    from click.testing import CliRunner

    from kms.cli import main

    client = site.client("admin")
    saved = client.get_cookie("session").value
    page = client.get("/keluar")
    assert client.post("/keluar", data={"csrf_token": site.token(page.text)}).status_code == 302
    replay = site.app.test_client()
    replay.set_cookie("session", saved)
    assert replay.get("/kampanye").status_code == 401           # the saved cookie no longer works
    editor = site.client("editor")
    assert editor.get("/kampanye").status_code == 200
    monkeypatch.setenv("KMS_DATA_DIR", str(site.dir))
    changed = CliRunner().invoke(main, ["user", "passwd", "editor", "--password-stdin"],
                                 input="kuda-laut-merah-07\n")
    assert changed.exit_code == 0 and editor.get("/kampanye").status_code == 401


def test_campaigns_belong_to_their_creators_scope(site):
    admin, operator = site.client("admin"), site.client("operator")
    page = admin.get("/kampanye").text
    made = admin.post("/kampanye", data={"csrf_token": site.token(page), "name": "Nasional", "filters": "",
                                         "threshold": "80"})
    national = made.headers["Location"].split("?")[0].rsplit("/", 1)[1]
    page = operator.get("/kampanye").text
    made = operator.post("/kampanye", data={"csrf_token": site.token(page), "name": "Hub LAN", "filters": "",
                                            "threshold": "70"})
    lan = made.headers["Location"].split("?")[0].rsplit("/", 1)[1]
    # an agency editor (a data owner) opens any campaign, seeing only its own records in it
    editor_view = site.client("editor").get(f"/kampanye/{national}")
    assert editor_view.status_code == 200
    own = int(re.search(r'id="records">(\d+)', editor_view.text).group(1))
    assert own == len([r for r in site.client("admin").get("/api/search?agency=Pemerintah+Kabupaten+Sinjai&per_page=100").json["results"]])
    assert operator.get(f"/kampanye/{national}").status_code == 403
    assert "Nasional" not in operator.get("/kampanye").text
    other = site.client("operator-jatim")
    page = other.get("/kampanye").text
    assert other.post(f"/kampanye/snapshot?campaign={lan}", data={"csrf_token": site.token(page)}).status_code == 403
    assert admin.get(f"/kampanye/{lan}").status_code == 200 and operator.get(f"/kampanye/{lan}").status_code == 200
    db = site.db()
    assert db.execute("SELECT COUNT(*) FROM snapshots WHERE campaign_id = ?", [int(lan)]).fetchone()[0] == 0


def test_lockout_is_per_account_and_address_with_a_doubling_pause(db):
    create_user(db, "budi", "admin", "kuda-laut-merah-07")
    for _ in range(5):
        with pytest.raises(AccountError):
            accounts.authenticate(db, "budi", "salah-sekali-123", "10.0.0.1")
    with pytest.raises(accounts.TooManyAttempts, match="1 menit"):
        accounts.authenticate(db, "budi", "kuda-laut-merah-07", "10.0.0.1")   # paused here, right or wrong
    assert accounts.authenticate(db, "budi", "kuda-laut-merah-07", "10.0.0.2").name == "budi"  # not elsewhere
    earlier = (accounts._now() - dt.timedelta(minutes=3)).isoformat()
    with db.conn:
        db.execute("UPDATE login_attempts SET at = ? WHERE ip = '10.0.0.1'", [earlier])
    with pytest.raises(AccountError):       # the pause is over: one more try, and it doubles
        accounts.authenticate(db, "budi", "salah-sekali-123", "10.0.0.1")
    with pytest.raises(accounts.TooManyAttempts, match="2 menit"):
        accounts.authenticate(db, "budi", "kuda-laut-merah-07", "10.0.0.1")
    with db.conn:
        db.conn.executemany("INSERT INTO login_attempts (name, ip, at, ok) VALUES (?, ?, ?, 0)",
                            [("budi", f"10.1.{n}.1", accounts._now().isoformat()) for n in range(50)])
    with pytest.raises(accounts.TooManyAttempts, match="15 menit"):            # spread over 50 addresses
        accounts.authenticate(db, "budi", "kuda-laut-merah-07", "10.0.0.3")


def test_the_session_cookie_is_secure_when_the_setting_says_so(sample_copy):
    from kms.accounts import create_user as add
    from kms.app import create_app
    from kms.db import open_db

    add(open_db(sample_copy / "kms.db"), "aman", "admin", "kuda-laut-merah-07")
    for secure in (0, 1):
        app = create_app({"TESTING": True, "DATA_DIR": str(sample_copy), "SECRET_KEY": "uji",
                          "SECURE_COOKIES": secure})
        client = app.test_client()
        page = client.get("/masuk")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        cookie = client.post("/masuk", data={"name": "aman", "password": "kuda-laut-merah-07",
                                             "csrf_token": token}).headers["Set-Cookie"]
        assert ("Secure" in cookie) == bool(secure)


def test_the_api_refuses_what_its_schema_refuses(site):
    client = site.client()
    wrong = client.get("/api/search?q=sampah&provinse=73")
    assert wrong.status_code == 400
    assert wrong.get_json()["error"]["parameter"] == "provinse"
    assert "did you mean province?" in wrong.get_json()["error"]["message"]
    assert client.get("/cari?q=sampah&provinse=73").status_code == 200      # pages ignore strays
    blank = client.get("/api/search?q=sampah&year_from=")
    assert blank.status_code == 400 and blank.get_json()["error"]["parameter"] == "year_from"
    assert client.get("/cari?q=sampah&year_from=").status_code == 200       # a form's blank field
    assert client.get("/api/search?q=sampah&sdg=0").status_code == 400
    assert client.get("/api/completeness?min_score=5e-1").status_code == 401   # parsed, then not staff
    unknown = client.get("/api/gaps?region=Negeri+Antah+Berantah")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["parameter"] == "region"
    assert client.get("/api/suggest?problem=%E2%80%83%1E%C2%85").status_code == 400   # blank in every sense
    traced = client.open("/api/suggest?problem=air", method="TRACE")
    assert traced.status_code == 405 and "GET" in traced.headers["Allow"]


def test_the_openapi_document_states_the_same_rules(site):
    doc = site.client().get("/api/openapi.json").get_json()
    search = {p["name"]: p for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert search["province"]["schema"]["items"]["pattern"].startswith("^[0-9]")
    assert "maxLength" not in search["q"]["schema"]          # an over-long query is cut, not refused
    gaps = {p["name"]: p for p in doc["paths"]["/api/gaps"]["get"]["parameters"]}
    assert gaps["region"]["required"] and gaps["region"]["schema"]["minLength"] == 1
    assert "404" in doc["paths"]["/api/gaps"]["get"]["responses"]
    error = doc["paths"]["/api/suggest"]["get"]["responses"]["400"]["content"]["application/json"]["schema"]
    assert error["properties"]["error"]["properties"]["parameter"]["nullable"] is True
