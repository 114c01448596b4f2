"""Innovators' submissions: accounts made by the hub's operator, drafts, "Kirim" refused while a
required field is missing or weak (each named), the per-hub yearly limit, upload checks, who may
see and do what, and publication as a source of the hub."""
import io
import re

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from kms.records import remember_mapping
from tests.conftest import PASSWORD

HUB = "jipp-sulsel"
WORDS = ("warga desa harus menempuh perjalanan jauh ke kantor kecamatan untuk mengurus dokumen kependudukan "
         "sehingga banyak yang menunda dan data tidak pernah diperbarui selama bertahun tahun lamanya")


def complete(**overrides):
    values = {"title": "Layanan Dokumen Keliling Desa", "year": "2024", "contact": "dukcapil@sinjaikab.go.id",
              **{name: f"{name}: {WORDS}" for name in ("background", "goals", "novelty", "implementation", "impact",
                                                       "adaptability", "resources", "sustainability", "summary")},
              "sdgs": "16", "stage": "penerapan"}
    return {**values, **overrides}


@pytest.fixture
def hub(site, login):
    """The site with an operator of the Sulsel hub, who makes two innovators through /akun."""
    from kms.accounts import create_user

    db = site.db()
    create_user(db, "op-sulsel", "hub_operator", PASSWORD, hub=HUB)
    db.close()
    operator = site.client("op-sulsel")
    for name, agency in (("inovator-a", "Pemkab Sinjai"), ("inovator-b", "Pemerintah Kota Makassar")):
        page = operator.get("/akun")
        made = operator.post("/akun", data={"csrf_token": site.token(page.text), "name": name, "role": "innovator",
                                            "hub": "lan", "agency": agency, "password": PASSWORD, "password2": PASSWORD})
        assert made.status_code == 302, made.text[:300]
    return site


def _post(site, client, path, **data):
    page = client.get("/ajukan")
    return client.post(path, data={"csrf_token": site.token(page.text), **data}, content_type="multipart/form-data")


def _draft(site, client, **values):
    saved = _post(site, client, "/ajukan/baru", action="simpan", **values)
    assert saved.status_code == 303, saved.text[:500]
    return int(re.search(r"/ajukan/(\d+)", saved.headers["Location"]).group(1))


def test_operators_make_innovators_of_their_hub_only(hub):
    site = hub
    db = site.db()
    accounts = {row["name"]: dict(row) for row in db.query("SELECT name, role, hub, agency FROM users")}
    db.close()
    assert accounts["inovator-a"] == {"name": "inovator-a", "role": "innovator", "hub": HUB,     # the operator's hub,
                                      "agency": "Pemerintah Kabupaten Sinjai"}                  # whatever was posted
    operator = site.client("op-sulsel")
    page = operator.get("/akun").text
    assert "inovator-a" in page and 'data-name="admin"' not in page            # only its hub's innovators
    refused = operator.post("/akun", data={"csrf_token": site.token(page), "name": "editor-baru", "role": "agency_editor",
                                           "agency": "Pemkab Sinjai", "password": PASSWORD, "password2": PASSWORD})
    assert refused.status_code == 400 and 'id="error-role"' in refused.text
    assert operator.post("/akun/admin/sandi", data={"csrf_token": site.token(page), "password": PASSWORD + "x",
                                                   "password2": PASSWORD + "x"}).status_code == 403
    assert site.client("editor").get("/akun").status_code == 403
    assert site.client("operator-jatim").get("/akun").status_code == 403       # scoped by province, not a hub


def test_an_innovator_has_submissions_and_no_staff_pages(hub, login):
    site = hub
    innovator = site.app.test_client()
    signed = login(innovator, "inovator-a")
    assert signed.headers["Location"].endswith("/ajukan")
    for path in ("/kampanye", "/permintaan", "/tinjau", "/moderasi", "/akun", f"/inovasi/{site.own}/ubah",
                 "/api/completeness"):
        assert innovator.get(path).status_code == 403, path
    record_page = innovator.get(f"/inovasi/{site.own}").text
    assert "Perbarui data" not in record_page and "Ajuan saya" in record_page


