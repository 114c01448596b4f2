"""Innovation profiles as PDF (fpdf2, DejaVu Sans committed in kms/static/fonts): one A4
profile per record, and booklets of many with a table of contents and an index by region.

The layout is the one the PDF reader of the pipeline reads back from visible text alone:
"Label: value" facts under the title, each narrative section under its KIPP heading
(kms.schema.SECTIONS, one of kms.schema.PROFILE_HEADINGS), then parts that are no section
under headings the reader stops at (PROFILE_OTHER_HEADINGS). The running header and the page
numbers sit in the page margins, which the reader skips. A section with no text is left out
of the body and named under "Kelengkapan Data", so nothing is read back that was not written.
"""
from __future__ import annotations

import io
import re
import unicodedata

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from kms.config import ROOT
from kms.awards import of_record
from kms.display import tanggal
from kms.media import media_dir
from kms.schema import PROFILE_OTHER_HEADINGS, SECTIONS
from kms.search.labels import facet_label

FONT_DIR = ROOT / "kms" / "static" / "fonts"
FONT = "DejaVu"
MARGIN = 18            # mm, left and right
TOP, BOTTOM = 20, 20   # mm: the running header and the page number sit inside these margins
LINEAGE, COMPLETENESS, PROVENANCE, PHOTOS, LINK = PROFILE_OTHER_HEADINGS
INK, MUTED, ACCENT = (27, 31, 35), (74, 85, 96), (11, 83, 148)
MAX_TITLE = 600        # characters of a title shown (a hostile 2,000-character title is cut, marked)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LONG_WORD = re.compile(r"\S{60,}")


