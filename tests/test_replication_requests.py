"""Replication requests from minat to implementasi: who may take each step (403 for everyone
else), forms that come back with their errors and what was typed, the lineage and counts on
both records, the public JSON, and page openings counted without personal data."""
import datetime as dt
import io
import re

import pytest
from pypdf import PdfWriter

from kms.accounts import create_user
from tests.conftest import PASSWORD

REQUESTER = "Pemerintah Kabupaten Sragen"       # the `luar` account's agency
TODAY = dt.date.today().isoformat()             # a request is asked today: later steps cannot be earlier
YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def parties(site):
    """The site with an operator of the owner's province and an editor of a third agency."""
    db = site.db()
    create_user(db, "operator-sulsel", "hub_operator", PASSWORD, province="73")
    create_user(db, "ketiga", "agency_editor", PASSWORD, agency="Pemerintah Kota Makassar")
    db.close()
    return site


def _ask(site, client, record_id, message="Kami ingin mereplikasi layanan ini di Sragen; hubungi Bagian Organisasi."):
    form = client.get(f"/inovasi/{record_id}/minat")
    assert form.status_code == 200, form.status_code
    return client.post(f"/inovasi/{record_id}/minat", data={"csrf_token": site.token(form.text), "message": message})


def _request_id(response) -> int:
    return int(re.search(r"/permintaan/(\d+)", response.headers["Location"]).group(1))


def _accept(site, client, number, date=TODAY, agreement=None, note="PKS nomor 12/2026"):
    page = client.get(f"/permintaan/{number}")
    data = {"csrf_token": site.token(page.text) if page.status_code == 200 else "", "agreement_date": date, "note": note}
    if agreement is not False:
        data["agreement"] = (io.BytesIO(pdf_bytes() if agreement is None else agreement), "kesepakatan.pdf")
    return client.post(f"/permintaan/{number}/kesepakatan", data=data, content_type="multipart/form-data")


def _token(site, client, path="/permintaan"):
    return site.token(client.get(path).text)


def _report(site, client, number, **fields):
    data = {"csrf_token": _token(site, client), "implementation_date": TODAY,
            "evidence": "SK Bupati Sragen nomor 45 tahun 2026; layanan dibuka di 20 kecamatan.",
            "replica_choice": "draft", "draft_title": "Layanan Replikasi Sragen", **fields}
    return client.post(f"/permintaan/{number}/implementasi", data=data, content_type="multipart/form-data")


def test_the_three_steps_land_in_the_lineage_and_the_counts_of_both_records(parties):
    site = parties
    requester, owner = site.client("luar"), site.client("editor")
    asked = _ask(site, requester, site.own)
    assert asked.status_code == 303
    number = _request_id(asked)
    assert "Minat replikasi terkirim" in requester.get(asked.headers["Location"]).text
    waiting = owner.get("/permintaan").text
    assert 'id="menunggu-keputusan"' in waiting and f'data-request="{number}"' in waiting
    assert "1</strong> menunggu keputusan Anda" in owner.get("/kampanye").text        # the owner's dashboard
    page = site.client().get(f"/inovasi/{site.own}").text                             # public: in progress, no message
    assert REQUESTER in page and "menunggu kesepakatan" in page and "Bagian Organisasi" not in page

    accepted = _accept(site, owner, number)
    assert accepted.status_code == 303, accepted.text[:500]
    assert "1</strong> menunggu laporan implementasi Anda" in requester.get("/kampanye").text
    shown = requester.get(f"/permintaan/{number}").text
    assert "PKS nomor 12/2026" in shown and 'id="report-form"' in shown
    document = requester.get(f"/permintaan/{number}/dokumen/kesepakatan")
    assert document.status_code == 200 and document.data.startswith(b"%PDF")
    assert site.client("ketiga").get(f"/permintaan/{number}/dokumen/kesepakatan").status_code == 403
    assert site.client().get(f"/permintaan/{number}/dokumen/kesepakatan").status_code == 401

    reported = _report(site, requester, number)
    assert reported.status_code == 303, reported.text[:500]
    db = site.db()
    link = next(db.query("SELECT * FROM replications WHERE original_id = ? AND origin = 'request'", [site.own]))
    replica = next(db.query("SELECT * FROM innovations WHERE id = ?", [link["replica_id"]]))
    sources = [dict(r) for r in db.query("SELECT hub, source_id FROM sources WHERE record_id = ?", [replica["id"]])]
    db.close()
    assert link["status"] == "confirmed" and link["stage"] == "implementasi"
    assert (link["minat"], link["kesepakatan"], link["implementasi"]) == (TODAY, TODAY, TODAY)
    assert replica["agency"] == REQUESTER and replica["title"] == "Layanan Replikasi Sragen" and replica["year"] == 2026
    assert replica["regency_code"] == "33.14" and sources == [{"hub": "situs", "source_id": f"replikasi-{number}"}]

    original_page = site.client().get(f"/inovasi/{site.own}").text
    assert re.search(r'id="count-minat">1<', original_page) and re.search(r'id="count-kesepakatan">1<', original_page)
    assert re.search(r'id="count-replikasi">1<', original_page) and "Layanan Replikasi Sragen" in original_page
    replica_page = site.client().get(f"/inovasi/{replica['id']}").text
    assert "Replikasi dari" in replica_page and "permintaan replikasi" in replica_page
    api = site.client().get(f"/api/innovations/{site.own}/requests").json
    assert api["counts"]["minat"] == api["counts"]["kesepakatan"] == 1 and api["counts"]["replikasi"] >= 1
    assert api["requests"][0]["status"] == "implementasi" and api["requests"][0]["replica_id"] == replica["id"]
    assert "message" not in api["requests"][0] and "requested_by" not in api["requests"][0]
    lineage = site.client().get(f"/api/innovations/{replica['id']}/replications").json
    assert lineage["original"]["id"] == site.own and lineage["original"]["origin"] == "request"
    # the replicating agency may now complete its draft
    assert requester.get(f"/inovasi/{replica['id']}/ubah").status_code == 200


