"""A store made by the code of 2026-12-01 (before the index journal; tests/fixtures, made from
commit 13c7956 with the Sulsel samples and one account) opens with today's migrations and
keeps everything."""
import gzip
import shutil

from kms.accounts import authenticate
from kms.config import load_config
from kms.db import open_db
from kms.search import engine_for, service
from kms.search.query import SearchQuery
from kms.sync import pending_ids, sync_all

FIXTURE = "tests/fixtures/store-2026-12-01.db.gz"
TABLES = ("innovations", "sources", "quarantine", "review", "replications", "users", "ingest_runs")


def counts(db) -> dict:
    return {name: db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0] for name in TABLES}


def test_an_old_store_upgrades_without_losing_anything(tmp_path):
    path = tmp_path / "kms.db"
    with gzip.open(FIXTURE) as source, open(path, "wb") as target:
        shutil.copyfileobj(source, target)
    import sqlite3
    raw = sqlite3.connect(path)
    before = {name: raw.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0] for name in TABLES}
    rows_before = raw.execute("SELECT * FROM innovations ORDER BY id").fetchall()
    old_columns = ", ".join(row[1] for row in raw.execute("PRAGMA table_info(innovations)"))
    raw.close()
    assert before["innovations"] == 108 and before["users"] == 1

    db = open_db(path)
    assert counts(db) == before
    assert db.execute(f"SELECT {old_columns} FROM innovations ORDER BY id").fetchall() == rows_before   # new columns added
    assert len(pending_ids(db)) == 108              # everything waits for the index once
    sync_all(load_config({"DATA_DIR": str(tmp_path)}), db)
    assert pending_ids(db) == []
    engine = engine_for(load_config({"DATA_DIR": str(tmp_path)}))
    assert service.search(engine, SearchQuery()).total == 108
    assert authenticate(db, "operator-sulsel", "kata-sandi-uji-123", "127.0.0.1").name == "operator-sulsel"
