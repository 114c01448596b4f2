"""The public site as people use it: Indonesian error pages for every status, search context
kept in every link, the field policy on pages, API and exports, hub labels, dates, photos,
and what crawlers are offered (robots.txt, sitemap, canonical links)."""
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from click.testing import CliRunner

from kms import field_policy
from kms.cli import main
from kms.display import tanggal, waktu
from kms.editing import apply_edit
from kms.schema import RECORD_FIELDS
from kms.sync import set_state

ENGLISH = ("The requested URL", "Method Not Allowed", "Bad Request", "Internal Server Error", "Unauthorized",
           "Forbidden", "Too Many Requests", "Request Entity Too Large", "must be", "is not a known")


def _indonesian_error(response, status):
    assert response.status_code == status
    text = response.text
    assert '<html lang="id">' in text and f"Kode kesalahan {status}" in text, status
    assert not [phrase for phrase in ENGLISH if phrase in text], status
    return text


def test_every_error_status_has_an_indonesian_page(site):
    anonymous = site.client()
    _indonesian_error(anonymous.post("/masuk", data={"name": "x"}), 400)      # no CSRF token
    _indonesian_error(anonymous.get("/inovasi/x/replikasi/1/konfirmasi"), 405)
    _indonesian_error(anonymous.get("/tidak-ada"), 404)
    _indonesian_error(anonymous.get("/inovasi/inv-tidak-ada"), 404)
    _indonesian_error(anonymous.post("/cari"), 405)
    _indonesian_error(anonymous.post("/masuk", data={"x": "y" * (3 * 2**20)}), 413)
    editor = site.client("editor")
    _indonesian_error(editor.get(f"/inovasi/{site.other}/ubah"), 403)
    assert "Masuk" in anonymous.get("/kampanye").text and anonymous.get("/kampanye").status_code == 401

    from kms.app import create_app
    fresh = create_app({"TESTING": True, "DATA_DIR": str(site.dir)})

    @fresh.get("/uji-500")
    def broken():
        raise RuntimeError("boom")
    text = _indonesian_error(fresh.test_client().get("/uji-500"), 500)
    assert "boom" not in text and "Traceback" not in text
    db = site.db()
    set_state(db, "damaged", "uji")
    db.close()
    _indonesian_error(site.app.test_client().get("/cari?q=sampah"), 503)


def test_too_many_requests_page_is_indonesian(sample_copy):
    from kms.app import create_app

    client = create_app({"TESTING": True, "DATA_DIR": str(sample_copy), "RATE_LIMIT": 2}).test_client()
    statuses = [client.get("/cari?q=air").status_code for _ in range(4)]
    assert statuses[-1] == 429
    _indonesian_error(client.get("/cari?q=air"), 429)


def test_api_errors_stay_english_with_a_stable_code(client):
    cases = {"/api/search?year_from=2022&year_to=2019": ("year_from", "inverted_range"),
             "/api/search?page=0": ("page", "out_of_range"), "/api/search?year=abc": ("year", "not_a_number"),
             "/api/search?stage=x": ("stage", "not_a_choice"), "/api/search?provinse=73": ("provinse", "unknown_parameter"),
             "/api/search?province=Sulsel": ("province", "not_a_region_code")}
    for url, (parameter, code) in cases.items():
        response = client.get(url)
        assert response.status_code == 400, url
        error = response.json["error"]
        assert (error["parameter"], error["code"]) == (parameter, code), url
        assert error["message"].isascii(), url
    assert "did you mean province" in client.get("/api/search?provinse=73").json["error"]["message"]


def test_page_messages_are_indonesian_and_keep_the_rest_of_the_search(client):
    page = client.get("/cari?q=air&province=73&year_from=2022&year_to=2019")
    assert page.status_code == 400
    assert "Tahun dari (2022) lebih besar dari tahun sampai (2019)" in page.text
    assert 'value="air"' in page.text and "Provinsi: Sulawesi Selatan" in page.text   # the rest is kept
    kept = int(re.search(r'id="total">(\d+)', page.text).group(1))
    assert kept == client.get("/api/search?q=air&province=73&year_to=2019").json["total"]
    assert "Halaman harus antara 1 dan 10000" in client.get("/cari?page=0").text
    assert "kode wilayah Kemendagri" in client.get("/cari?province=Sulsel").text


