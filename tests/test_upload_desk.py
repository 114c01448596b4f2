"""/unggah: uploads for one's own hub only, checked by content and size, previewed as the
mapping reads them, ingested as a job (one per hub at a time) with its report."""
import io
import time

import pytest

from kms.records import iter_records
from kms.upload import held_lock

HEADER = ("No;Judul Inovasi;Instansi;Unit Penyelenggara;Kabupaten/Kota;Provinsi;Tahun;Tahun Mulai;Urusan;SDGs;"
          "Penghargaan;Tahapan;Digital;Status;Inovator;Kontak;Ringkasan;Latar Belakang;Tujuan;Kebaruan;Manfaat;"
          "Video;Terakhir Diperbarui")


def sulsel_csv(rows) -> bytes:
    lines = [HEADER] + [";".join([number, title, agency, "", regency, province, "2024", "2023", "Kesehatan", "3", "",
                                  "Penerapan", "Ya", "Berlanjut", "", "", summary] + [""] * 6)
                        for number, title, agency, regency, province, summary in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


ROWS = [("UP-1", "Layanan Unggah Pertama Sinjai", "Pemerintah Kabupaten Sinjai", "Kab. Sinjai", "Sulsel", "Ringkasan pertama."),
        ("UP-2", "Layanan Unggah Kedua", "Dinas Kesehatan", "Kab. Sinjaii Timurr", "", "Ringkasan kedua."),
        ("UP-2", "Layanan Unggah Ganda", "Pemerintah Kabupaten Sinjai", "Kab. Sinjai", "Sulsel", "Id yang sama.")]


@pytest.fixture
def operator(site):
    from kms.accounts import create_user
    db = site.db()
    create_user(db, "operator-sulsel", "hub_operator", "kata-sandi-uji-123", hub="jipp-sulsel")
    db.close()
    return site.client("operator-sulsel")


def _upload(site, client, files, hub="jipp-sulsel", mapping=None):
    data = {"csrf_token": site.token(client.get("/unggah").text), "hub": hub,
            "files": [(io.BytesIO(content), name) for name, content in files]}
    if mapping:
        data["mapping"] = (io.BytesIO(mapping.encode()), "pemetaan.toml")
    return client.post("/unggah", data=data, content_type="multipart/form-data")


def test_every_upload_route_by_role(site, operator):
    assert site.client().get("/unggah").status_code == 401
    for name in ("editor", "operator-jatim"):
        assert site.client(name).get("/unggah").status_code == 403, name
    assert site.client("operator").get("/unggah").status_code == 200          # the lan operator
    other = site.client("operator")
    assert _upload(site, other, [("x.csv", sulsel_csv(ROWS))]).status_code == 403         # not its hub
    assert other.post("/unggah/jalankan", data={"csrf_token": site.token(other.get("/unggah").text),
                                                "hub": "jipp-sulsel", "file": "x", "mapping": "y"}).status_code == 403
    page = operator.get("/unggah").text
    assert 'value="jipp-sulsel"' in page and 'value="lan"' not in page
    admin = site.client("admin").get("/unggah").text
    assert 'value="jipp-sulsel"' in admin and 'value="lan"' in admin


def test_uploads_are_checked_by_content_and_size(site, operator, sample_copy):
    from kms.app import create_app
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    refused = _upload(site, operator, [("ekspor.csv", png)])
    assert refused.status_code == 400 and "biner" in refused.text
    assert "kosong" in _upload(site, operator, [("kosong.csv", b"")]).text
    bad_mapping = _upload(site, operator, [("e.csv", sulsel_csv(ROWS))], mapping='name = "lan"\nformat = "csv"\n[fields]\ntitle = "x"\n')
    assert bad_mapping.status_code == 400 and "bukan &#39;jipp-sulsel&#39;" in bad_mapping.text
    small = create_app({"TESTING": True, "DATA_DIR": str(site.dir), "SECRET_KEY": "uji", "UPLOAD_MAX_MB": 1})
    client = small.test_client()
    site.login(client, "operator-sulsel")
    big = _upload(site, client, [("besar.csv", sulsel_csv(ROWS) + b"x" * (2 * 2**20))])
    assert big.status_code == 413


def test_preview_then_a_job_with_its_report(site, operator):
    preview = _upload(site, operator, [("ekspor-sulsel.csv", sulsel_csv(ROWS))])
    assert preview.status_code == 200
    text = preview.text
    assert "Layanan Unggah Pertama Sinjai" in text and "Kabupaten Sinjai" in text
    assert "Sinjaii" in text                                   # the uncertain region, named in the notes
    files = __import__("re").findall(r'name="file" value="([^"]+)"', text)
    mapping = __import__("re").search(r'name="mapping" value="([^"]+)"', text).group(1)
    assert files and files[0].endswith("ekspor-sulsel.csv") and len(files[0].split("-")[0]) == 16    # the hash
    run = operator.post("/unggah/jalankan", data={"csrf_token": site.token(text), "hub": "jipp-sulsel",
                                                  "file": files, "mapping": mapping})
    assert run.status_code == 302
    for _ in range(120):
        page = operator.get(run.headers["Location"]).text
        if 'id="ingest-report"' in page or "gagal" in page.lower():
            break
        time.sleep(0.5)
    assert 'id="ingest-report"' in page, page[:2000]
    assert int(__import__("re").search(r'id="quarantined-count">(\d+)', page).group(1)) == 1
    assert "ganda" in page and 'id="to-review"' in page
    db = site.db()
    stored = {r["title"]: r for r in iter_records(db)}
    db.close()
    assert stored["Layanan Unggah Pertama Sinjai"]["regency_code"] == "73.07"
    assert stored["Layanan Unggah Pertama Sinjai"]["sources"][0]["file"] == files[0]   # provenance: the hash
    assert site.client("operator").get(run.headers["Location"]).status_code == 403


def test_one_ingest_at_a_time_per_hub(site, operator):
    text = _upload(site, operator, [("a.csv", sulsel_csv(ROWS[:1]))]).text
    files = __import__("re").findall(r'name="file" value="([^"]+)"', text)
    mapping = __import__("re").search(r'name="mapping" value="([^"]+)"', text).group(1)
    lock = held_lock(site.app.config, "jipp-sulsel")              # another ingest of this hub runs
    try:
        busy = operator.post("/unggah/jalankan", data={"csrf_token": site.token(text), "hub": "jipp-sulsel",
                                                       "file": files, "mapping": mapping})
        assert busy.status_code == 409 and "sedang berjalan" in busy.text
    finally:
        lock.close()


def test_an_export_larger_than_an_ordinary_form_is_received(site, operator):
    """The CSRF check reads the form before any view: the larger limit must be set before it."""
    rows = "judul,instansi\n" + "".join(f"Inovasi nomor {n} {'x' * 60},Pemerintah Kabupaten Sinjai\n" for n in range(40_000))
    assert len(rows) > 3 * 2**20
    answer = _upload(site, operator, [("besar.csv", rows.encode())])
    assert answer.status_code != 413, answer.status_code
