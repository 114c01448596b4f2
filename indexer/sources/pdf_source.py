"""PDF innovation profiles: visible text split into the narrative sections by their headings."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from indexer.sources.base import SourceError, SourceRecord
from indexer.textnorm import fold
from kms.schema import PROFILE_HEADINGS, PROFILE_OTHER_HEADINGS

# Heading spellings (folded) -> the section's name in hub mappings (one table: kms.schema).
HEADINGS = {re.sub(r"\s*/\s*", "/", fold(spelling)): spellings[0]
            for spellings in PROFILE_HEADINGS.values() for spelling in spellings}
ENDS = {fold(heading) for heading in PROFILE_OTHER_HEADINGS}     # parts that end a section
_LABEL = re.compile(r"^([A-Za-z][A-Za-z /]{1,40}?)\s*:\s*(.*)$")
HEADER_LABELS = {"judul", "judul inovasi", "nama inovasi", "nomor registrasi", "no registrasi",
                 "kode", "instansi", "unit", "upp", "unit penyelenggara", "wilayah", "lokasi",
                 "provinsi", "kabupaten/kota", "tahun", "tahun mulai", "tahun inisiasi", "tahun implementasi",
                 "tahun penerapan", "penghargaan", "urusan", "kategori", "inovator", "kontak", "video",
                 "status", "tahapan", "sdgs", "tpb", "jenis inovasi", "jenis instansi", "digital",
                 "bentuk inovasi"}
MARGIN_SHARE = 0.04     # text this close to the top or bottom edge (running headers, page numbers) is
                        # no content: about 12 mm of an A4 page


def _heading(line: str) -> str | None:
    """The section a heading line opens; ENDED for a heading of another part; None for text."""
    folded = fold(line).rstrip(":").strip()
    folded = re.sub(r"^(\d+|[a-h]|[ivx]+)[.)]\s*", "", folded)
    folded = re.sub(r"\s*/\s*", "/", folded)
    if folded in ENDS:
        return ENDED
    return HEADINGS.get(folded)


ENDED = ""          # _heading: a part that is no section (its text belongs to no field)


def parse_profile(text: str) -> dict[str, str]:
    """Header fields ("Label: value") and sections from the visible text of a profile."""
    record: dict[str, str] = {}
    current = None
    last_label = None
    title_lines: list[str] = []
    body: dict[str, list[str]] = {}
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line:
            if current:
                body[current].append("")
            continue
        heading = _heading(line)
        if heading == ENDED:
            current = ENDED          # what follows is read into no field
            continue
        if heading:
            current = heading
            body.setdefault(current, [])
            continue
        if current == ENDED:
            continue
        if current is None:
            label = _LABEL.match(line)
            if label and fold(label.group(1)) in HEADER_LABELS:
                last_label = label.group(1).strip()
                record[last_label] = label.group(2).strip()
            elif last_label is None:
                title_lines.append(line)          # the title comes first and may wrap
            else:
                record[last_label] = f"{record[last_label]} {line}".strip()
            continue
        body[current].append(line)
    if title_lines and "Judul" not in record:
        record["Judul"] = " ".join(title_lines)
    for name, lines in body.items():
        paragraphs = "\n".join(lines).split("\n\n")
        text_value = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
        record[name] = (record.get(name, "") + "\n\n" + text_value).strip()
    return record


def _body_text(page) -> str:
    """A page's visible text without what sits in its top and bottom margins (running
    headers, footers, page numbers): those lines are found by where they are drawn."""
    height = float(page.mediabox.height)
    bottom = float(page.mediabox.bottom)
    margin_text: list[str] = []

    def visit(text, cm, tm, _font, _size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and not (bottom + height * MARGIN_SHARE <= y <= bottom + height * (1 - MARGIN_SHARE)):
            margin_text.append(" ".join(text.split()))

    text = page.extract_text(visitor_text=visit) or ""
    if not margin_text:
        return text
    dropped = set(margin_text)
    return "\n".join(line for line in text.splitlines() if " ".join(line.split()) not in dropped)


def read(path: Path, mapping) -> Iterator[SourceRecord]:
    """One record per PDF profile."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise SourceError(f"{path.name}: PDF terenkripsi (dilindungi kata sandi)")
        text = "\n".join(_body_text(page) for page in reader.pages)
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SourceError(f"{path.name}: PDF rusak atau tidak dapat dibaca ({exc})") from None
    if not text.strip():
        raise SourceError(f"{path.name}: PDF tidak berisi teks yang dapat dibaca (hasil pindai?)")
    return iter([SourceRecord(1, parse_profile(text))])