def test_cli_messages_and_prompts_are_indonesian(site, monkeypatch):
    monkeypatch.setenv("KMS_DATA_DIR", str(site.dir))
    runner = CliRunner()
    out = runner.invoke(main, ["check", "--year-from", "2022", "--year-to", "2019"])
    assert out.exit_code == 2 and "lebih besar dari year_to" in out.output
    out = runner.invoke(main, ["user", "add", "baru", "--role", "admin"], input="sandi-panjang-123\nlain-lagi-456\n")
    assert "Ulangi kata sandi" in out.output and "Repeat for confirmation" not in out.output


def test_pagination_keeps_every_parameter_and_a_page_past_the_end_goes_to_the_last(client):
    page = client.get("/cari?q=layanan&per_page=5&sort=newest&year_from=2015")
    assert page.status_code == 200
    following = re.search(r'rel="next" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    kept = parse_qs(urlsplit(following).query)
    assert kept == {"q": ["layanan"], "per_page": ["5"], "sort": ["newest"], "year_from": ["2015"], "page": ["2"]}
    total = int(re.search(r'id="total">(\d+)', page.text).group(1))
    last = -(-total // 5)
    past = client.get("/cari?q=layanan&per_page=5&sort=newest&year_from=2015&page=9999")
    assert past.status_code == 302
    assert parse_qs(urlsplit(past.headers["Location"]).query)["page"] == [str(last)]
    landing = client.get(past.headers["Location"])
    assert f"Halaman {last} dari {last}" in landing.text and "Tidak ada inovasi" not in landing.text


def test_chips_remove_one_filter_and_keep_the_rest(client):
    page = client.get("/cari?q=sampah&province=73&province=35&year_from=2018").text
    chips = re.findall(r'class="chip">([^<]+)<a class="chip-remove" href="([^"]+)"', page)
    assert [label.strip() for label, _ in chips] == ["Provinsi: Sulawesi Selatan", "Provinsi: Jawa Timur", "Tahun: sejak 2018"]
    removed = parse_qsl(urlsplit(chips[0][1].replace("&amp;", "&")).query)
    assert removed == [("q", "sampah"), ("province", "35"), ("year_from", "2018")]
    years_off = parse_qsl(urlsplit(chips[2][1].replace("&amp;", "&")).query)
    assert years_off == [("q", "sampah"), ("province", "73"), ("province", "35")]


def test_the_record_page_leads_back_to_the_same_search(client):
    page = client.get("/cari?q=sampah&province=73&per_page=5").text
    link = re.search(r'<article class="card">\s*<h3><a href="([^"]+)"', page).group(1).replace("&amp;", "&")
    record = client.get(link).text
    back = re.search(r'class="back" href="([^"]+)"', record).group(1).replace("&amp;", "&")
    assert urlsplit(back).path == "/cari"
    assert parse_qs(urlsplit(back).query) == {"q": ["sampah"], "province": ["73"], "per_page": ["5"]}
    record_id = urlsplit(link).path.rsplit("/", 1)[1]
    for junk in ("javascript:alert(1)", "//evil.example/x", "page=0", "q=a&redirect=https://evil.example"):
        back = re.search(r'class="back" href="([^"]+)"', client.get(f"/inovasi/{record_id}",
                                                                      query_string={"cari": junk}).text).group(1)
        assert back.startswith("/cari") and "evil" not in back and "javascript" not in back, junk


def test_every_record_field_has_a_policy_and_unknown_ones_are_staff_only():
    policy = field_policy.field_policy()
    assert set(RECORD_FIELDS) <= set(policy)
    assert policy["ingested_at"] == "staff" and policy["sources.file"] == "staff" and policy["audit.user"] == "staff"
    assert field_policy.visible_record({"title": "x", "secret_new_field": 1}, False) == {"title": "x"}


def _edited(site):
    db = site.db()
    apply_edit(db, site.own, {"summary": "Ringkasan baru dari staf untuk diuji kebijakan kolomnya."}, "editor")
    db.close()


def test_the_public_sees_public_fields_only_on_pages_api_and_exports(site):
    _edited(site)
    db = site.db()
    source = dict(next(iter(db.query("SELECT file, line FROM sources WHERE record_id = ?", [site.own]))))
    db.close()
    file_name = source["file"].rsplit("/", 1)[-1]
    anonymous, admin = site.client(), site.client("admin")

    page = anonymous.get(f"/inovasi/{site.own}").text
    assert file_name not in page and ">editor<" not in page and "Berkas" not in page
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", page)          # dates for people, not ISO timestamps
    staff_page = admin.get(f"/inovasi/{site.own}").text
    assert file_name in staff_page and ">editor<" in staff_page

    public = anonymous.get(f"/api/innovations/{site.own}").json
    assert "ingested_at" not in public and all("file" not in s and "line" not in s for s in public["sources"])
    assert all(s["hub_label"] for s in public["sources"])
    staff = admin.get(f"/api/innovations/{site.own}").json
    assert "ingested_at" in staff and all("file" in s for s in staff["sources"])

    for client in (anonymous, admin):           # the export is public whoever downloads it
        rows = list(csv.reader(io.StringIO(client.get("/cari.csv?province=73").text.lstrip("\ufeff"))))
        assert "disimpan" not in rows[0] and "kontak" in rows[0]
        lines = [json.loads(line) for line in client.get("/cari.jsonl?province=73").text.splitlines()]
        assert lines and all("ingested_at" not in line for line in lines)


def test_one_policy_cuts_pages_api_and_exports_alike(site, monkeypatch):
    """A hub whose contacts are personal makes `contact` staff-only in one place."""
    policy = dict(field_policy.field_policy(), contact="staff")
    monkeypatch.setattr(field_policy, "field_policy", lambda: policy)
    db = site.db()
    record_id, contact = next(iter(db.execute("SELECT id, contact FROM innovations WHERE contact LIKE '%@%' "
                                              "AND province_code = '73' ORDER BY id")))
    db.close()
    anonymous = site.client()
    assert contact not in anonymous.get(f"/inovasi/{record_id}").text
    assert "contact" not in anonymous.get(f"/api/innovations/{record_id}").json
    exported = anonymous.get("/cari.csv?province=73").text
    assert contact not in exported and "kontak" not in exported.splitlines()[0]
    assert contact not in anonymous.get("/cari.jsonl?province=73").text
    assert contact in site.client("admin").get(f"/inovasi/{record_id}").text


def test_exports_hold_the_whole_result_set_in_page_order(client):
    found = client.get("/api/search?q=sampah&per_page=100").json
    rows = list(csv.DictReader(io.StringIO(client.get("/cari.csv?q=sampah").text.lstrip("\ufeff"))))
    assert [row["id"] for row in rows] == [hit["id"] for hit in found["results"]]
    assert rows[0]["alamat"].endswith(f"/inovasi/{rows[0]['id']}")
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(client.get("/cari.xlsx?q=sampah").data)).active
    assert sheet.max_row == len(rows) + 1
    assert client.get("/cari.pdf").status_code == 404


def test_hub_labels_replace_machine_names(client):
    facets = client.get("/api/search").json["facets"]["hub"]
    labels = {item["value"]: item["label"] for item in facets}
    assert labels["jipp-sulsel"] == "Hub JIPP Sulawesi Selatan" and labels["jippnas"] == "JIPPNas (KemenPAN-RB)"
    page = client.get("/cari").text
    assert ">Hub JIPP Sulawesi Selatan</a>" in page and 'data-value="jipp-sulsel"' in page


def test_the_api_lists_every_facet_value_unless_limited(client):
    facets = client.get("/api/search").json["facets"]
    provinces = facets["province"]
    assert len(provinces) > 12 and len(facets["regency"]) > 100
    limited = client.get("/api/search?facet_limit=3").json["facets"]
    assert [item["value"] for item in limited["province"]] == [item["value"] for item in provinces[:3]]
    page = client.get("/cari").text
    assert page.count('data-facet="province" data-value=') == len(provinces)
    assert f"Tampilkan semua ({len(provinces)})" in page


def test_dates_read_as_indonesian():
    assert tanggal("2026-12-01T07:58:33+00:00") == "1 Desember 2026"
    assert tanggal("2024-02-29") == "29 Februari 2024" and tanggal("") == "" and tanggal("kemarin") == "kemarin"
    assert waktu("2026-12-01T07:58:33+07:00") == "1 Desember 2026, 07.58 WIB"
    assert waktu("2026-12-01T20:30:00+00:00") == "2 Desember 2026, 03.30 WIB"


def test_photos_are_links_unless_stored_here_or_on_an_allowed_host(site, tmp_path):
    from kms.app import create_app

    db = site.db()
    record_id, photos = next(iter(db.execute("SELECT id, photos FROM innovations WHERE photos LIKE '%https://%' ORDER BY id")))
    first = json.loads(photos)[0]
    db.execute("UPDATE innovations SET photos = ? WHERE id = ?", [json.dumps([*json.loads(photos), "foto/uji.png"]), record_id])
    db.conn.commit()
    db.close()
    (site.dir / "media" / "foto").mkdir(parents=True)
    (site.dir / "media" / "foto" / "uji.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    page = site.client().get(f"/inovasi/{record_id}").text
    assert f'<a href="{first}" rel="nofollow noopener noreferrer"' in page
    assert f'<img src="{first}"' not in page and '<img src="/media/foto/uji.png"' in page
    assert site.client().get("/media/foto/uji.png").status_code == 200
    assert site.client().get("/media/../kms.db").status_code == 404
    host = urlsplit(first).hostname
    allowed = create_app({"TESTING": True, "DATA_DIR": str(site.dir), "IMAGE_HOSTS": host}).test_client()
    assert f'<img src="{first}"' in allowed.get(f"/inovasi/{record_id}").text


def test_record_pages_carry_a_description_and_a_canonical_link(site):
    from kms.app import create_app

    page = site.client().get(f"/inovasi/{site.own}?cari=q%3Dair").text
    assert f'<link rel="canonical" href="http://localhost/inovasi/{site.own}">' in page
    assert re.search(r'<meta name="description" content="[^"]{20,}">', page)
    public = create_app({"TESTING": True, "DATA_DIR": str(site.dir), "PUBLIC_URL": "https://inovasi.example.go.id/"})
    assert f'href="https://inovasi.example.go.id/inovasi/{site.own}"' in public.test_client().get(f"/inovasi/{site.own}").text


def test_robots_sitemap_and_favicon(client):
    robots = client.get("/robots.txt").text
    assert "Disallow: /kampanye" in robots and "Disallow: /api/" in robots and "Sitemap: http://localhost/sitemap.xml" in robots
    tree = ET.fromstring(client.get("/sitemap.xml").data)
    urls = [node.text for node in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    total = client.get("/api/search").json["total"]
    assert len([u for u in urls if "/inovasi/" in u]) == total
    assert client.get(urlsplit(urls[-1]).path).status_code == 200
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"


def test_a_sitemap_past_one_file_becomes_an_index(client, monkeypatch):
    from kms.views import site as site_views

    monkeypatch.setattr(site_views, "SITEMAP_SIZE", 100)
    tree = ET.fromstring(client.get("/sitemap.xml").data)
    assert tree.tag.endswith("sitemapindex")
    files = [urlsplit(node.text).path for node in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    total = client.get("/api/search").json["total"]
    assert len(files) == -(-total // 100)
    counted = sum(len(ET.fromstring(client.get(path).data)) for path in files)
    assert counted == total + 2          # every record, plus the search and replication pages
    assert client.get(f"/sitemap-{len(files) + 1}.xml").status_code == 404


def test_a_facet_too_long_for_the_page_has_a_page_of_its_own(client, monkeypatch):
    from kms.views import search as search_views

    monkeypatch.setattr(search_views, "PAGE_FACET_VALUES", 20)
    every = client.get("/api/search?q=layanan").json["facets"]["regency"]
    page = client.get("/cari?q=layanan").text
    assert page.count('data-facet="regency" data-value=') == 20
    link = re.search(r'<a href="(/cari/saringan/regency\?[^"]+)">Semua (\d+) nilai', page)
    assert int(link.group(2)) == len(every)
    listed = client.get(link.group(1).replace("&amp;", "&")).text
    assert listed.count('data-facet="regency" data-value=') == len(every)
    narrowed = client.get("/cari/saringan/regency?q=layanan&nilai=sinjai").text
    values = re.findall(r'data-facet="regency" data-value="([^"]+)"[^>]*>([^<]+)</a>', narrowed)
    assert values and all("sinjai" in label.lower() for _, label in values)
    chosen = re.search(r'href="(/cari\?[^"]+)">Kabupaten Sinjai', narrowed).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(chosen).query) == {"q": ["layanan"], "regency": ["73.07"]}
    assert client.get("/cari/saringan/tidak-ada").status_code == 404


def test_an_excel_download_past_its_cap_says_where_the_rest_is(client, monkeypatch):
    from openpyxl import load_workbook

    from kms import exports
    from kms.views import search as search_views

    monkeypatch.setattr(exports, "XLSX_ROWS", 10)
    monkeypatch.setattr(search_views, "XLSX_ROWS", 10)
    total = client.get("/api/search?q=layanan").json["total"]
    book = load_workbook(io.BytesIO(client.get("/cari.xlsx?q=layanan").data))
    assert book.sheetnames == ["Catatan", "Inovasi"]
    assert f"10 dari {total}" in book["Catatan"]["A1"].value and "/cari.csv?q=layanan" in book["Catatan"]["A2"].value
    assert book["Inovasi"].max_row == 11
    csv_rows = list(csv.reader(io.StringIO(client.get("/cari.csv?q=layanan").text.lstrip("\ufeff"))))
    assert len(csv_rows) == total + 1          # CSV holds them all
