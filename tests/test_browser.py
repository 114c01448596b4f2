"""A real browser: search, click a facet, check the result count (Debian's headless Chromium)."""
import os
import shutil
import socket
import threading

import pytest

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
    browser.find_element(By.CSS_SELECTOR, "form.edit button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".saved"))
    assert "1 kolom" in browser.find_element(By.CSS_SELECTOR, ".saved").text
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