def clean(text) -> str:
    """Text safe to set: control and direction-override characters removed, NFC, and any word
    longer than a line broken every 60 characters (a 10,000-character word wraps)."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    text = "".join(ch if _renderable(ch) else "\ufffd" for ch in text)
    return _LONG_WORD.sub(lambda m: " ".join(m.group(0)[i:i + 60] for i in range(0, len(m.group(0)), 60)), text)


def _renderable(ch: str) -> bool:
    """DejaVu covers the Basic Multilingual Plane's scripts we meet; characters past it
    (emoji) would leave holes, so they are shown as U+FFFD."""
    return ord(ch) < 0x10000 or ch == "\n"


class ProfileDocument(FPDF):
    """A4 pages with the running header and "Halaman N dari M" in the margins."""

    def __init__(self, running: str):
        super().__init__(format="A4", unit="mm")
        for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf")):
            self.add_font(FONT, style, str(FONT_DIR / file))
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, BOTTOM)
        self.set_lang("id")
        self.set_creator("Inovasi KMS")
        self.running = running
        self.alias_nb_pages()

    def header(self):
        self.set_xy(MARGIN, 8)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, clean(self.running)[:110], align="L")
        self.set_text_color(*INK)
        self.set_xy(MARGIN, TOP)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"Halaman {self.page_no()} dari {{nb}}", align="C")
        self.set_text_color(*INK)

    # -- building blocks ------------------------------------------------------------------
    def heading(self, text: str, size: float = 12.5, level: int = 1):
        if self.will_page_break(16):
            self.add_page()
        self.ln(3)
        self.start_section(clean(text)[:120], level=level)
        self.set_font(FONT, "B", size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, size * 0.5, clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(1)

    def paragraph(self, text: str, size: float = 10, style: str = ""):
        self.set_font(FONT, style, size)
        self.multi_cell(0, size * 0.5, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def fact(self, label: str, value: str):
        """"Label: value" on one line (the label in bold, the value wrapping beside it)."""
        self.set_font(FONT, "B", 9.5)
        self.set_text_color(*MUTED)
        self.cell(30, 5, f"{label}:")
        self.set_text_color(*INK)
        self.set_font(FONT, "", 9.5)
        self.multi_cell(0, 5, clean(value).replace("\n", " "), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _facts(record: dict, hub_labels: dict[str, str]) -> list[tuple[str, str]]:
    region = ", ".join(v for v in (record.get("regency_name"), record.get("province_name")) if v)
    award = "; ".join(facet_label("award", a["tier"]) + (f" {a['year']}" if a.get("year") else "")
                      + (f" ({a['body']})" if a.get("body") else "") for a in of_record(record))
    sdgs = "; ".join(facet_label("sdg", str(n)) for n in record.get("sdgs") or [])
    rows = [("Instansi", record.get("agency")), ("Unit", record.get("unit")), ("Wilayah", region),
            ("Tahun", record.get("year")), ("Tahun mulai", record.get("start_year")),
            ("Penghargaan", award), ("Urusan", facet_label("sector", record["sector"]) if record.get("sector") else ""),
            ("Kategori", facet_label("category", record["category"]) if record.get("category") else ""),
            ("SDGs", sdgs), ("Tahapan", facet_label("stage", record["stage"]) if record.get("stage") else ""),
            ("Status", facet_label("status", record.get("status") or "unknown")),
            ("Inovator", record.get("innovator")), ("Kontak", record.get("contact"))]
    return [(label, str(value)) for label, value in rows if value not in (None, "")]


def write_profile(pdf: ProfileDocument, record: dict, lineage: dict, score: int, gaps: list,
                  hub_labels: dict[str, str], url: str | None, path: str, config, new_page: bool = True) -> None:
    """One record's profile on a new page (or the current one, still empty: `new_page` off);
    a booklet calls it once per record."""
    if new_page:
        pdf.add_page()
    title = clean(record.get("title") or "(tanpa judul)")
    if len(title) > MAX_TITLE:
        title = title[:MAX_TITLE] + "…"
    pdf.start_section(title[:120], level=0)
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for label, value in _facts(record, hub_labels):
        pdf.fact(label, value)
    missing = []
    for key, heading in SECTIONS.items():
        text = (record.get(key) or "").strip()
        if not text:
            missing.append(heading)
            continue
        pdf.heading(heading)
        for paragraph in re.split(r"\n\s*\n", text):
            if paragraph.strip():
                pdf.paragraph(" ".join(paragraph.split()))
    _lineage(pdf, lineage)
    pdf.heading(COMPLETENESS)
    pdf.paragraph(f"Skor kelengkapan data: {score}/100.")
    if missing:
        pdf.paragraph("Belum diisi: " + ", ".join(missing) + ".", 9.5, "I")
    elif gaps:
        pdf.paragraph("Perlu dilengkapi: " + "; ".join(g["label"] for g in gaps[:8]) + ".", 9.5, "I")
    pdf.heading(PROVENANCE)
    hubs = sorted({hub_labels.get(s["hub"], s["hub"]) for s in record.get("sources") or [] if not s.get("dropped_at")})
    pdf.paragraph("Dikirim oleh: " + (", ".join(hubs) or "—") + ". Terakhir diperbarui: "
                  + (tanggal(record.get("updated_at")) or "—") + ".")
    _photos(pdf, record.get("photos") or [], config)
    if pdf.will_page_break(50):
        pdf.add_page()
    pdf.heading(LINK)
    if url:
        pdf.set_font(FONT, "", 9.5)
        pdf.set_text_color(*ACCENT)
        pdf.multi_cell(0, 5, url, link=url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*INK)
        qr = io.BytesIO()
        try:
            segno.make(url, error="m", micro=False).save(qr, kind="png", scale=4, border=2)
            pdf.image(qr, w=28, h=28, alt_text=f"Kode QR ke {url}")
        except segno.DataOverflowError:         # an address too long for any QR code: the link alone
            pass
    else:
        pdf.paragraph(f"Alamat di situs: {path}", 9.5)


def _lineage(pdf: ProfileDocument, lineage: dict) -> None:
    original, replicas = lineage.get("original"), lineage.get("replicas") or []
    if not original and not replicas:
        return
    pdf.heading(LINEAGE)
    if original:
        pdf.paragraph(f"Replikasi dari: {original.get('title') or original['id']} ("
                      f"{original.get('agency') or 'instansi tidak diketahui'})"
                      + (f", tahap {original['stage']}" if original.get("stage") else "") + ".", 9.5)
    if replicas:
        pdf.paragraph(f"Direplikasi di {len(replicas)} tempat:", 9.5)
        for replica in replicas:
            where = facet_label("regency", replica["regency_code"]) if replica.get("regency_code") else ""
            dates = "; ".join(f"{stage} {tanggal(day)}" for stage, day in (replica.get("dates") or {}).items() if day)
            pdf.paragraph(f"• {replica.get('title') or replica['id']}: {replica.get('unit') or replica.get('agency') or '—'}"
                          + (f", {where}" if where else "") + (f", tahap {replica['stage']}" if replica.get("stage") else "")
                          + (f" ({dates})" if dates else ""), 9.5)


def _photos(pdf: ProfileDocument, photos: list, config) -> None:
    """Photos stored with the site are embedded; any URL is listed, never fetched."""
    if not photos:
        return
    pdf.heading(PHOTOS)
    folder = media_dir(config)
    for number, value in enumerate(photos, 1):
        value = str(value or "").strip()
        local = folder / value.removeprefix("media/").lstrip("/") if not re.match(r"^[a-z]+://", value) else None
        if local is not None and local.is_file() and folder.resolve() in local.resolve().parents:
            try:
                if pdf.will_page_break(62):
                    pdf.add_page()
                pdf.image(str(local), w=80, alt_text=f"Foto {number}")
                pdf.ln(2)
                continue
            except Exception:       # noqa: BLE001 - a broken image file is listed, not fatal
                pass
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(0, 4.5, f"Foto {number}: {clean(value)[:300]}", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                       link=value if value.startswith(("http://", "https://")) else "")


def profile_pdf(record: dict, lineage: dict, score: int, gaps: list, hub_labels: dict[str, str],
                url: str | None, path: str, config) -> bytes:
    """The profile of one record as PDF bytes, with its metadata."""
    title = clean(record.get("title") or "(tanpa judul)")
    pdf = ProfileDocument(f"Profil Inovasi · {title[:90]}")
    pdf.set_title(title[:300])
    pdf.set_author(clean(record.get("agency") or "")[:200])
    pdf.set_subject("Profil inovasi pelayanan publik")
    keywords = [facet_label("sector", record["sector"])] if record.get("sector") else []
    keywords += [v for v in (record.get("regency_name"), record.get("province_name")) if v]
    pdf.set_keywords(", ".join(clean(k) for k in keywords)[:300])
    write_profile(pdf, record, lineage, score, gaps, hub_labels, url, path, config)
    return bytes(pdf.output())
