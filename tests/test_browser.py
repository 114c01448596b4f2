"""A real browser: search, click a facet, check the result count (Debian's headless Chromium)."""
import datetime as dt
import os
import re
import shutil
import socket
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.common.exceptions import StaleElementReferenceException

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def serve(data_dir):
    """Run the app on a free local port in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    from kms.app import create_app

    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "uji-browser"})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    httpd = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()
    thread.join()


@pytest.fixture
def server(sample_dir):
    yield from serve(sample_dir)


@pytest.fixture
def writable_server(sample_copy):
    from kms.accounts import create_user
    from kms.db import open_db

    db = open_db(sample_copy / "kms.db")
    create_user(db, "editor-sinjai", "agency_editor", "kata-sandi-uji-123",
                agency="Pemerintah Kabupaten Sinjai")
    db.close()
    yield from serve(sample_copy)


@pytest.fixture
def browser(tmp_path):
    if not (CHROMIUM and DRIVER):
        message = "chromium and chromedriver are not installed (scripts/test.sh installs them as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)      # CI must run them, not skip them
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1600"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def test_search_then_click_a_facet(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 20)
    browser.get(server + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("sampah")
    box.submit()
    wait.until(lambda d: "q=sampah" in d.current_url)
    total = int(browser.find_element(By.ID, "total").text)
    assert total > 0
    link = browser.find_element(By.CSS_SELECTOR, 'a.facet-link[data-facet="province"]')
    expected = int(link.get_attribute("data-count"))
    link.click()
    wait.until(lambda d: "province=" in d.current_url)
    narrowed = int(browser.find_element(By.ID, "total").text)
    assert narrowed == expected <= total
    assert "province=" in browser.current_url and "q=sampah" in browser.current_url
    assert len(browser.find_elements(By.CSS_SELECTOR, "article.card")) == min(narrowed, 20)


def test_login_edit_save(writable_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 20)
    browser.get(writable_server + "/kampanye/data?only=incomplete")
    # not signed in: the sign-in form, which brings the editor back here
    browser.find_element(By.ID, "name").send_keys("editor-sinjai")
    browser.find_element(By.ID, "password").send_keys("kata-sandi-uji-123")
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.ID, "count"))
    assert int(browser.find_element(By.ID, "count").text) > 0
    browser.find_element(By.LINK_TEXT, "Perbarui").click()
    wait.until(lambda d: d.find_elements(By.ID, "score"))
    score_before = int(browser.find_element(By.ID, "score").text)
    gap = browser.find_element(By.CSS_SELECTOR, "form.edit .field.gap textarea")
    name = gap.get_attribute("name")
    gap.clear()
    gap.send_keys("Antrean pelayanan turun dari tiga hari menjadi satu jam; layanan menjangkau "
                  "semua kecamatan dan sudah ditiru oleh dua kabupaten tetangga tahun berikutnya.")
    record_path = urlsplit(browser.current_url).path.removesuffix("/ubah")
    browser.find_element(By.CSS_SELECTOR, "form.edit button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".saved"))      # back in the worklist
    assert "1 kolom" in browser.find_element(By.CSS_SELECTOR, ".saved").text
    assert urlsplit(browser.current_url).path == "/kampanye/data"
    browser.get(writable_server + record_path)
    assert int(browser.find_element(By.ID, "completeness-score").text) > score_before
    trail = browser.find_element(By.CSS_SELECTOR, "section.audit").text
    assert "editor-sinjai" in trail and "dua kabupaten tetangga" in trail
    assert name  # the field edited was one the form marked as missing or weak


def test_problem_to_suggestions(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 20)
    browser.get(server + "/replikasi")
    browser.find_element(By.ID, "problem").send_keys(
        "warga desa harus menempuh jarak jauh untuk mengurus akta kelahiran")
    browser.find_element(By.ID, "region").send_keys("Kabupaten Sinjai")
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "ol.suggestions li.card"))
    cards = browser.find_elements(By.CSS_SELECTOR, "ol.suggestions li.card")
    assert 3 <= len(cards) <= 10
    assert "cocok dengan masalah" in cards[0].text and "akta" in cards[0].text
    assert browser.find_elements(By.CSS_SELECTOR, "p.nearby")


# -- the public site at phone width ----------------------------------------------------------
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
OVERFLOW = """
const width = window.innerWidth;
function insideScroller(el) {
  for (let p = el.parentElement; p && p !== document.body && p !== document.documentElement; p = p.parentElement) {
    const style = getComputedStyle(p);
    if (style.overflowX === "auto" || style.overflowX === "scroll") return true;
  }
  return false;
}
const past = [];
for (const el of document.body.querySelectorAll("*")) {
  const box = el.getBoundingClientRect();
  if (box.width === 0 && box.height === 0) continue;
  if (box.right > width + 0.5 && !insideScroller(el)) past.push(el.tagName + "." + el.className + "#" + el.id + " right=" + Math.round(box.right));
}
const clipped = [document.documentElement, document.body]
  .filter(el => ["hidden", "clip"].includes(getComputedStyle(el).overflowX)).map(el => el.tagName);
