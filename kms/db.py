"""Opening the store: one connection per request or command, migrated on open."""
from __future__ import annotations

from pathlib import Path

import sqlite_utils

from kms.schema import migrate


_MIGRATED: set[str] = set()      # stores migrated by this process: once per process, not per request


def open_db(path: str | Path) -> sqlite_utils.Database:
    """A migrated sqlite-utils Database at `path` (WAL, so readers never wait for a writer)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    existed = path.exists()
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    key = str(path.resolve())
    if key not in _MIGRATED or not existed:
        migrate(db)
        _MIGRATED.add(key)
    return db


CHUNK = 500     # SQLite allows 999 parameters in older builds; stay well under


def in_chunks(values, size: int = CHUNK):
    """`(placeholders, chunk)` pairs for `... IN ({placeholders})` over any number of values,
    in order, without repeats: the one way this project builds an IN list."""
    values = list(dict.fromkeys(values))
    for start in range(0, len(values), size):
        chunk = values[start:start + size]
        yield ", ".join("?" for _ in chunk), chunk


def upsert_sql(table: str, names, key: str) -> str:
    """INSERT of these columns that updates every one but `key` when the row exists."""
    names = list(names)
    return (f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT ({key}) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in names if n != key)}")


def rows(db, sql: str, params=()):
    """The rows of one SELECT as dicts, straight from the connection: sqlite-utils' `query`
    wraps every statement in a savepoint, three statements where the ingest's hot paths need
    one."""
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row))
