"""An SQLite file from a hub, opened read-only with `trusted_schema` off (the file is
untrusted: no function of its views or triggers runs), its tables read for the mapping's
main table and joins."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from indexer.sources.base import SourceError, SourceRecord
from indexer.sources.relational import Tables, assemble


def read_tables(path: Path, wanted: set[str]) -> Tables:
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise SourceError(f"{path.name}: bukan berkas SQLite yang dapat dibuka ({exc})") from None
    try:
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.execute("PRAGMA query_only = ON")
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        tables: Tables = {}
        for name in sorted(wanted & names):
            cursor = connection.execute(f'SELECT * FROM "{name.replace(chr(34), chr(34) * 2)}"')
            columns = [d[0] for d in cursor.description]
            tables[name] = [(number, dict(zip(columns, row))) for number, row in enumerate(cursor, start=1)]
        for name in names - wanted:
            tables.setdefault(name, [])        # named in messages about a missing table
        return tables
    except sqlite3.DatabaseError as exc:
        raise SourceError(f"{path.name}: berkas SQLite rusak atau tidak dapat dibaca ({exc})") from None
    finally:
        connection.close()


def read(path: Path, mapping) -> Iterator[SourceRecord]:
    wanted = {mapping.table, *(join["table"] for join in mapping.joins.values())}
    return assemble(read_tables(path, wanted), mapping, [], path.name)
