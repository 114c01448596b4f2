"""PDF innovation profiles: visible text split into the narrative sections by their headings."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from indexer.sources.base import SourceError, SourceRecord
from indexer.textnorm import fold

# Heading spellings (folded) -> the canonical heading name the mapping refers to.
HEADINGS = {
    "ringkasan": "Ringkasan", "ringkasan inovasi": "Ringkasan", "deskripsi": "Ringkasan",
    "latar belakang": "Latar Belakang", "latar belakang dan tujuan": "Latar Belakang",
    "tujuan": "Tujuan", "tujuan inovasi": "Tujuan",
    "kebaruan": "Kebaruan", "kebaruan dan keunikan": "Kebaruan", "keunikan": "Kebaruan",
    "implementasi": "Implementasi", "pelaksanaan": "Implementasi",
    "signifikansi": "Signifikansi", "signifikansi/dampak": "Signifikansi",
    "signifikansi dan dampak": "Signifikansi", "dampak": "Signifikansi",
    "evaluasi dan dampak": "Signifikansi", "manfaat": "Signifikansi",
    "adaptabilitas": "Adaptabilitas", "adaptabilitas/replikasi": "Adaptabilitas",
    "adaptasi/replikasi": "Adaptabilitas", "replikasi": "Adaptabilitas",
    "sumber daya": "Sumber Daya", "sumber daya dan keberlanjutan": "Sumber Daya",
    "keberlanjutan": "Keberlanjutan", "strategi keberlanjutan": "Keberlanjutan",
}
_LABEL = re.compile(r"^([A-Za-z][A-Za-z /]{1,40}?)\s*:\s*(.*)$")
HEADER_LABELS = {"judul", "judul inovasi", "nama inovasi", "nomor registrasi", "no registrasi",
                 "kode", "instansi", "unit", "upp", "unit penyelenggara", "wilayah", "lokasi",
                 "provinsi", "kabupaten/kota", "tahun", "penghargaan", "urusan", "kategori",
                 "inovator", "kontak", "video", "status", "tahapan", "sdgs", "jenis inovasi"}


def _heading(line: str) -> str | None:
    folded = fold(line).rstrip(":").strip()
    folded = re.sub(r"^(\d+|[a-h]|[ivx]+)[.)]\s*", "", folded)
    folded = re.sub(r"\s*/\s*", "/", folded)
    return HEADINGS.get(folded)


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
        if heading:
            current = heading
            body.setdefault(current, [])
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


def read(path: Path, mapping) -> Iterator[SourceRecord]:
    """One record per PDF profile."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise SourceError(f"{path.name}: PDF terenkripsi (dilindungi kata sandi)")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SourceError(f"{path.name}: PDF rusak atau tidak dapat dibaca ({exc})") from None
    if not text.strip():
        raise SourceError(f"{path.name}: PDF tidak berisi teks yang dapat dibaca (hasil pindai?)")
    return iter([SourceRecord(1, parse_profile(text))])