def test_who_may_take_each_step(parties):
    site = parties
    ask_path = f"/inovasi/{site.own}/minat"
    expected_ask = {"anonymous": 401, "admin": 403, "operator-sulsel": 403, "operator-jatim": 403, "editor": 403,
                    "luar": 200, "ketiga": 200}
    assert {name: site.client(name).get(ask_path).status_code for name in expected_ask} == expected_ask
    number = _request_id(_ask(site, site.client("luar"), site.own))
    show = f"/permintaan/{number}"
    expected_show = {"anonymous": 401, "admin": 200, "operator-sulsel": 200, "operator-jatim": 403, "editor": 200,
                     "luar": 200, "ketiga": 403}
    assert {name: site.client(name).get(show).status_code for name in expected_show} == expected_show
    assert {name: site.client(name).get("/permintaan").status_code for name in expected_show} == {
        name: 401 if name == "anonymous" else 200 for name in expected_show}
    # kesepakatan: the owner's side only
    for name in ("luar", "ketiga", "operator-jatim"):
        client = site.client(name)
        token = _token(site, client)
        refused = client.post(f"{show}/kesepakatan", data={"csrf_token": token, "agreement_date": TODAY,
                                                           "agreement": (io.BytesIO(pdf_bytes()), "a.pdf")},
                              content_type="multipart/form-data")
        assert refused.status_code == 403, name
        assert client.post(f"{show}/tolak", data={"csrf_token": token, "reason": "Tidak sesuai kebutuhan kami."}
                           ).status_code == 403, name
    assert site.client().post(f"{show}/tolak", data={"reason": "x"}).status_code in (400, 401)   # no token, no account
    # implementasi before kesepakatan: 409 for the requester
    assert _report(site, site.client("luar"), number).status_code == 409
    assert _accept(site, site.client("operator-sulsel"), number).status_code == 303      # the owner's hub operator
    assert _accept(site, site.client("editor"), number).status_code == 409              # already agreed
    for name in ("editor", "admin", "operator-sulsel", "ketiga"):
        assert _report(site, site.client(name), number).status_code == 403, name
    assert _report(site, site.client("luar"), number).status_code == 303
    assert _report(site, site.client("luar"), number).status_code == 409                # once
    assert site.client("luar").get(f"{show}/dokumen/implementasi").status_code == 404   # none was sent


