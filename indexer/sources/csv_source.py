"""CSV exports: any delimiter, UTF-8 (with or without BOM) or Windows-1252."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterator

from indexer.sources.base import SourceError, SourceRecord, decode_bytes

DELIMITERS = ",;\t|"


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample, from its header line."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def read(path: Path, mapping) -> Iterator[SourceRecord]:
    """Rows as dicts keyed by header; rows with the wrong column count come back as errors."""
    text = decode_bytes(path.read_bytes(), mapping.encoding, path)
    if not text.strip():
        raise SourceError(f"{path.name}: berkas kosong")
    delimiter = mapping.delimiter or sniff_delimiter(text[:8192])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise SourceError(f"{path.name}: baris judul kolom rusak: {exc}") from None
    if len([h for h in header if h]) < 2:
        raise SourceError(f"{path.name}: baris judul kolom tidak dikenali (pemisah '{delimiter}')")
    seen: set[str] = set()
    for name in header:
        if name and name.lower() in seen:     # which of the two is meant? refuse rather than guess
            raise SourceError(f"{path.name}: kolom '{name}' muncul dua kali di baris judul")
        seen.add(name.lower())
    return _rows(reader, header, path)


def _shape(cell: str) -> str:
    """A cell's pattern: letters a, digits 9 (A001 and A002 share one, 7 and 2019 do not)."""
    return re.sub(r"[0-9]", "9", re.sub(r"[^\W\d_]", "a", cell.strip()))


def _swallowed_row(row: list[str], header: list[str], delimiter: str) -> str | None:
    """A line inside a multi-line cell that looks like a row of its own (it starts with a cell
    shaped like this row's first, then a delimiter): an unbalanced quote has joined rows that
    should have been separate, and one of them would be lost inside the other."""
    first = _shape(row[0]) if row else ""
    if not first or len(header) < 3:
        return None
    for cell in row[1:]:
        for inner in cell.splitlines()[1:]:
            parts = inner.split(delimiter)
            if len(parts) > 1 and _shape(parts[0]) == first:
                return inner
    return None


def _rows(reader, header: list[str], path: Path) -> Iterator[SourceRecord]:
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield SourceRecord(line, {}, f"baris CSV rusak: {exc}")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        swallowed = _swallowed_row(row, header, reader.dialect.delimiter) if line - start > 1 else None
        if swallowed:
            raw = dict(zip(header, row))
            yield SourceRecord(start, raw, f"baris {start}-{line - 1} terbaca sebagai satu entri: tanda kutip "
                                           f"tidak seimbang? Di dalamnya ada baris yang tampak seperti entri "
                                           f"tersendiri ('{swallowed[:60]}')")
            continue
        if len(row) != len(header):
            raw = dict(zip(header, row))
            raw["_cells"] = row
            yield SourceRecord(start, raw, f"jumlah kolom {len(row)}, seharusnya {len(header)} "
                                           f"(kutipan atau pemisah rusak?)")
            continue
        yield SourceRecord(start, dict(zip(header, row)))
