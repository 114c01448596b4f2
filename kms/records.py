"""Reading canonical records: one record, lists, export rows, review and quarantine items."""
from __future__ import annotations

import json
from typing import Iterator

from indexer.store import decode_record
from kms.schema import RECORD_FIELDS


def get_record(db, record_id: str) -> dict | None:
    """One canonical record with its sources, or None."""
    rows = list(db.query("SELECT * FROM innovations WHERE id = ?", [record_id]))
    if not rows:
        return None
    record = decode_record(rows[0])
    record.pop("content_hash", None)
    record["sources"] = record_sources(db, record_id)
    return record


def record_sources(db, record_id: str) -> list[dict]:
    """Provenance of a record: every source that contributed, dropped ones marked."""
    return [{"hub": r["hub"], "source_id": r["source_id"], "file": r["file"], "line": r["line"],
             "first_seen": r["first_seen"], "last_seen": r["last_seen"], "dropped_at": r["dropped_at"]}
            for r in db.query("SELECT * FROM sources WHERE record_id = ? ORDER BY first_seen, hub, "
                              "source_id", [record_id])]


def iter_records(db) -> Iterator[dict]:
    """Every canonical record with `sources` ({hub, source_id, file, line}), in id order."""
    sources: dict[str, list[dict]] = {}
    for row in db.query("SELECT record_id, hub, source_id, file, line FROM sources "
                        "WHERE dropped_at IS NULL ORDER BY first_seen, hub, source_id"):
        sources.setdefault(row["record_id"], []).append(
            {"hub": row["hub"], "source_id": row["source_id"], "file": row["file"], "line": row["line"]})
    for row in db.query("SELECT * FROM innovations ORDER BY id"):
        record = decode_record(row)
        record.pop("content_hash", None)
        record = {name: record.get(name) for name in RECORD_FIELDS}
        record["sources"] = sources.get(record["id"], [])
        yield record


def review_items(db, include_resolved: bool = False) -> list[dict]:
    """What needs a person: low-confidence regions, flagged agencies and values, merge
    conflicts, dropped sources, edit conflicts."""
    sql = "SELECT * FROM review"
    if not include_resolved:
        sql += " WHERE resolved_at IS NULL"
    items = []
    for row in db.query(sql + " ORDER BY kind, record_id, hub, source_id, field"):
        row = dict(row)
        row["detail"] = json.loads(row["detail"]) if row["detail"] else None
        items.append(row)
    return items


def quarantine_items(db) -> list[dict]:
    """What could not be ingested, with file, line and reason."""
    items = []
    for row in db.query("SELECT * FROM quarantine ORDER BY hub, file, line"):
        row = dict(row)
        row["raw"] = json.loads(row["raw"]) if row["raw"] else None
        items.append(row)
    return items


def index_documents(db, record_ids=None) -> Iterator[dict]:
    """Records with their active hubs, for the search index (all, or the given ids)."""
    params: list = []
    where = ""
    if record_ids is not None:
        record_ids = list(record_ids)
        if not record_ids:
            return
        where = f" WHERE id IN ({', '.join('?' for _ in record_ids)})"
        params = record_ids
    hubs: dict[str, list[str]] = {}
    source_where = where.replace(" WHERE id IN", " AND record_id IN")
    for row in db.query(f"SELECT record_id, hub FROM sources WHERE dropped_at IS NULL{source_where}",
                        params):
        hubs.setdefault(row["record_id"], []).append(row["hub"])
    for row in db.query(f"SELECT * FROM innovations{where} ORDER BY id", params):
        record = decode_record(row)
        record["hubs"] = hubs.get(record["id"], [])
        yield record


def records_by_id(db, record_ids) -> dict[str, dict]:
    """Canonical records (list fields decoded, no sources) for the given ids, in one query."""
    record_ids = list(dict.fromkeys(record_ids))
    out: dict[str, dict] = {}
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start:start + 500]
        sql = f"SELECT * FROM innovations WHERE id IN ({', '.join('?' for _ in chunk)})"
        for row in db.query(sql, chunk):
            record = decode_record(row)
            record.pop("content_hash", None)
            out[record["id"]] = record
    return {i: out[i] for i in record_ids if i in out}