def test_sending_is_refused_until_every_required_field_is_complete(hub):
    site = hub
    innovator = site.client("inovator-a")
    number = _draft(site, innovator, title="Layanan Dokumen Keliling Desa", background="terlalu singkat")
    refused = _post(site, innovator, f"/ajukan/{number}", action="kirim", **complete(background="terlalu singkat",
                                                                                     contact=""))
    assert refused.status_code == 400
    assert "Latar Belakang" in refused.text and "terlalu singkat" in refused.text and "Kontak" in refused.text
    assert 'id="f-background"' in refused.text and "terlalu singkat</textarea>" in refused.text   # typed value kept
    garbled = _post(site, innovator, f"/ajukan/{number}", action="kirim", **complete(year="20x5", contact=""))
    assert garbled.status_code == 400 and "Tahun: harus tahun" in garbled.text and "Kontak" in garbled.text   # all at once
    only_sdgs = _post(site, innovator, f"/ajukan/{number}", action="kirim", **complete(sdgs="abc"))
    assert only_sdgs.status_code == 400 and "SDGs: nomor SDG" in only_sdgs.text
    assert "Tahun:" not in only_sdgs.text.split('id="form-errors"')[1].split("</div>")[0]     # a good year is no gap
    sent = _post(site, innovator, f"/ajukan/{number}", action="kirim", **complete())
    assert sent.status_code == 303
    assert "Terkirim" in innovator.get(f"/ajukan/{number}").text
    again = _post(site, innovator, f"/ajukan/{number}", action="simpan", **complete(title="Diubah sesudah dikirim"))
    assert again.status_code == 409


def test_the_hub_limits_submissions_per_innovator_per_year(hub):
    from kms import submissions

    site = hub
    db = site.db()
    assert submissions.max_submissions(db, HUB) == 10                       # the default
    with db.conn:          # a hub with no bundled mapping, ingested with one that allows one a year
        remember_mapping(db, "hub-kecil", "hub-kecil.toml", 'name = "hub-kecil"\nformat = "csv"\nmax_submissions = 1\n'
                         '[fields]\ntitle = "judul"\n', "2026-01-01T00:00:00", "Hub Kecil")
        db.execute("UPDATE users SET hub = 'hub-kecil' WHERE name = 'inovator-a'")
    assert submissions.max_submissions(db, "hub-kecil") == 1
    db.close()
    innovator = site.client("inovator-a")
    first, second = _draft(site, innovator, **complete()), _draft(site, innovator, **complete(title="Kedua"))
    assert _post(site, innovator, f"/ajukan/{first}", action="kirim", **complete()).status_code == 303
    refused = _post(site, innovator, f"/ajukan/{second}", action="kirim", **complete(title="Kedua"))
    assert refused.status_code == 409 and "batas hub ini" in refused.text
    assert "Draf" in innovator.get(f"/ajukan/{second}").text                 # the draft is kept


def _image(fmt="JPEG", size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, fmt)
    return out.getvalue()


def _scripted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _plain_pdf(title: str = "Bukti") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_uploads_are_checked_by_content(hub):
    site = hub
    innovator = site.client("inovator-a")
    number = _draft(site, innovator, **complete())

    def upload(kind, data, name):
        return _post(site, innovator, f"/ajukan/{number}/berkas", kind=kind, file=(io.BytesIO(data), name))

    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")              # 400 megapixels in a few kilobytes
    refusals = {
        "php named .jpg": upload("photo", b"<?php system($_GET['c']); ?>", "foto.jpg"),
        "oversized image": upload("photo", _image(size=(8000, 6000)), "besar.jpg"),
        "bomb named .png": upload("photo", bomb.getvalue(), "bom.png"),
        "pdf with javascript": upload("document", _scripted_pdf(), "sk.pdf"),
        "pdf that is a photo": upload("document", _image(), "sk.pdf"),
    }
    assert {name: r.status_code for name, r in refusals.items()} == {name: 400 for name in refusals}
    assert "bukan foto" in refusals["php named .jpg"].text and "megapiksel" in refusals["oversized image"].text
    assert "JavaScript" in refusals["pdf with javascript"].text
    noise = io.BytesIO()           # a phone photo: several megabytes, more than an ordinary form may send
    Image.frombytes("RGB", (2000, 1600), __import__("os").urandom(2000 * 1600 * 3)).save(noise, "JPEG", quality=95)
    assert len(noise.getvalue()) > 3 * 2**20
    assert upload("photo", noise.getvalue(), "dari-ponsel.jpg").status_code == 303
    polyglot = _image() + b"<?php echo 'x'; ?>"
    assert upload("photo", polyglot, "poli.jpg").status_code == 303
    assert upload("document", _plain_pdf(), "sk-bupati.pdf").status_code == 303
    kept = innovator.get(f"/ajukan/{number}/berkas/1")
    assert kept.status_code == 200 and kept.mimetype == "image/jpeg" and b"<?php" not in kept.data
    assert Image.open(io.BytesIO(kept.data)).format == "JPEG"
    assert innovator.get(f"/ajukan/{number}/berkas/2").data.startswith(b"%PDF")
    for name, status in (("inovator-b", 403), ("op-sulsel", 200), ("admin", 200), ("editor", 403), ("anonymous", 401)):
        assert site.client(name).get(f"/ajukan/{number}/berkas/0").status_code == status, name


