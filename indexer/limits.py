"""What one ingest accepts, each limit a setting (`kms settings`, `KMS_INGEST_MAX_*`): beyond a
file limit the file is refused whole, beyond a record limit the record is quarantined; each
with its reason, naming the limit."""
from __future__ import annotations

from dataclasses import dataclass

from kms.config import setting


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    field_chars: int
    record_chars: int
    nesting: int
    sheet_rows: int
    sheet_columns: int
    unzipped_bytes: int
    zip_ratio: int


def current() -> Limits:
    """The limits the settings give now (read again by each ingest: a test or an operator may
    change them between runs)."""
    return Limits(file_bytes=int(setting("INGEST_MAX_FILE_MB")) * 2**20,
                  field_chars=int(setting("INGEST_MAX_FIELD_KB")) * 1024,
                  record_chars=int(setting("INGEST_MAX_RECORD_KB")) * 1024,
                  nesting=int(setting("INGEST_MAX_NESTING")),
                  sheet_rows=int(setting("INGEST_MAX_SHEET_ROWS")),
                  sheet_columns=int(setting("INGEST_MAX_SHEET_COLUMNS")),
                  unzipped_bytes=int(setting("INGEST_MAX_UNZIPPED_MB")) * 2**20,
                  zip_ratio=int(setting("INGEST_MAX_ZIP_RATIO")))


def depth(value, stop: int) -> int:
    """How deep lists and tables nest in `value` (a bare value: 0), counted up to stop + 1."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            level += 1
            if level > deepest:
                deepest = level
                if deepest > stop:
                    return deepest
            stack.extend((v, level) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def size(value) -> tuple[int, str]:
    """(characters of text and numbers in a record, the key holding the most of them)."""
    total, largest, largest_key = 0, -1, ""
    for key, item in (value.items() if isinstance(value, dict) else enumerate([value])):
        n = _chars(item)
        total += n
        if n > largest:
            largest, largest_key = n, str(key)
    return total, largest_key


def _chars(value) -> int:
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif item is not None:
            total += len(item) if isinstance(item, str) else len(str(item))
    return total