return {width: width, scrollWidth: document.documentElement.scrollWidth, past: past.slice(0, 5), clipped: clipped};
"""


def page_paths(app, record_id: str) -> list[str]:
    """Every GET route of the app that answers a page (HTML), with fixture values, and the
    states of the search and replication pages people reach (filters, errors, a past page)."""
    values = {"record_id": record_id, "campaign_id": "1", "number": "1", "name": "regency", "code": "73"}
    client = app.test_client()
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/api/", "/static/")):
            continue
        if set(rule.arguments) - set(values):
            continue                # a file name or format: files, not pages
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{name}>", values[name], path)
        if client.get(path).mimetype == "text/html":
            paths.append(path)
    return sorted(set(paths)) + [
        "/cari?q=sampah&province=73&province=35&year_from=2018", "/cari?q=layanan&page=2",
        "/cari?year_from=2022&year_to=2019", f"/inovasi/{record_id}?cari=q%3Dsampah",
        "/replikasi?problem=warga+harus+antre+lama+di+puskesmas&region=Kabupaten+Sinjai&gap_region=Kabupaten+Sinjai",
        "/tidak-ada", "/wilayah/73.07", "/bandingkan?region=73&region=35&region=Kota+Makassar",
        "/peta?tingkat=kabupaten", "/statistik?q=sampah&ukuran=per_million", "/api/docs"]


@pytest.fixture
def phone(browser):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    return browser


def _richest_record(data_dir) -> str:
    """A record with replicas, photos and sources from more than one hub, if any."""
    from kms.db import open_db

    db = open_db(data_dir / "kms.db")
    row = next(iter(db.execute(
        "SELECT i.id FROM innovations i LEFT JOIN replications r ON r.original_id = i.id "
        "GROUP BY i.id ORDER BY COUNT(r.id) DESC, (i.photos IS NOT NULL) DESC, "
        "(SELECT COUNT(*) FROM sources s WHERE s.record_id = i.id) DESC, i.id LIMIT 1")))
    db.close()
    return row[0]


def _assert_fits(phone, base: str, paths: list[str]):
    misfits = {}
    for path in paths:
        phone.get(base + path)
        measured = phone.execute_script(OVERFLOW)
        if measured["width"] != PHONE["width"] or measured["scrollWidth"] > measured["width"] \
                or measured["past"] or measured["clipped"]:
            misfits[path] = measured
    assert not misfits


def test_every_public_page_fits_a_phone(sample_dir, server, phone):
    from kms.app import create_app

    record_id = _richest_record(sample_dir)
    paths = page_paths(create_app({"TESTING": True, "DATA_DIR": str(sample_dir)}), record_id)
    assert {"/", "/cari", f"/inovasi/{record_id}", "/replikasi", "/masuk"} <= set(paths)
    _assert_fits(phone, server, paths)


def test_staff_pages_fit_a_phone(staff_server, phone):
    from selenium.webdriver.common.by import By

    from kms.app import create_app

    base, record_id = staff_server
    phone.get(base + "/masuk")
    phone.find_element(By.ID, "name").send_keys("admin-uji")
    phone.find_element(By.ID, "password").send_keys("kata-sandi-uji-123")
    phone.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    staff_pages = [rule.rule for rule in create_app({"TESTING": True}).url_map.iter_rules()
                   if "GET" in rule.methods and rule.rule.startswith(("/kampanye", "/akun", "/unggah", "/tinjau", "/moderasi", "/permintaan",
                                                                      "/karantina"))
                   and "<fmt>" not in rule.rule]
    paths = [path.replace("<int:campaign_id>", "1") for path in staff_pages]
    paths = [path for path in paths if "<" not in path]
    assert {"/kampanye", "/kampanye/baru", "/kampanye/1/ubah", "/akun", "/unggah", "/tinjau", "/karantina",
            "/permintaan"} <= set(paths)
    _assert_fits(phone, base, paths + ["/kampanye/data?by=hub&value=lan", "/kampanye/data?page=2",
                                       f"/inovasi/{record_id}", f"/inovasi/{record_id}/ubah", "/cari?q=sampah",
                                       "/buku?province=73&year=2019"])


@pytest.fixture
def staff_server(sample_copy):
    from kms.accounts import create_user
    from kms.campaigns import create_campaign
    from kms.db import open_db

    db = open_db(sample_copy / "kms.db")
    create_user(db, "admin-uji", "admin", "kata-sandi-uji-123")
    create_campaign(db, "Pemutakhiran Sulawesi Selatan", "province=73", 80, "2027-03-31", "admin-uji")
    db.conn.commit()
    db.close()
    record_id = _richest_record(sample_copy)
    for base in serve(sample_copy):
        yield base, record_id


def test_on_a_phone_results_come_before_the_filters(server, phone):
    from selenium.webdriver.common.by import By

    phone.get(server + "/cari?q=sampah")
    panel = phone.find_element(By.ID, "saringan")
    first = phone.find_element(By.CSS_SELECTOR, "article.card")
    assert panel.get_attribute("open") is None               # closed: one tap opens it
    assert first.location["y"] < 900                        # the first result on the first screen
    panel.find_element(By.TAG_NAME, "summary").click()
    assert phone.find_element(By.CSS_SELECTOR, 'a.facet-link[data-facet="province"]').is_displayed()


def test_every_value_of_a_long_facet_can_be_chosen(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/")
    facet = browser.find_element(By.CSS_SELECTOR, 'section.facet[data-facet="province"]')
    links = facet.find_elements(By.CSS_SELECTOR, "a.facet-link")
    assert len(links) > 12
    hidden = [link for link in links if not link.is_displayed()]
    assert len(hidden) == len(links) - 12                     # the rest behind "Tampilkan semua"
    facet.find_element(By.CSS_SELECTOR, "details.more > summary").click()
    assert all(link.is_displayed() for link in links)
    last = links[-1]
    value, count = last.get_attribute("data-value"), int(last.get_attribute("data-count"))
    last.click()
    WebDriverWait(browser, 20).until(lambda d: f"province={value}" in d.current_url)
    assert int(browser.find_element(By.ID, "total").text) == count
    # the filter box narrows a long list as one types
    browser.get(server + "/")
    facet = browser.find_element(By.CSS_SELECTOR, 'section.facet[data-facet="regency"]')
    box = facet.find_element(By.CSS_SELECTOR, "input.facet-filter-input")
    box.send_keys("sinjai")
    shown = [link.text for link in facet.find_elements(By.CSS_SELECTOR, "a.facet-link") if link.is_displayed()]
    assert shown and all("sinjai" in text.lower() for text in shown)


def test_back_to_search_keeps_the_query_and_filters(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 20)
    browser.get(server + "/cari?q=sampah")
    browser.find_element(By.CSS_SELECTOR, 'a.facet-link[data-facet="province"]').click()
    wait.until(lambda d: "province=" in d.current_url)
    searched = browser.current_url
    browser.find_element(By.CSS_SELECTOR, "article.card h3 a").click()
    wait.until(lambda d: "/inovasi/" in d.current_url)
    browser.find_element(By.CSS_SELECTOR, "a.back").click()
    wait.until(lambda d: "/cari" in d.current_url)
    assert parse_qs(urlsplit(browser.current_url).query) == parse_qs(urlsplit(searched).query)


def test_the_skip_link_moves_focus_to_the_results(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/cari?q=sampah")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)                 # the first stop: "Lewati ke isi"
    body = browser.switch_to.active_element
    body.send_keys(Keys.TAB)                 # the second: "Langsung ke hasil"
    skip = browser.switch_to.active_element
    assert skip.text == "Langsung ke hasil" and skip.is_displayed()
    skip.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "hasil"
    browser.switch_to.active_element.send_keys(Keys.TAB)      # the next stop is in the results
    assert browser.switch_to.active_element.find_element(By.XPATH, "ancestor::section[@id='hasil']")


CONTRAST = """
function rgb(text) { return text.match(/[\\d.]+/g).slice(0, 3).map(Number); }
function luminance(c) {
  const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function background(el) {
  for (let p = el; p; p = p.parentElement) {
    const colour = getComputedStyle(p).backgroundColor;
    if (colour && !colour.startsWith("rgba(0, 0, 0, 0)") && colour !== "transparent") return rgb(colour);
  }
  return [255, 255, 255];
}
const el = document.activeElement, style = getComputedStyle(el);
const a = luminance(rgb(style.outlineColor)), b = luminance(background(el.parentElement));
return {style: style.outlineStyle, width: parseFloat(style.outlineWidth), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
"""


def test_focus_outlines_contrast_at_least_three_to_one(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/cari?q=sampah")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    seen = {}
    for _ in range(12):                 # skip links, header links, then the search form
        focused = browser.switch_to.active_element
        where = "header" if focused.find_elements(By.XPATH, "ancestor::header") else "page"
        measured = browser.execute_script(CONTRAST)
        if focused.is_displayed():
            seen.setdefault(where, []).append(measured)
        focused.send_keys(Keys.TAB)
    assert set(seen) == {"header", "page"}
    for where, outlines in seen.items():
        for measured in outlines:
            assert measured["style"] == "solid" and measured["width"] >= 2, where
            assert measured["ratio"] >= 3, (where, measured)


def _quantile_classes(values, most=5):
    """The map's classes, computed here independently: upper bounds of quantiles of the
    non-zero values, distinct, at most five; zero is class 0."""
    import math
    present = sorted(v for v in values if v)
    count = min(most, len(set(present)))
    bounds = []
    for k in range(1, count + 1):
        bound = present[min(len(present) - 1, math.ceil(k * len(present) / count) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return lambda v: 0 if not v else next(i + 1 for i, b in enumerate(bounds) if v <= b)


def test_the_map_colours_every_province_by_its_class(sample_dir, server, browser):
    import json as json_module

    from click.testing import CliRunner
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from kms.cli import main

    os.environ["KMS_DATA_DIR"] = str(sample_dir)
    try:
        rows = json_module.loads(CliRunner().invoke(main, ["stats", "--format", "json"]).output)["rows"]
    finally:
        del os.environ["KMS_DATA_DIR"]
    values = {r["code"]: r["per_million"] for r in rows if r["level"] == "province"}
    class_of = _quantile_classes(values.values())
    browser.get(server + "/peta?ukuran=per_million")
    shapes = browser.find_elements(By.CSS_SELECTOR, "svg.choropleth a.province")
    assert len(shapes) == 38 and {s.get_attribute("data-code") for s in shapes} == set(values)
    fills = {}
    for shape in shapes:
        code = shape.get_attribute("data-code")
        assert int(shape.get_attribute("data-class")) == class_of(values[code]), code
        path = shape.find_element(By.TAG_NAME, "path")
        assert path.size["width"] > 0                          # drawn, the smallest provinces included
        fills.setdefault(int(shape.get_attribute("data-class")), set()).add(path.get_attribute("fill"))
    assert len(fills) >= 4 and all(len(f) == 1 for f in fills.values())      # zero + at least 3 classes
    assert len({next(iter(f)) for f in fills.values()}) == len(fills)        # one colour per class
    assert 0 in fills and any(v == 0 for v in values.values())               # zero-record provinces too
    legend = browser.find_elements(By.CSS_SELECTOR, "ul.map-legend li")
    assert [int(li.get_attribute("data-class")) for li in legend] == sorted(fills)
    browser.find_element(By.ID, "ukuran").send_keys(Keys.SHIFT, Keys.TAB)    # keyboard: into the map
    body = browser.find_element(By.TAG_NAME, "body")
    for _ in range(60):
        active = browser.switch_to.active_element
        if active.get_attribute("class") == "province":
            break
        active.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("class") == "province" and focused.get_attribute("aria-label")
    code = focused.get_attribute("data-code")          # its value is shown while it has the focus
    readout = browser.find_element(By.CSS_SELECTOR, f'text.readout[data-for="{code}"]')
    assert readout.is_displayed() and readout.text.startswith(focused.get_attribute("aria-label").split(":")[0])
    assert body



def _sign_in(browser, base, name="admin-uji", password="kata-sandi-uji-123"):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base + "/masuk")
    browser.find_element(By.ID, "name").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "span.account"))   # signed in


def test_a_campaign_from_the_filter_builder_and_a_bad_date_kept(staff_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, _record = staff_server
    wait = WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,))
    _sign_in(browser, base)
    browser.get(base + "/kampanye/baru")
    browser.find_element(By.ID, "c-name").send_keys("Kesehatan Sulsel")
    Select(browser.find_element(By.ID, "f-province")).select_by_visible_text("Sulawesi Selatan")
    Select(browser.find_element(By.ID, "f-sector")).select_by_visible_text("Kesehatan")
    browser.find_element(By.ID, "f-year_from").send_keys("2016")
    browser.execute_script("document.getElementById('c-deadline').value = '2020-01-01'")   # already past
    browser.find_element(By.CSS_SELECTOR, "form.campaign-form button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.ID, "error-deadline"))
    assert "Tenggat sudah lewat" in browser.find_element(By.ID, "error-deadline").text
    assert browser.find_element(By.ID, "c-name").get_attribute("value") == "Kesehatan Sulsel"
    assert browser.find_element(By.ID, "f-year_from").get_attribute("value") == "2016"
    chosen = [o.text for o in Select(browser.find_element(By.ID, "f-province")).all_selected_options]
    assert chosen == ["Sulawesi Selatan"]
    browser.execute_script("document.getElementById('c-deadline').value = '2099-06-30'")
    browser.find_element(By.CSS_SELECTOR, "form.campaign-form button[type=submit]").click()
    wait.until(lambda d: "/kampanye/" in d.current_url and d.find_elements(By.ID, "records"))
    assert "Kesehatan Sulsel" in browser.find_element(By.TAG_NAME, "h1").text
    assert int(browser.find_element(By.ID, "records").text) > 0


def test_an_edit_from_the_worklist_returns_to_the_same_place(staff_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, _record = staff_server
    wait = WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,))
    _sign_in(browser, base)
    browser.get(base + "/kampanye/data?page=2")
    row = browser.find_elements(By.CSS_SELECTOR, "table.records tbody tr")[7]
    record_id = row.get_attribute("data-id")
    row.find_element(By.LINK_TEXT, "Perbarui").click()
    wait.until(lambda d: "/ubah" in d.current_url)
    goals = browser.find_element(By.CSS_SELECTOR, 'form.edit textarea[name="goals"]')
    goals.clear()
    goals.send_keys("Tujuan diperbarui dari daftar kerja halaman kedua supaya penyunting kembali ke baris "
                    "yang sama setelah menyimpan perubahan ini.")
    browser.find_element(By.CSS_SELECTOR, "form.edit button[type=submit]").click()
    wait.until(lambda d: urlsplit(d.current_url).path == "/kampanye/data")
    assert "page=2" in browser.current_url and browser.current_url.endswith(f"#row-{record_id}")
    assert browser.find_element(By.ID, "saved-notice").is_displayed()
    assert browser.find_elements(By.ID, f"row-{record_id}")


@pytest.mark.slow      # a long flow: .ci/run runs it
def test_an_admin_manages_accounts_from_the_pages(staff_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, _record = staff_server
    wait = WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,))
    _sign_in(browser, base)
    browser.get(base + "/akun")
    browser.find_element(By.ID, "a-name").send_keys("penyunting-sinjai")
    Select(browser.find_element(By.ID, "a-role")).select_by_value("agency_editor")
    browser.find_element(By.ID, "a-agency").send_keys("Pemkab Sinjai")
    browser.find_element(By.ID, "a-password").send_keys("kuda-laut-biru-77")
    browser.find_element(By.ID, "a-password2").send_keys("kuda-laut-biru-77")
    browser.find_element(By.CSS_SELECTOR, "#new-account button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.ID, "done"))
    row = browser.find_element(By.CSS_SELECTOR, 'tr[data-name="penyunting-sinjai"]')
    assert "Pemerintah Kabupaten Sinjai" in row.text and "aktif" in row.text
    row.find_element(By.TAG_NAME, "summary").click()
    row.find_element(By.ID, "pw-penyunting-sinjai").send_keys("gajah-hutan-hijau-42")
    row.find_element(By.ID, "pw2-penyunting-sinjai").send_keys("gajah-hutan-hijau-42")
    row.find_element(By.CSS_SELECTOR, "details.reset button[type=submit]").click()
    wait.until(lambda d: "diganti" in d.find_element(By.ID, "done").text)    # the page after the reset
    row = browser.find_element(By.CSS_SELECTOR, 'tr[data-name="penyunting-sinjai"]')
    row.find_element(By.XPATH, ".//button[text()='Nonaktifkan']").click()
    wait.until(lambda d: "dinonaktifkan" in d.find_element(By.ID, "done").text)
    assert "nonaktif sejak" in browser.find_element(By.CSS_SELECTOR, 'tr[data-name="penyunting-sinjai"]').text


@pytest.mark.slow      # a long flow: .ci/run runs it
def test_an_operator_uploads_previews_ingests_and_decides(sample_copy, browser, tmp_path):
    """The ingest desk end to end in the browser, and another hub's operator refused at each step."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from kms.accounts import create_user
    from kms.db import open_db
    from test_upload_desk import ROWS, sulsel_csv

    db = open_db(sample_copy / "kms.db")
    create_user(db, "operator-sulsel", "hub_operator", "kata-sandi-uji-123", hub="jipp-sulsel")
    create_user(db, "operator-lan", "hub_operator", "kata-sandi-uji-123", hub="lan")
    db.close()
    export = tmp_path / "ekspor-sulsel.csv"
    export.write_bytes(sulsel_csv(ROWS))
    wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))
    for base in serve(sample_copy):
        _sign_in(browser, base, "operator-sulsel")
        browser.get(base + "/unggah")
        browser.find_element(By.ID, "u-files").send_keys(str(export))
        browser.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
        wait.until(lambda d: d.find_elements(By.ID, "run-ingest"))
        preview = browser.find_element(By.TAG_NAME, "main").text
        assert "Layanan Unggah Pertama Sinjai" in preview and "Sinjaii" in preview
        preview_url = browser.current_url
        browser.find_element(By.ID, "run-ingest").click()
        wait.until(lambda d: d.find_elements(By.ID, "ingest-report"))
        job_url = browser.current_url
        assert browser.find_element(By.ID, "quarantined-count").text == "1"
        assert "ganda" in browser.find_element(By.ID, "quarantined").text
        browser.find_element(By.ID, "to-review").click()
        wait.until(lambda d: "/tinjau" in d.current_url)
        group = browser.find_element(By.XPATH, "//section[@data-kind='region'][contains(., 'Sinjaii')]")
        group.find_element(By.NAME, "value").send_keys("Kabupaten Sinjai")
        group.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(lambda d: d.find_elements(By.ID, "done"))
        assert "diputuskan" in browser.find_element(By.ID, "done").text
        db = open_db(sample_copy / "kms.db")
        from kms.records import iter_records
        second = next(r for r in iter_records(db) if r["title"] == "Layanan Unggah Kedua")
        db.close()
        assert second["regency_code"] == "73.07"            # the chosen region
        # another hub's operator: refused at every step
        browser.delete_all_cookies()                        # a new session
        _sign_in(browser, base, "operator-lan")
        browser.get(base + "/unggah")
        assert 'value="jipp-sulsel"' not in browser.page_source
        browser.get(job_url)
        assert "Kode kesalahan 403" in browser.page_source
        browser.get(base + "/tinjau")
        assert "Sinjaii" not in browser.page_source and "Layanan Unggah" not in browser.page_source
        assert preview_url.endswith("/unggah")


