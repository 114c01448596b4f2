"""`kms backup FILE`: a consistent copy of the store while the site runs (SQLite's online
backup API), with the index generation it matched recorded in the copy.

A copy, once put back as DATA_DIR/kms.db, never trusts the index folder beside it (that index
may hold later changes): it carries a `rebuild` mark, so the first sync (`kms serve` before it
listens, or any index command) rebuilds the index from the restored records.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

from kms.records import count_records
from kms.sync import state


def backup_store(db, target: str | Path) -> dict:
    """Write the copy to `target` (atomically: a partial copy never takes its name); answers
    {records, generation, at, bytes}."""
    target = Path(target)
    source = next((row[2] for row in db.execute("PRAGMA database_list").fetchall() if row[1] == "main"), "")
    if source and target.exists() and target.resolve() == Path(source).resolve():
        raise ValueError("the backup cannot overwrite the store itself")
    if target.is_dir():
        raise ValueError(f"{target} is a folder; name the backup file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    info = {"at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
            "generation": int(state(db, "generation") or 0), "records": count_records(db)}
    copy = sqlite3.connect(partial)
    try:
        db.conn.backup(copy)
        with copy:
            for key, value in (("backup", json.dumps(info)),
                               ("rebuild", f"restored from the backup of {info['at']}")):
                copy.execute("INSERT INTO index_state (key, value) VALUES (?, ?) ON CONFLICT (key) "
                             "DO UPDATE SET value = excluded.value", [key, value])
        copy.execute("PRAGMA journal_mode = DELETE")    # one self-contained file
    finally:
        copy.close()
    os.replace(partial, target)
    info["bytes"] = target.stat().st_size
    return info