def test_publishing_makes_it_a_record_of_the_hub(hub):
    site = hub
    innovator = site.client("inovator-a")
    number = _draft(site, innovator, **complete(title="Layanan Dokumen Keliling Desa Sinjai"))
    _post(site, innovator, f"/ajukan/{number}/berkas", kind="photo", file=(io.BytesIO(_image()), "kegiatan.jpg"))
    _post(site, innovator, f"/ajukan/{number}/berkas", kind="document", public="1", file=(io.BytesIO(_plain_pdf("SOP")), "sop-layanan.pdf"))
    _post(site, innovator, f"/ajukan/{number}/berkas", kind="document", file=(io.BytesIO(_plain_pdf("Laporan")), "laporan-internal.pdf"))
    assert site.client("op-sulsel").post(f"/ajukan/{number}/terbitkan", data={}).status_code == 400   # no token
    assert _post(site, site.client("op-sulsel"), f"/ajukan/{number}/terbitkan").status_code == 409    # not sent yet
    assert _post(site, innovator, f"/ajukan/{number}", action="kirim", **complete(
        title="Layanan Dokumen Keliling Desa Sinjai")).status_code == 303
    for name in ("inovator-a", "inovator-b", "editor"):
        refused = _post(site, site.client(name), f"/ajukan/{number}/terbitkan")
        assert refused.status_code == 403, name
    assert _post(site, site.client("op-sulsel"), f"/ajukan/{number}/terbitkan").status_code == 303
    db = site.db()
    row = next(db.query("SELECT record_id, status FROM submissions WHERE id = ?", [number]))
    source = next(db.query("SELECT hub, source_id FROM sources WHERE record_id = ?", [row["record_id"]]))
    record = next(db.query("SELECT * FROM innovations WHERE id = ?", [row["record_id"]]))
    db.close()
    assert row["status"] == "published" and source == {"hub": HUB, "source_id": f"ajuan-{number}"}
    assert record["agency"] == "Pemerintah Kabupaten Sinjai" and record["regency_code"] == "73.07"
    assert re.fullmatch(rf'\["media/ajuan-{number}/[0-9a-f]+\.jpg"\]', record["photos"])
    page = site.client().get(f"/inovasi/{row['record_id']}").text
    assert "Layanan Dokumen Keliling Desa Sinjai" in page and f"/media/ajuan-{number}/" in page
    documents = re.search(r'id="documents">(.*?)</ul>', page, re.S).group(1)
    assert "sop-layanan.pdf" in documents and "laporan-internal.pdf" not in page      # only the public one
    link = re.search(r'href="(/media/[^"]+\.pdf)"', documents).group(1)
    assert site.client().get(link).data.startswith(b"%PDF")
    history = innovator.get(f"/ajukan/{number}").text
    assert all(step in history for step in ("draf dibuat", "berkas ditambahkan", "dikirim ke hub", "diterbitkan"))
    found = site.client().get("/api/search?q=dokumen+keliling+desa").json
    assert row["record_id"] in [hit["id"] for hit in found["results"]]
    assert site.client("op-sulsel").get(f"/inovasi/{row['record_id']}/ubah").status_code == 200   # the hub's record now


def test_every_submission_route_for_every_role(hub):
    site = hub
    number = _draft(site, site.client("inovator-a"), **complete())
    expected = {  # role -> (list, new, show own draft of another)
        "anonymous": (401, 401, 401), "inovator-a": (200, 200, 200), "inovator-b": (200, 200, 403),
        "op-sulsel": (200, 403, 200), "admin": (200, 403, 200), "editor": (403, 403, 403),
        "operator-jatim": (403, 403, 403),
    }
    for name, statuses in expected.items():
        client = site.client(name)
        got = (client.get("/ajukan").status_code, client.get("/ajukan/baru").status_code,
               client.get(f"/ajukan/{number}").status_code)
        assert got == statuses, name
    outsider = site.client("inovator-b")
    assert _post(site, outsider, f"/ajukan/{number}", action="simpan", title="Dibajak").status_code == 403
    assert _post(site, outsider, f"/ajukan/{number}/berkas", kind="photo",
                 file=(io.BytesIO(_image()), "x.jpg")).status_code == 403
    assert _post(site, outsider, f"/ajukan/{number}/berkas/0/hapus").status_code == 403
    operator_view = site.client("op-sulsel").get(f"/ajukan/{number}").text
    assert 'id="submission-form"' not in operator_view                   # operators read, never edit