def test_refused_forms_come_back_with_errors_and_what_was_typed(parties):
    site = parties
    requester, owner = site.client("luar"), site.client("editor")
    short = _ask(site, requester, site.own, message="Mau")
    assert short.status_code == 400 and 'id="error-message"' in short.text and ">Mau</textarea>" in short.text
    number = _request_id(_ask(site, requester, site.own))
    again = _ask(site, requester, site.own)
    assert again.status_code == 409 and f"permintaan no. {number}" in again.text
    missing = _accept(site, owner, number, agreement=False, note="Catatan yang diketik")
    assert missing.status_code == 400 and 'id="error-agreement"' in missing.text and "Catatan yang diketik" in missing.text
    broken = _accept(site, owner, number, agreement=b"%PDF-1.4 rusak sama sekali")
    assert broken.status_code == 400 and "Dokumen kesepakatan: PDF rusak" in broken.text
    not_pdf = _accept(site, owner, number, agreement="bukan pdf".encode())
    assert not_pdf.status_code == 400 and "bukan berkas PDF" in not_pdf.text
    future = _accept(site, owner, number, date="2999-01-01")
    assert future.status_code == 400 and 'id="error-agreement_date"' in future.text and "belum tiba" in future.text
    garbled = _accept(site, owner, number, date="kemarin sore")
    assert garbled.status_code == 400 and "bukan tanggal" in garbled.text
    assert _accept(site, owner, number).status_code == 303
    early = _report(site, requester, number, implementation_date=YESTERDAY, evidence="Bukti yang sudah diketik panjang")
    assert early.status_code == 400 and "lebih awal dari tanggal kesepakatan" in early.text
    assert "Bukti yang sudah diketik panjang" in early.text and f'value="{YESTERDAY}"' in early.text
    no_title = _report(site, requester, number, draft_title="ab")
    assert no_title.status_code == 400 and 'id="error-draft_title"' in no_title.text
    foreign = _report(site, requester, number, replica_choice="existing", replica_id=site.other)
    assert foreign.status_code == 400 and "bukan milik instansi Anda" in foreign.text
    db = site.db()
    assert next(db.query("SELECT status FROM replication_requests WHERE id = ?", [number]))["status"] == "kesepakatan"
    assert not list(db.query("SELECT 1 FROM replications WHERE origin = 'request'"))        # nothing half-stored
    db.close()


def test_declining_and_linking_an_existing_record(parties):
    site = parties
    requester, owner = site.client("luar"), site.client("editor")
    number = _request_id(_ask(site, requester, site.own))
    token = _token(site, owner)
    short = owner.post(f"/permintaan/{number}/tolak", data={"csrf_token": token, "reason": "Tidak"})
    assert short.status_code == 400 and 'id="error-reason"' in short.text
    assert owner.post(f"/permintaan/{number}/tolak", data={
        "csrf_token": token, "reason": "Layanan sedang dirombak; ajukan lagi tahun depan."}).status_code == 303
    assert "ajukan lagi tahun depan" in requester.get(f"/permintaan/{number}").text
    counts = site.client().get(f"/api/innovations/{site.own}").json["counts"]
    assert (counts["minat"], counts["kesepakatan"]) == (1, 0)
    second = _request_id(_ask(site, requester, site.own))       # a declined request does not block a new one
    assert _accept(site, owner, second).status_code == 303
    db = site.db()
    own_replica = next(db.query("SELECT id FROM innovations WHERE agency = ? ORDER BY id", [REQUESTER]))["id"]
    db.close()
    form = requester.get(f"/permintaan/{second}").text
    assert f'value="{own_replica}"' in form                      # the agency's own records are offered
    assert _report(site, requester, second, replica_choice="existing", replica_id=own_replica,
                   evidence="Berita: https://sragenkab.go.id/berita?id=7&hal=2 <b>tebal</b>",
                   evidence_pdf=(io.BytesIO(pdf_bytes()), "bukti.pdf")).status_code == 303
    shown = requester.get(f"/permintaan/{second}").text
    assert '<a href="https://sragenkab.go.id/berita?id=7&amp;hal=2" rel="nofollow noopener noreferrer">' in shown
    assert "&lt;b&gt;tebal&lt;/b&gt;" in shown                                # the rest stays text
    similar = site.client().get(f"/inovasi/{site.own}").text.split('class="similar-list"')[-1]
    assert f'data-id="{own_replica}"' not in similar                       # a known replica is not "similar"
    lineage = site.client().get(f"/api/innovations/{own_replica}/replications").json
    assert lineage["original"]["id"] == site.own and lineage["original"]["dates"]["implementasi"] == TODAY
    assert requester.get(f"/permintaan/{second}/dokumen/implementasi").data.startswith(b"%PDF")
    counts = site.client().get(f"/api/innovations/{site.own}/requests").json["counts"]
    assert (counts["minat"], counts["kesepakatan"]) == (2, 1)


