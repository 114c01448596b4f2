"""Excel exports (.xlsx): first or named sheet, header row found, merged cells filled."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Iterator

from indexer import limits
from indexer.sources.base import SourceError, SourceRecord

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"
HEADER_SEARCH_ROWS = 20


def _open(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(_OLE_SIGNATURE):
        raise SourceError(f"{path.name}: berkas Excel terenkripsi (dilindungi kata sandi) atau format "
                          f".xls lama; simpan ulang sebagai .xlsx tanpa kata sandi")
    try:
        _check_zip(path)
        _check_dimensions(path, load_workbook)
        return load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, NotImplementedError,
            EOFError) as exc:
        raise SourceError(f"{path.name}: bukan berkas .xlsx yang valid ({type(exc).__name__}: {exc})") from None


def _check_zip(path: Path) -> None:
    with zipfile.ZipFile(path) as book:
        infos = book.infolist()
        packed = sum(i.compress_size for i in infos) or 1
        unpacked = sum(i.file_size for i in infos)
        if any(i.flag_bits & 0x1 for i in infos):
            raise SourceError(f"{path.name}: bagian berkas terenkripsi; simpan ulang tanpa kata sandi")
        most = limits.current()
        if unpacked > most.unzipped_bytes or unpacked / packed > most.zip_ratio:
            raise SourceError(f"{path.name}: isi terurai {unpacked} byte dari {packed} byte (rasio "
                              f"{unpacked / packed:.0f}); terlalu besar untuk dibaca (batas "
                              f"INGEST_MAX_UNZIPPED_MB, INGEST_MAX_ZIP_RATIO)")


def _check_dimensions(path: Path, load_workbook) -> None:
    """Each sheet's declared size, read without loading its cells."""
    most = limits.current()
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            rows, columns = sheet.max_row or 0, sheet.max_column or 0
            if rows > most.sheet_rows or columns > most.sheet_columns:
                raise SourceError(f"{path.name}: lembar '{sheet.title}' berukuran {rows} baris x {columns} "
                                  f"kolom, lebih dari {most.sheet_rows} x {most.sheet_columns} "
                                  f"(INGEST_MAX_SHEET_ROWS, INGEST_MAX_SHEET_COLUMNS)")
    finally:
        book.close()


def _grid(sheet) -> list[list]:
    """Cell values with every merged range filled with its top-left value."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):      # a range past the
            row = rows[r - 1]                                                      # data fills nothing
            for c in range(merged.min_col, min(merged.max_col, len(row)) + 1):
                row[c - 1] = value
    return rows


def _mapped_columns(mapping) -> set[str]:
    names = {c.strip().lower() for columns in mapping.fields.values() for c in columns}
    if mapping.id:
        names.add(mapping.id.strip().lower())
    return names


def find_header(rows: list[list], mapping) -> int:
    """Index of the header row: the one among the first rows naming most mapped columns."""
    wanted = _mapped_columns(mapping)
    best, best_score = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = {str(c).strip().lower() for c in row if isinstance(c, str) and c.strip()}
        score = len(cells & wanted) * 10 + len(cells)
        if len(cells) >= 2 and score > best_score:
            best, best_score = index, score
    if best is None:
        raise SourceError("baris judul kolom tidak ditemukan")
    return best


def _value(cell):
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell


def read(path: Path, mapping) -> Iterator[SourceRecord]:
    """Rows below the header as dicts; dates become ISO dates."""
    workbook = _open(path)
    if mapping.sheet:
        if mapping.sheet not in workbook.sheetnames:
            raise SourceError(f"{path.name}: lembar '{mapping.sheet}' tidak ada "
                              f"(ada: {', '.join(workbook.sheetnames)})")
        sheet = workbook[mapping.sheet]
    else:
        sheet = workbook.worksheets[0]
    rows = _grid(sheet)
    if not any(any(c not in (None, "") for c in row) for row in rows):
        raise SourceError(f"{path.name}: lembar '{sheet.title}' kosong")
    try:
        header_index = find_header(rows, mapping)
    except SourceError as exc:
        raise SourceError(f"{path.name}: {exc}") from None
    header = [str(c).strip() if c is not None else f"kolom_{i + 1}"
              for i, c in enumerate(rows[header_index])]
    return _records(rows, header_index, header)


def _records(rows, header_index, header) -> Iterator[SourceRecord]:
    for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        if not any(c not in (None, "") for c in row):
            continue
        yield SourceRecord(offset, {h: _value(c) for h, c in zip(header, row)})
