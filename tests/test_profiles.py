"""PDF profiles and booklets: what they show, that they read back through the pipeline's own
PDF reader from visible text alone, hostile content, the cache, the booklet's contents."""
import io
import json
import re
import time

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from indexer.mapping import hub_mapping
from indexer.pipeline import ingest_files
from kms.cli import main
from kms.config import load_config
from kms.db import open_db
from kms.editing import apply_edit
from kms.profile_pdf import profile_pdf
from kms.profiles import profile_inputs, render
from kms.records import iter_records
from kms.schema import PROFILE_HEADINGS, SECTIONS

ROUND_TRIP_SAMPLE = 10


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _words(text) -> str:
    return " ".join(str(text or "").split())


def test_the_writer_heads_sections_with_spellings_the_reader_knows():
    for key, heading in SECTIONS.items():
        assert heading in PROFILE_HEADINGS[key], key


def test_a_profile_shows_the_record_and_its_metadata(client, sample_dir):
    db = open_db(sample_dir / "kms.db")
    record = next(r for r in iter_records(db) if r.get("summary") and r.get("agency") and r.get("regency_name"))
    db.close()
    response = client.get(f"/inovasi/{record['id']}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = _text(response.data)
    assert _words(record["title"])[:60] in _words(text) and record["agency"] in text
    assert "Ringkasan" in text and "Kelengkapan Data" in text and "Sumber Data" in text
    assert f"Halaman 1 dari {len(reader.pages)}" in text
    meta = reader.metadata
    assert meta.title == record["title"][:300] and meta.author == record["agency"]
    assert f'href="/inovasi/{record["id"]}.pdf"' in client.get(f"/inovasi/{record['id']}").text
    assert client.get("/inovasi/tidak-ada.pdf").status_code == 404


def test_a_qr_code_only_with_a_public_address(sample_dir):
    db = open_db(sample_dir / "kms.db")
    record_id = next(iter_records(db))["id"]
    plain = profile_inputs(db, record_id, load_config({"DATA_DIR": str(sample_dir)}))
    public = profile_inputs(db, record_id, load_config({"DATA_DIR": str(sample_dir),
                                                        "PUBLIC_URL": "https://inovasi.example.go.id"}))
    db.close()
    without = render(plain, {"DATA_DIR": str(sample_dir)})
    assert f"Alamat di situs: /inovasi/{record_id}" in _text(without)
    assert not any(page.images for page in PdfReader(io.BytesIO(without)).pages)
    with_qr = render(public, {"DATA_DIR": str(sample_dir)})
    assert f"https://inovasi.example.go.id/inovasi/{record_id}" in _text(with_qr)
    assert any(page.images for page in PdfReader(io.BytesIO(with_qr)).pages)


def _round_trip(sample_dir, tmp_path, records):
    """Each record's profile, ingested into a fresh store through the jipp-jatim PDF mapping."""
    db = open_db(sample_dir / "kms.db")
    config = load_config({"DATA_DIR": str(sample_dir)})
    folder = tmp_path / "profil"
    folder.mkdir()
    paths = []
    for number, record in enumerate(records):
        path = folder / f"{number:04d}.pdf"
        path.write_bytes(render(profile_inputs(db, record["id"], config), config))
        paths.append(path)
    db.close()
    fresh = open_db(tmp_path / "fresh.db")
    report = ingest_files(fresh, paths, hub_mapping("jipp-jatim"))
    assert report.quarantined == 0 and not report.failed_files
    read = {r["sources"][0]["file"].rsplit("/", 1)[-1]: r for r in iter_records(fresh)}
    fresh.close()
    mismatches = []
    for number, record in enumerate(records):
        back = read[f"{number:04d}.pdf"]
        for name in ("title", "agency", "province_code", "regency_code", "year", *SECTIONS):
            if _words(back.get(name)) != _words(record.get(name)):
                mismatches.append((record["id"], name, record.get(name), back.get(name)))
    return mismatches


def _sample(sample_dir, size=None):
    db = open_db(sample_dir / "kms.db")
    records = [r for r in iter_records(db) if r.get("title")]
    db.close()
    return records if size is None else records[:: max(1, len(records) // size)][:size]


def test_profiles_read_back_through_the_pdf_reader(sample_dir, tmp_path):
    assert _round_trip(sample_dir, tmp_path, _sample(sample_dir, ROUND_TRIP_SAMPLE)) == []


@pytest.mark.slow
def test_every_bundled_record_reads_back(sample_dir, tmp_path):
    assert _round_trip(sample_dir, tmp_path, _sample(sample_dir)) == []


HOSTILE = {
    "id": "inv-hostile", "title": "Judul " + "sangat panjang " * 140,
    "summary": "x" * 10_000, "background": "<script>alert(1)</script> <b>tebal</b> &amp; **markdown** __u__",
    "goals": "مرحبا بالعالم نص من اليمين إلى اليسار \u202e dibalik \u202c", "novelty": "Emoji 🚀🙂👍 dan 中文 dan ĀĒĪ",
    "implementation": "kontrol \x00\x01\x07\x1b[31m teks \x7f\ufeff selesai", "impact": None, "adaptability": "",
    "agency": "Pemerintah " + "A" * 3000, "sdgs": [3, 99], "photos": ["/etc/passwd", "../kms.db", "javascript:alert(1)"],
    "sources": [{"hub": "h\x00ub", "dropped_at": None}], "updated_at": "bukan tanggal", "award": "top99",
}


def test_hostile_content_never_breaks_a_profile(tmp_path):
    started = time.perf_counter()
    data = profile_pdf(HOSTILE, {"original": None, "replicas": [{"id": "x", "title": "y" * 5000, "dates": {"minat": "z"}}]},
                       10, [], {}, "https://a.example/" + "b" * 3000, "/inovasi/x", {"DATA_DIR": str(tmp_path)})
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(data))
    text = _text(data)
    assert len(reader.pages) >= 2 and "Judul sangat panjang" in text and "<script>" in text
    assert "\x00" not in text and "\x1b" not in text
    assert time.perf_counter() - started < 60         # a guard against a runaway layout, not a timing


def test_the_cache_follows_the_record(site):
    client = site.client()
    first = client.get(f"/inovasi/{site.own}.pdf").data
    assert client.get(f"/inovasi/{site.own}.pdf").data == first           # served from the cache
    cached = list((site.dir / "pdf-cache").glob(f"{site.own}-*.pdf"))
    assert len(cached) == 1
    db = site.db()
    apply_edit(db, site.own, {"goals": "Tujuan baru yang ditulis staf untuk menguji cache profil PDF ini."}, "editor")
    db.close()
    second = client.get(f"/inovasi/{site.own}.pdf").data
    assert second != first and "Tujuan baru yang ditulis staf" in _text(second)
    now = list((site.dir / "pdf-cache").glob(f"{site.own}-*.pdf"))
    assert len(now) == 1 and now != cached                                   # the stale file is gone


def test_a_booklet_has_a_cover_contents_that_point_right_and_an_index(sample_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("KMS_DATA_DIR", str(sample_dir))
    output = tmp_path / "buku.pdf"
    out = CliRunner().invoke(main, ["booklet", "--province", "73", "--year", "2019", "--output", str(output),
                                    "--title", "Buku Uji"])
    assert out.exit_code == 0, out.output
    reader = PdfReader(output)
    pages = [page.extract_text() or "" for page in reader.pages]
    assert "Buku Uji" in pages[0] and "Saringan:" in pages[0] and "inovasi" in pages[0]
    contents = [p for p in pages if "Daftar Isi" in p]
    entries = re.findall(r"^(.+?) (\d+)$", "\n".join(contents), re.MULTILINE)
    entries = [(title, int(page)) for title, page in entries if not title.startswith("Halaman")]
    total = int(re.search(r"(\d+) inovasi", pages[0]).group(1))
    assert len(entries) == total > 3
    for title, page in entries:
        assert _words(title.rstrip("…"))[:40] in _words(pages[page - 1]), (title, page)
    assert any("Indeks Wilayah" in p and "Sulawesi Selatan" in p for p in pages[-3:])
    too_many = CliRunner().invoke(main, ["booklet", "--output", str(tmp_path / "x.pdf")])
    assert too_many.exit_code == 2 and "paling banyak 300" in too_many.output


def test_the_web_booklet_is_a_job_with_a_progress_page(site):
    client = site.client()
    ask = client.get("/buku?province=73&year=2019")
    assert ask.status_code == 200 and "Buat buku" in ask.text
    assert client.get("/buku").status_code == 400 and "paling banyak 300" in client.get("/buku").text
    token = site.token(ask.text)
    started = client.post("/buku?province=73&year=2019", data={"csrf_token": token, "title": "Buku Web"})
    assert started.status_code == 302 and "/buku/" in started.headers["Location"]
    job = started.headers["Location"].rsplit("/", 1)[1]
    again = client.post("/buku?province=73", data={"csrf_token": token})      # one job per address
    assert again.headers["Location"].split("?")[0].endswith(f"/buku/{job}") or "Selesai" in client.get(f"/buku/{job}").text
    for _ in range(120):
        page = client.get(f"/buku/{job}").text
        if "Selesai" in page or "gagal" in page:
            break
        assert 'http-equiv="refresh"' in page
        time.sleep(0.5)
    assert "Selesai" in page, page
    pdf = client.get(f"/buku/{job}.pdf")
    assert pdf.status_code == 200 and "Buku Web" in _text(pdf.data)
    assert client.get("/buku/bukan-job").status_code == 404
