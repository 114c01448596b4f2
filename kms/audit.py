"""The audit table: every staff change to a record (edits, conflict decisions, replication
links), who made it and when. The only module with the audit SQL."""
from __future__ import annotations

import json

from kms.records import to_json
from kms.schema import FIELD_LABELS


def add_audit(db, record_id: str, user: str, when: str, field: str, before, after) -> None:
    """One audit row; the caller holds the transaction."""
    db["audit"].insert({"record_id": record_id, "user": user, "at": when, "field": field,
                        "before": to_json(before), "after": to_json(after)})


def audit_trail(db, record_id: str) -> list[dict]:
    """Every staff change to the record, newest first."""
    rows = []
    for row in db.query("SELECT * FROM audit WHERE record_id = ? ORDER BY at DESC, id DESC", [record_id]):
        row = dict(row)
        row["label"] = FIELD_LABELS.get(row["field"], row["field"])
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
        rows.append(row)
    return rows
