"""Readers: one module per input shape, each turning a file into raw records.

A reader yields `SourceRecord`s (the line or row where the record starts, its raw data,
or the reason it is broken). A file that cannot be read at all raises `SourceError`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from indexer import limits
from indexer.sources import csv_source, json_source, pdf_source, sqldump_source, sqlite_source, xlsx_source
from indexer.sources.base import SourceError, SourceRecord, decode_bytes, get_path  # noqa: F401


def read_records(path: Path, mapping) -> Iterator[SourceRecord]:
    """The raw records of one file, read with the reader its mapping names."""
    readers = {"csv": csv_source.read, "json": json_source.read, "jsonl": json_source.read,
               "xlsx": xlsx_source.read, "pdf": pdf_source.read, "sqldump": sqldump_source.read,
               "sqlite": sqlite_source.read}
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: berkas tidak ditemukan")
    if path.is_dir():
        raise SourceError(f"{path}: ini folder, bukan berkas")
    if not path.is_file():      # /dev/zero, a pipe, a socket: no end to read to
        raise SourceError(f"{path}: bukan berkas biasa (perangkat, pipa atau soket)")
    size, most = path.stat().st_size, limits.current().file_bytes
    if size > most:
        raise SourceError(f"{path.name}: {size} byte, lebih dari batas {most} byte per berkas "
                          f"(INGEST_MAX_FILE_MB)")
    return readers[mapping.format](path, mapping)
