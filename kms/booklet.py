"""Booklets: a search result set (at most MAX_RECORDS) as one PDF: a cover (title, the filters
in words, the date, the count), a table of contents with page numbers and links, one profile per
record (kms.profile_pdf.write_profile), and an index by province and regency.

On the web a booklet is a job: `start_job` runs `kms booklet` in a separate process (so it never
holds up the site), which writes its progress and then the file under DATA_DIR/booklets/; any
server process reads them from there. One job at a time per address."""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
from pathlib import Path

from fpdf.enums import XPos, YPos

from kms import jobs
from kms.display import tanggal
from kms.profile_pdf import BOTTOM, FONT, INK, MUTED, TOP, ProfileDocument, clean, write_profile
from kms.profiles import profile_inputs

MAX_RECORDS = 300
FOLDER = "booklets"
JOB_HOURS = 24          # finished booklets are kept this long


def booklet_pdf(db, ids: list[str], config, title: str, filters_text: str, progress=None) -> bytes:
    """The booklet of these records, in this order. `progress(done, total)` after each record."""
    if len(ids) > MAX_RECORDS:
        raise ValueError(f"at most {MAX_RECORDS} records in a booklet, not {len(ids)}")
    pdf = ProfileDocument(clean(title)[:100])
    pdf.set_title(clean(title)[:300])
    pdf.set_author("Inovasi KMS")
    pdf.set_subject("Buku profil inovasi pelayanan publik: " + clean(filters_text)[:200])
    _cover(pdf, title, filters_text, len(ids))
    entries: list[dict] = []
    pages = toc_pages(len(ids))
    pdf.add_page()                          # the contents start on a page of their own
    pdf.insert_toc_placeholder(lambda doc, outline: _toc(doc, entries, pages), pages=pages)
    places: dict[tuple, list] = {}
    for number, record_id in enumerate(ids, 1):
        inputs = profile_inputs(db, record_id, config)
        if inputs is None:
            continue
        first = not entries                  # the contents leave a fresh page for the first profile
        start = pdf.page_no() + (0 if first else 1)
        write_profile(pdf, inputs["record"], inputs["lineage"], inputs["score"], inputs["gaps"], inputs["hub_labels"],
                      inputs["url"], inputs["path"], config, new_page=not first)
        record = inputs["record"]
        entry = {"title": clean(record.get("title") or "(tanpa judul)"), "page": start,
                 "link": pdf.add_link(page=start)}
        entries.append(entry)
        key = (record.get("province_name") or "Tanpa provinsi", record.get("regency_name") or "(tanpa kabupaten/kota)")
        places.setdefault(key, []).append(entry)
        if progress:
            progress(number, len(ids))
    _index(pdf, places)
    return bytes(pdf.output())


def _cover(pdf: ProfileDocument, title: str, filters_text: str, count: int) -> None:
    pdf.add_page()
    pdf.set_y(70)
    pdf.set_font(FONT, "B", 24)
    pdf.multi_cell(0, 11, clean(title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font(FONT, "", 12)
    pdf.multi_cell(0, 7, f"{count} inovasi", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(0, 7, "Saringan: " + (clean(filters_text) or "semua inovasi"), align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(0, 7, "Disusun " + tanggal(dt.date.today()), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 9)
    pdf.ln(20)
    pdf.multi_cell(0, 5, "Inovasi KMS · Jaringan Inovasi Pelayanan Publik", align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)


TOC_LINE = 5.6         # mm per entry
TOC_TITLE = 12         # mm the heading takes on the first page


def toc_pages(count: int) -> int:
    """Pages the contents take for `count` entries (one line each, A4 with the margins)."""
    usable = 297 - TOP - BOTTOM
    first = int((usable - TOC_TITLE) // TOC_LINE)
    rest = int(usable // TOC_LINE)
    return 1 if count <= first else 1 + math.ceil((count - first) / rest)


def _toc(pdf: ProfileDocument, entries: list[dict], pages: int) -> None:
    start = pdf.page
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, "Daftar Isi", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT, "", 9.5)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for entry in entries:
        pdf.cell(width - 14, TOC_LINE, _fitted(pdf, entry["title"], width - 16), link=entry["link"])
        pdf.cell(14, TOC_LINE, str(entry["page"]), align="R", link=entry["link"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    while pdf.page < start + pages - 1:     # the pages reserved for the contents, filled exactly
        pdf.add_page()


def _fitted(pdf: ProfileDocument, text: str, width: float) -> str:
    """The text on one line of `width` mm in the current font, cut with "…" when it is longer."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _index(pdf: ProfileDocument, places: dict) -> None:
    pdf.add_page()
    pdf.start_section("Indeks Wilayah", level=0)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, "Indeks Wilayah", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    province = None
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for (province_name, regency_name), entries in sorted(places.items()):
        if province_name != province:
            province = province_name
            pdf.ln(2)
            pdf.set_font(FONT, "B", 11)
            pdf.multi_cell(0, 6, clean(province_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "B", 9.5)
        pdf.multi_cell(0, 5, "  " + clean(regency_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 9.5)
        for entry in entries:
            pdf.cell(width - 14, 5, _fitted(pdf, "      " + entry["title"], width - 16), link=entry["link"])
            pdf.cell(14, 5, str(entry["page"]), align="R", link=entry["link"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)


# -- jobs on the web ---------------------------------------------------------------------------
def folder(config) -> Path:
    return Path(config["DATA_DIR"]) / FOLDER


def address_key(address: str) -> str:
    """The job's owner, never stored as an address."""
    return hashlib.sha256(f"booklet:{address}".encode()).hexdigest()[:16]


def job_state(config, job: str) -> dict | None:
    return jobs.read_state(folder(config), job)


def write_state(config, job: str, **state) -> None:
    jobs.write_state(folder(config), job, **state)


def running_job(config, owner: str) -> str | None:
    """The owner's job still running (its process alive or its state fresh), if any."""
    base = folder(config)
    for path in base.glob("*.json") if base.exists() else ():
        state = job_state(config, path.stem)
        if state and state.get("owner") == owner and state.get("status") == "running" \
                and time.time() - state.get("updated", 0) < 120:
            return path.stem
    return None


def start_job(config, owner: str, args: list[tuple[str, str]], title: str) -> str:
    """Start `kms booklet` for these search parameters in its own process; answers the job id."""
    base = folder(config)
    base.mkdir(parents=True, exist_ok=True)
    _prune(base)
    job = jobs.new_job()
    write_state(config, job, owner=owner, status="running", done=0, total=None, title=title)
    command = ["booklet", "--job", job, "--title", title]
    for name, value in args:
        command += [f"--{name.replace('_', '-')}", value]
    jobs.run_kms(config, command)
    return job


def _prune(base: Path) -> None:
    cutoff = time.time() - JOB_HOURS * 3600
    for path in base.iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
