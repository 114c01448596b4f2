"""One way from store to index: the journal (kms.schema.create_index_journal) says which
records changed; `sync` brings the index, the similarity signatures and candidate detection
in step and clears the journal only after the index has committed. A crash or kill at any
point leaves at most a delay: the next `sync` (every command that reads or writes the index
calls it first, and `kms serve` before it listens) finishes the work."""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from kms.completeness import RulesError, default_rules
from kms.config import setting
from kms.filelock import file_lock
from kms.indexing import index_current, rebuild_index, update_index
from kms.replication import detect_candidates
from kms.scores import save_scores
from kms.search import engine_for
from kms.search.engine import IndexDamaged

log = logging.getLogger(__name__)
DETECT_LIMIT = 5000    # larger changes leave detection to `kms detect-replications`


@dataclass
class SyncReport:
    changed: int = 0            # records brought in step
    rebuilt: bool = False       # the whole index was rebuilt (missing, damaged, other version)
    documents: int | None = None    # documents in the rebuilt index
    detected: int = 0           # new replication candidates
    detection_skipped: bool = False
    index_seconds: float = 0.0      # time spent writing the index
    score_seconds: float = 0.0      # time spent scoring completeness


def pending_ids(db, up_to: int | None = None) -> list[str]:
    sql, params = "SELECT DISTINCT record_id FROM index_journal", []
    if up_to is not None:
        sql, params = sql + " WHERE seq <= ?", [up_to]
    return sorted(row[0] for row in db.execute(sql, params).fetchall())


def state(db, key: str) -> str | None:
    row = db.execute("SELECT value FROM index_state WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_state(db, key: str, value: str | None) -> None:
    with db.conn:
        if value is None:
            db.execute("DELETE FROM index_state WHERE key = ?", [key])
        else:
            db.execute("INSERT INTO index_state (key, value) VALUES (?, ?) ON CONFLICT (key) "
                       "DO UPDATE SET value = excluded.value", [key, value])


def report_damage(db, message: str) -> None:
    """Record that the index files could not be read (every process then answers 503 until
    the rebuild that follows clears it)."""
    if state(db, "damaged") is None:
        set_state(db, "damaged", f"{dt.datetime.now(dt.timezone.utc).isoformat()} {message}"[:500])


def needs_rebuild(db, engine) -> bool:
    """Damage reported, a restored backup (its `rebuild` mark), or an index missing or of
    another analysis version."""
    return state(db, "damaged") is not None or state(db, "rebuild") is not None \
        or not index_current(engine)


def sync(db, engine, detect: bool = True, progress=None, rebuild: bool = False) -> SyncReport:
    """Bring everything derived from the store in step with it (`rebuild`: the whole index,
    whatever its state)."""
    report = SyncReport()
    top = db.execute("SELECT MAX(seq) FROM index_journal").fetchone()[0]
    ids = pending_ids(db, top) if top is not None else []
    with sync_lock(db):
        reason = "indeks dibangun ulang dari basis data…"
        rebuild = rebuild or needs_rebuild(db, engine)
        started = time.perf_counter()
        if not rebuild and ids:
            try:
                update_index(db, engine, ids)
            except IndexDamaged as exc:
                report_damage(db, str(exc))
                reason, rebuild = "indeks rusak; dibangun ulang dari basis data…", True
        if not rebuild and ids and _stale(engine):
            # relevance must not depend on what was deleted before: an engine that counts deleted
            # documents (tantivy) is rebuilt from the store while it is small enough
            reason, rebuild = "indeks dipadatkan…", True
        if rebuild:
            if progress:
                progress(reason)
            report.documents = rebuild_index(db, engine)
            report.rebuilt = True
        report.changed = len(ids)
        report.index_seconds = time.perf_counter() - started
        started = time.perf_counter()
        try:
            rules = default_rules()
        except RulesError as exc:       # a broken rules file stops scoring, never the index
            log.warning("completeness not scored: %s", exc)
        else:
            save_scores(db, rules, None if report.rebuilt else ids)
        report.score_seconds = time.perf_counter() - started
        if detect and ids:
            if len(ids) > DETECT_LIMIT:
                report.detection_skipped = True
            else:
                report.detected = detect_candidates(db, engine, ids)
        with db.conn:
            if top is not None:
                db.execute("DELETE FROM index_journal WHERE seq <= ?", [top])
        if report.rebuilt or ids:
            generation = int(state(db, "generation") or 0) + 1
            set_state(db, "generation", str(generation))
        if report.rebuilt:
            set_state(db, "damaged", None)
            set_state(db, "rebuild", None)
    return report


def _stale(engine) -> bool:
    stale = getattr(engine, "stale_statistics", None)
    limit = int(setting("INDEX_COMPACT_BELOW"))
    return stale is not None and stale() > 0 and engine.document_count() <= limit


def sync_all(config, db, progress=None) -> SyncReport:
    """`sync` with the configured engine."""
    return sync(db, engine_for(config), progress=progress)


def sync_lock(db):
    """One sync at a time across processes (two would index the same changes twice); the
    lock file sits beside the store."""
    row = next((r for r in db.execute("PRAGMA database_list").fetchall() if r[1] == "main"), None)
    return file_lock(Path(row[2]).with_name("sync.lock") if row and row[2] else Path("sync.lock"))
