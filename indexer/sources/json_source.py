"""JSON exports: a list, records nested under `records_at`, or JSON Lines."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from indexer import limits
from indexer.sources.base import SourceError, SourceRecord, decode_bytes, get_path


def read(path: Path, mapping) -> Iterator[SourceRecord]:
    """Records of a JSON or JSONL file; a broken JSONL line comes back as an error."""
    text = decode_bytes(path.read_bytes(), mapping.encoding, path)
    if not text.strip():
        raise SourceError(f"{path.name}: berkas kosong")
    if mapping.format == "jsonl":
        return _lines(text)
    try:
        document = _loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            return _lines(text)
        raise SourceError(f"{path.name}: JSON tidak valid (baris {exc.lineno}, kolom {exc.colno}): "
                          f"{exc.msg}") from None
    except (ValueError, RecursionError) as exc:
        raise SourceError(f"{path.name}: JSON tidak dapat dipakai: {_why(exc)}") from None
    records = get_path(document, mapping.records_at) if mapping.records_at else document
    if isinstance(records, dict) and not mapping.records_at:
        records = [records]
    if not isinstance(records, list):
        where = f"'{mapping.records_at}'" if mapping.records_at else "akar dokumen"
        raise SourceError(f"{path.name}: {where} bukan daftar entri")
    return _items(records)


class BadNumber(str):
    """NaN, Infinity or a number too large for a float, as the file wrote it: Python's json
    would take them as floats; the record holding one is quarantined naming the field."""


def _finite(text: str):
    value = float(text)
    return BadNumber(text[:40]) if value in (float("inf"), float("-inf")) else value


def _loads(text: str):
    return json.loads(text, parse_constant=BadNumber, parse_float=_finite)


def _bad_number(value, where: str = "", depth: int = 0) -> str | None:
    """The dotted key of the first BadNumber in a record, or None."""
    if isinstance(value, BadNumber):
        return f"{where or 'nilai'} = {value}"
    if depth > 50:
        return None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _bad_number(item, f"{where}.{key}" if where else str(key), depth + 1)
        if found:
            return found
    return None


def _record(number: int, item, nesting: int) -> SourceRecord:
    if not isinstance(item, dict):
        return SourceRecord(number, {"_value": str(item)[:2000]}, "entri bukan objek JSON")
    levels = limits.depth(item, nesting)
    if levels > nesting:
        return SourceRecord(number, {"_value": _shown(item)},
                            f"daftar dan tabel bersarang lebih dari {nesting} tingkat (INGEST_MAX_NESTING)")
    bad = _bad_number(item)
    if bad:
        return SourceRecord(number, {k: str(v) for k, v in item.items()},
                            f"angka tidak sah (NaN, Infinity atau terlalu besar): {bad}")
    return SourceRecord(number, item)


def _shown(item) -> str:
    try:
        return json.dumps(item, ensure_ascii=False)[:2000]
    except (RecursionError, ValueError):
        return "(bersarang terlalu dalam untuk ditampilkan)"


def _why(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "bersarang terlalu dalam"
    return str(exc)


def _items(records: list) -> Iterator[SourceRecord]:
    nesting = limits.current().nesting
    for number, item in enumerate(records, start=1):
        yield _record(number, item, nesting)


def _lines(text: str) -> Iterator[SourceRecord]:
    nesting = limits.current().nesting
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = _loads(line)
        except json.JSONDecodeError as exc:
            yield SourceRecord(number, {"_line": line[:2000]}, f"JSON tidak valid: {exc.msg}")
            continue
        except (ValueError, RecursionError) as exc:
            yield SourceRecord(number, {"_line": line[:2000]}, f"JSON tidak dapat dipakai: {_why(exc)}")
            continue
        yield _record(number, item, nesting)