def test_a_visitor_rates_and_comments_and_staff_publish(writable_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,))
    browser.get(writable_server + "/cari?q=sinjai")
    browser.find_element(By.CSS_SELECTOR, "article.card h3 a").click()
    wait.until(lambda d: d.find_elements(By.ID, "feedback-form"))
    record_url = browser.current_url.split("?")[0]
    form = browser.find_element(By.ID, "feedback-form")
    form.find_element(By.CSS_SELECTOR, 'input[name="rating"][value="5"]').click()
    form.find_element(By.ID, "fb-text").send_keys("Pelayanannya cepat dan petugasnya ramah sekali.")
    form.find_element(By.ID, "fb-name").send_keys("Ibu Rahma")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.ID, "feedback-done"))
    assert "dihitung" in browser.find_element(By.ID, "feedback-done").text
    assert "5,0" in browser.find_element(By.ID, "rating-summary").text
    assert "petugasnya ramah" not in browser.find_element(By.ID, "tanggapan").text      # waits for staff
    _sign_in(browser, writable_server, "editor-sinjai")
    browser.get(writable_server + "/moderasi")
    section = browser.find_element(By.XPATH, "//section[contains(@class, 'moderation')][contains(., 'petugasnya ramah')]")
    section.find_element(By.TAG_NAME, "textarea").send_keys("Terima kasih, Ibu.")
    section.find_element(By.CSS_SELECTOR, 'button[value="terbitkan"]').click()
    wait.until(lambda d: d.find_elements(By.ID, "done"))
    browser.delete_all_cookies()
    browser.get(record_url)
    feedback = browser.find_element(By.ID, "tanggapan").text
    assert "petugasnya ramah" in feedback and "Ibu Rahma" in feedback and "Terima kasih, Ibu." in feedback


