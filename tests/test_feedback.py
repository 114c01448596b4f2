"""Service users' ratings and comments: one rating per address per record per day, no address
kept, comments published only after staff in scope approve them, the honeypot and the limit."""
import datetime as dt
import re

from kms.feedback import rate


def _post(site, client, record_id, **data):
    page = client.get(f"/inovasi/{record_id}")
    return client.post(f"/inovasi/{record_id}/tanggapan", data={"csrf_token": site.token(page.text), **data})


def test_ratings_count_once_a_day_per_address_and_keep_no_address(site):
    visitor = site.app.test_client()
    first = _post(site, visitor, site.own, rating="4")
    assert first.status_code == 303 and "Nilai Anda sudah dihitung" in visitor.get(first.headers["Location"]).text
    again = _post(site, visitor, site.own, rating="1")
    assert "sudah menilai" in visitor.get(again.headers["Location"]).text
    other = site.app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    _post(site, other, site.own, rating="5")
    assert site.client().get(f"/api/innovations/{site.own}").json["feedback"] == {"count": 2, "average": 4.5}
    page = visitor.get(f"/inovasi/{site.own}").text
    assert re.search(r'id="rating-summary">Rata-rata <strong>4,5</strong> dari 5 · 2 penilaian', page)
    db = site.db()
    stored = [dict(zip(("visitor", "day"), row)) for row in db.execute("SELECT visitor, day FROM feedback_ratings")]
    assert all(r["visitor"] and "127.0.0.1" not in r["visitor"] and "10.9.8.7" not in r["visitor"] for r in stored)
    rate(db, site.other, 3, "10.1.1.1", "uji", today=dt.date.today() + dt.timedelta(days=1))      # the next day
    assert [row[0] for row in db.execute("SELECT visitor FROM feedback_ratings WHERE day < ?",
                                         [(dt.date.today() + dt.timedelta(days=1)).isoformat()])] == [None, None]
    db.close()
    assert _post(site, visitor, site.own, rating="9").status_code == 303            # refused, said on the page
    assert visitor.post(f"/inovasi/{site.own}/tanggapan", data={"rating": "3"}).status_code == 400   # no CSRF token


def test_comments_wait_for_staff_in_scope(site):
    visitor = site.app.test_client()
    posted = _post(site, visitor, site.own, text="Antrean jauh lebih singkat sejak layanan ini ada.", name="Warga Sinjai")
    assert "setelah diperiksa" in visitor.get(posted.headers["Location"]).text
    assert "Antrean jauh lebih singkat" not in visitor.get(f"/inovasi/{site.own}").text      # not yet published
    outsider = site.client("luar")                                                          # another agency's editor
    luar = outsider.get("/moderasi").text
    assert "Antrean jauh lebih singkat" not in luar
    editor = site.client("editor")
    queue = editor.get("/moderasi").text
    comment_id = re.search(r'data-comment="(\d+)"', queue).group(1)
    assert "Antrean jauh lebih singkat" in queue
    assert outsider.post(f"/moderasi/{comment_id}", data={"csrf_token": site.token(luar),
                                                          "action": "terbitkan"}).status_code == 403
    assert site.client().get("/moderasi").status_code == 401
    done = editor.post(f"/moderasi/{comment_id}", data={"csrf_token": site.token(queue), "action": "terbitkan",
                                                        "answer": "Terima kasih, kami tambah loket pada jam sibuk."})
    assert done.status_code == 302
    page = visitor.get(f"/inovasi/{site.own}").text
    assert "Antrean jauh lebih singkat" in page and "Warga Sinjai" in page and "kami tambah loket" in page


def test_the_honeypot_lengths_and_the_limit(site, sample_copy):
    from kms.app import create_app
    visitor = site.app.test_client()
    _post(site, visitor, site.own, text="Komentar dari robot yang mengisi semua kolom.", situs_web="http://spam.example")
    db = site.db()
    assert db.execute("SELECT COUNT(*) FROM feedback_comments").fetchone()[0] == 0
    db.close()
    long_text = "panjang " * 200
    refused = _post(site, visitor, site.own, text=long_text)
    shown = visitor.get(refused.headers["Location"]).text
    assert "paling banyak 1000 karakter" in shown and "panjang panjang" in shown                 # the text kept
    limited = create_app({"TESTING": True, "DATA_DIR": str(site.dir), "SECRET_KEY": "uji", "FEEDBACK_RATE": 2})
    client = limited.test_client()
    statuses = [_post(site, client, site.other, rating="3").status_code for _ in range(4)]
    assert statuses[-1] == 429
    assert "Terlalu banyak tanggapan" in _post(site, client, site.other, rating="3").text