def test_page_openings_are_counted_once_a_day_per_address_without_who_opened(site):
    import datetime as dt

    from kms.page_views import ViewCounter

    def views():
        return site.client().get(f"/api/innovations/{site.other}").json["counts"]["dilihat"]

    before = views()
    visitor = site.app.test_client()
    for _ in range(3):
        visitor.get(f"/inovasi/{site.other}")                       # reloads count once
    visitor.get(f"/inovasi/{site.other}", headers={"User-Agent": "Googlebot/2.1"})     # crawlers do not count
    visitor.head(f"/inovasi/{site.other}")
    assert views() == before + 1
    other = site.app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    assert re.search(rf'id="count-dilihat">{before + 2}<', other.get(f"/inovasi/{site.other}").text)
    for _ in range(5):
        visitor.get(f"/api/innovations/{site.own}")                 # API reads are not openings
    db = site.db()
    counter = ViewCounter("uji")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert counter.add(db, site.other, "127.0.0.1", tomorrow) and not counter.add(db, site.other, "127.0.0.1", tomorrow)
    stored = [tuple(row) for row in db.execute("SELECT * FROM record_views WHERE record_id = ?", [site.other])]
    columns = [row[1] for row in db.execute("PRAGMA table_info(record_views)")]
    own = db.execute("SELECT COALESCE(SUM(count), 0) FROM record_views WHERE record_id = ?", [site.own]).fetchone()[0]
    db.close()
    assert columns == ["record_id", "day", "count"]                 # nothing about who
    assert {day: n for _rid, day, n in stored} == {TODAY: before + 2, tomorrow.isoformat(): 1}
    assert own == 0


def test_steps_out_of_turn_say_what_happened(parties):
    site = parties
    requester, owner, operator = site.client("luar"), site.client("editor"), site.client("operator-sulsel")
    number = _request_id(_ask(site, requester, site.own))
    early = _accept(site, owner, number, date=YESTERDAY)
    assert early.status_code == 400 and "lebih awal dari tanggal minat diajukan" in early.text
    stale_page = owner.get(f"/permintaan/{number}").text                 # the owner's page, still open
    assert operator.post(f"/permintaan/{number}/tolak", data={
        "csrf_token": _token(site, operator), "reason": "Sudah dibahas; belum dapat dilayani."}).status_code == 303
    late = owner.post(f"/permintaan/{number}/kesepakatan", data={
        "csrf_token": site.token(stale_page), "agreement_date": TODAY,
        "agreement": (io.BytesIO(pdf_bytes()), "k.pdf")}, content_type="multipart/form-data")
    assert late.status_code == 409 and "sudah ditolak oleh operator-sulsel" in late.text
    second = _request_id(_ask(site, requester, site.own))
    page = requester.get(f"/inovasi/{site.own}").text
    assert 'id="own-request"' in page and 'id="ask-link"' not in page         # the status, not the button again
    assert _accept(site, owner, second).status_code == 303
    none_chosen = _report(site, requester, second, replica_choice="existing", replica_id="")
    assert none_chosen.status_code == 400 and 'id="error-replica_id"' in none_chosen.text
    assert _report(site, requester, second).status_code == 303
    twice = _report(site, requester, second)
    assert twice.status_code == 409 and "sudah dilaporkan oleh luar" in twice.text
    assert _ask(site, requester, site.own).status_code == 409                 # implemented: not asked again
    db = site.db()
    replica = next(db.query("SELECT replica_id FROM replication_requests WHERE id = ?", [second]))["replica_id"]
    db.close()
    assert 'id="draft-notice"' in site.client().get(f"/inovasi/{replica}").text
    assert 'id="draft-notice"' not in site.client().get(f"/inovasi/{site.own}").text


def test_documents_that_could_act_when_opened_are_refused(site):
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    from kms.media import DocumentError, checked_pdf

    scripted = PdfWriter()
    scripted.add_blank_page(width=595, height=842)
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    scripted._root_object[NameObject("/OpenAction")] = scripted._add_object(action)
    attached = PdfWriter()
    attached.add_blank_page(width=595, height=842)
    attached.add_attachment("skrip.exe", b"MZ...")
    for writer, named in ((scripted, "JavaScript"), (attached, "berkas sisipan")):
        out = io.BytesIO()
        writer.write(out)
        with pytest.raises(DocumentError, match=named):
            checked_pdf(out.getvalue(), "Dokumen kesepakatan")
    profile = site.client().get(f"/inovasi/{site.own}.pdf").data      # a real PDF with fonts, images and links
    checked_pdf(profile, "Dokumen kesepakatan")
    with pytest.raises(DocumentError, match="lebih dari 10 MB"):
        checked_pdf(b"%PDF-1.4" + b"0" * (10 * 2**20), "Dokumen kesepakatan")