@pytest.mark.slow      # a long flow: .ci/run runs it
def test_an_agency_asks_the_owner_agrees_with_a_pdf_and_the_replica_is_reported(writable_server, sample_copy,
                                                                               browser, tmp_path):
    """Through the forms only: agency A (Sragen) asks to replicate agency B's (Sinjai's)
    innovation, B accepts with the signed PDF, A reports the implementation with a draft
    record; the lineage and the counts show on both records."""
    from pypdf import PdfWriter
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from kms.accounts import create_user
    from kms.db import open_db

    db = open_db(sample_copy / "kms.db")
    create_user(db, "editor-sragen", "agency_editor", "kata-sandi-uji-123", agency="Pemerintah Kabupaten Sragen")
    db.close()
    agreement = tmp_path / "kesepakatan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with agreement.open("wb") as out:
        writer.write(out)
    wait = WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,))

    def set_date(element_id, value):      # a date input's value, as a person picks it from the calendar
        browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, element_id), value)

    _sign_in(browser, writable_server, "editor-sragen")
    browser.get(writable_server + "/cari?q=sinjai")
    browser.find_element(By.CSS_SELECTOR, "article.card h3 a").click()
    wait.until(lambda d: d.find_elements(By.ID, "ask-link"))
    original_url = browser.current_url.split("?")[0]
    original_title = browser.find_element(By.TAG_NAME, "h1").text
    browser.find_element(By.ID, "ask-link").click()
    wait.until(lambda d: d.find_elements(By.ID, "ask-form"))
    browser.find_element(By.ID, "message").send_keys("Sragen ingin menerapkan layanan ini; hubungi Bagian Organisasi.")
    browser.find_element(By.CSS_SELECTOR, "#ask-form button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.ID, "done"))
    request_url = browser.current_url.split("?")[0]

    browser.delete_all_cookies()
    _sign_in(browser, writable_server, "editor-sinjai")
    browser.get(writable_server + "/kampanye")
    browser.find_element(By.PARTIAL_LINK_TEXT, "menunggu keputusan Anda").click()
    wait.until(lambda d: d.find_elements(By.ID, "menunggu-keputusan"))
    browser.find_element(By.CSS_SELECTOR, f'tr[data-request="{request_url.rsplit("/", 1)[1]}"] a').click()
    wait.until(lambda d: d.find_elements(By.ID, "accept-form"))
    assert "Bagian Organisasi" in browser.find_element(By.ID, "message").text
    today = dt.date.today().isoformat()       # the request was made today: no step can be earlier
    set_date("agreement_date", today)
    browser.find_element(By.ID, "agreement").send_keys(str(agreement))
    browser.find_element(By.ID, "note").send_keys("PKS nomor 7 tahun 2026")
    browser.find_element(By.CSS_SELECTOR, "#accept-form button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.ID, "done"))
    assert "Disepakati" in browser.find_element(By.ID, "status").text

    browser.delete_all_cookies()
    _sign_in(browser, writable_server, "editor-sragen")
    browser.get(writable_server + "/permintaan")
    browser.find_element(By.CSS_SELECTOR, f'tr[data-request="{request_url.rsplit("/", 1)[1]}"] a').click()
    wait.until(lambda d: d.find_elements(By.ID, "report-form"))
    assert browser.find_elements(By.ID, "agreement-link")
    set_date("implementation_date", today)
    browser.find_element(By.ID, "evidence").send_keys("SK Bupati Sragen nomor 45 tahun 2026.")
    title = browser.find_element(By.ID, "draft_title")
    title.clear()
    title.send_keys("Replikasi Sragen: " + original_title[:60])
    browser.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.ID, "done"))
    browser.find_element(By.ID, "replica-link").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "p.replica-of"))
    assert original_title in browser.find_element(By.CSS_SELECTOR, "p.replica-of").text
    assert "permintaan replikasi" in browser.find_element(By.CSS_SELECTOR, "p.replica-of").text

    browser.delete_all_cookies()
    browser.get(original_url)
    counts = {name: int(browser.find_element(By.ID, f"count-{name}").text)
              for name in ("dilihat", "minat", "kesepakatan", "replikasi")}
    assert counts["minat"] >= 1 and counts["kesepakatan"] >= 1 and counts["replikasi"] >= 1 and counts["dilihat"] >= 1
    assert "Replikasi Sragen" in browser.find_element(By.ID, "replikasi").text


