"""JSON exports: a list, records nested under `records_at`, or JSON Lines."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from indexer.sources.base import SourceError, SourceRecord, decode_bytes, get_path


def read(path: Path, mapping) -> Iterator[SourceRecord]:
    """Records of a JSON or JSONL file; a broken JSONL line comes back as an error."""
    text = decode_bytes(path.read_bytes(), mapping.encoding, path)
    if not text.strip():
        raise SourceError(f"{path.name}: berkas kosong")
    if mapping.format == "jsonl":
        return _lines(text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            return _lines(text)
        raise SourceError(f"{path.name}: JSON tidak valid (baris {exc.lineno}, kolom {exc.colno}): "
                          f"{exc.msg}") from None
    records = get_path(document, mapping.records_at) if mapping.records_at else document
    if isinstance(records, dict) and not mapping.records_at:
        records = [records]
    if not isinstance(records, list):
        where = f"'{mapping.records_at}'" if mapping.records_at else "akar dokumen"
        raise SourceError(f"{path.name}: {where} bukan daftar rekaman")
    return _items(records)


def _items(records: list) -> Iterator[SourceRecord]:
    for number, item in enumerate(records, start=1):
        if isinstance(item, dict):
            yield SourceRecord(number, item)
        else:
            yield SourceRecord(number, {"_value": item}, "rekaman bukan objek JSON")


def _lines(text: str) -> Iterator[SourceRecord]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SourceRecord(number, {"_line": line[:2000]}, f"JSON tidak valid: {exc.msg}")
            continue
        if isinstance(item, dict):
            yield SourceRecord(number, item)
        else:
            yield SourceRecord(number, {"_value": item}, "rekaman bukan objek JSON")