@pytest.mark.slow      # a long flow: .ci/run runs it
def test_an_innovator_submits_a_panel_scores_two_stages_and_the_winner_shows_its_award(sample_copy, browser, tmp_path):
    """Through the forms only, from an admin account: the admin makes a hub operator, who makes
    an innovator and a panelist and opens a two-stage competition; the innovator's incomplete
    proposal is refused with its gaps named, then completed, with a photo and a PDF, and sent;
    the panelist scores both stages; the operator publishes; the award shows in search and on
    the record, and the innovator reads the scores."""
    from PIL import Image
    from pypdf import PdfWriter
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from kms.accounts import create_user
    from kms.db import open_db

    db = open_db(sample_copy / "kms.db")
    create_user(db, "admin-uji", "admin", "kata-sandi-uji-123")
    db.close()
    photo, evidence = tmp_path / "kegiatan.jpg", tmp_path / "sk.pdf"
    Image.new("RGB", (800, 600), "teal").save(photo, "JPEG")
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with evidence.open("wb") as out:
        writer.write(out)
    password = "kata-sandi-uji-123"
    today = dt.date.today()
    wait = WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,))
    for base in serve(sample_copy):
        def account(name, role, agency=""):
            browser.get(base + "/akun")
            browser.find_element(By.ID, "a-name").send_keys(name)
            Select(browser.find_element(By.ID, "a-role")).select_by_value(role)
            if role != "innovator" and role != "panelist":
                Select(browser.find_element(By.ID, "a-hub")).select_by_value("jipp-sulsel")
            if agency:
                browser.find_element(By.ID, "a-agency").send_keys(agency)
            browser.find_element(By.ID, "a-password").send_keys(password)
            browser.find_element(By.ID, "a-password2").send_keys(password)
            browser.find_element(By.CSS_SELECTOR, "#new-account button[type=submit]").click()
            wait.until(lambda d, who=name: d.find_elements(By.CSS_SELECTOR, f'tr[data-name="{who}"]'))

        def set_value(element_id, value):       # a date input, or a long text typed at once
            browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, element_id), value)

        def again(name):
            browser.delete_all_cookies()
            _sign_in(browser, base, name, password)

        _sign_in(browser, base, "admin-uji", password)
        account("op-sulsel", "hub_operator")
        again("op-sulsel")
        account("inovator-sinjai", "innovator", "Pemkab Sinjai")
        account("panelis-pare", "panelist", "Pemerintah Kota Parepare")
        browser.get(base + "/kompetisi/baru")
        browser.find_element(By.ID, "c-name").send_keys("Top Inovasi Sulsel Uji")
        browser.find_element(By.ID, "c-year").send_keys(str(today.year))
        set_value("c-opens", (today - dt.timedelta(days=1)).isoformat())
        set_value("c-closes", (today + dt.timedelta(days=30)).isoformat())
        Select(browser.find_element(By.ID, "c-template")).select_by_value("dua-tahap")
        Select(browser.find_element(By.ID, "c-award")).select_by_value("top_provinsi")
        browser.find_element(By.CSS_SELECTOR, "#competition-form button[type=submit]").click()
        wait.until(lambda d: d.find_elements(By.ID, "panelists-form"))
        competition_url = browser.current_url.split("?")[0]
        browser.find_element(By.ID, "p-panelis-pare").click()
        browser.find_element(By.CSS_SELECTOR, "#panelists-form button[type=submit]").click()
        wait.until(lambda d: "selesai=panelis" in d.current_url)

        again("inovator-sinjai")
        browser.get(base + "/ajukan")
        browser.find_element(By.ID, "new-submission").click()
        wait.until(lambda d: d.find_elements(By.ID, "submission-form"))
        browser.find_element(By.ID, "title").send_keys("Antar Akta ke Rumah Warga Sinjai")
        browser.find_element(By.ID, "background").send_keys("Warga desa jauh dari kantor.")
        browser.find_element(By.ID, "send").click()
        wait.until(lambda d: d.find_elements(By.ID, "form-errors"))
        refusal = browser.find_element(By.ID, "form-errors").text
        assert "Latar Belakang" in refusal and "Kontak" in refusal and "Kebaruan" in refusal
        words = ("warga desa harus menempuh perjalanan jauh ke kantor kecamatan untuk mengurus akta kelahiran "
                 "sehingga banyak anak tidak tercatat dan kehilangan akses layanan dasar selama bertahun tahun")
        for name in ("summary", "background", "goals", "novelty", "implementation", "impact", "adaptability",
                     "resources", "sustainability"):
            set_value(name, f"{words} ({name}).")
        browser.find_element(By.ID, "year").clear()
        browser.find_element(By.ID, "year").send_keys(str(today.year - 1))
        browser.find_element(By.ID, "contact").send_keys("dukcapil@sinjaikab.go.id")
        browser.find_element(By.ID, "save-draft").click()
        wait.until(lambda d: d.find_elements(By.ID, "upload-form"))
        submission_url = browser.current_url.split("?")[0]
        for count, (kind, path) in enumerate((("kind-photo", photo), ("kind-document", evidence)), 1):
            browser.find_element(By.ID, kind).click()
            browser.find_element(By.ID, "file").send_keys(str(path))
            browser.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
            wait.until(lambda d, n=count: len(d.find_elements(By.CSS_SELECTOR, "ul.submission-files li")) == n)
        assert browser.find_elements(By.CSS_SELECTOR, "ul.submission-files img")         # the photo's thumbnail
        browser.find_element(By.ID, "send").click()
        wait.until(lambda d: "Terkirim" in d.find_element(By.ID, "submission-status").text)

        again("op-sulsel")
        browser.get(competition_url)
        browser.find_element(By.CSS_SELECTOR, "#start-form button").click()
        wait.until(lambda d: "selesai=mulai" in d.current_url)

        again("panelis-pare")
        for stage in ("checklist", "score"):
            browser.get(competition_url)
            browser.find_element(By.CSS_SELECTOR, "#to-score li a").click()
            wait.until(lambda d: d.find_elements(By.ID, "score-form"))
            if stage == "checklist":
                for radio in browser.find_elements(By.CSS_SELECTOR, '#score-form input[type=radio][value="1"]'):
                    radio.click()
            else:
                for field in browser.find_elements(By.CSS_SELECTOR, '#score-form input[name^="nilai_"]'):
                    field.send_keys("9")
                browser.find_element(By.ID, "catatan-kebaruan").send_keys("Layanan jemput bola yang jarang ada.")
            browser.find_element(By.CSS_SELECTOR, "#score-form button[type=submit]").click()
            wait.until(lambda d: "selesai=1" in d.current_url and d.find_elements(By.ID, "done"))
            again("op-sulsel")
            browser.get(competition_url)
            browser.find_element(By.CSS_SELECTOR, "#close-form button").click()
            wait.until(lambda d: "selesai=tahap" in d.current_url)
            if stage == "checklist":
                again("panelis-pare")
        browser.find_element(By.CSS_SELECTOR, "#publish-form button").click()
        wait.until(lambda d: d.find_elements(By.ID, "winners"))

        browser.delete_all_cookies()
        browser.get(base + "/cari?q=antar+akta+rumah+warga")
        card = browser.find_element(By.CSS_SELECTOR, "article.card")
        assert "Antar Akta ke Rumah Warga Sinjai" in card.text and "Top Inovasi Provinsi" in card.text
        card.find_element(By.CSS_SELECTOR, "h3 a").click()
        wait.until(lambda d: d.find_elements(By.ID, "awards"))
        assert "Top Inovasi Provinsi" in browser.find_element(By.ID, "awards").text
        assert browser.find_elements(By.CSS_SELECTOR, "section.gallery img")           # the photo, public now
        again("inovator-sinjai")
        browser.get(submission_url)
        result = browser.find_element(By.CSS_SELECTOR, "section.competition-result").text
        assert "pemenang" in result and "Layanan jemput bola" in result and "Penilaian proposal" in result

