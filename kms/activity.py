"""The activity log (table activity_log): each step of a submission or a competition, with who
took it, when and what it was, so the hub's work can be accounted for (edits of records have
their own audit trail, kms.audit)."""
from __future__ import annotations

from kms.db import rows
from kms.records import now_iso

KINDS = ("submission", "competition")


def log(db, kind: str, ref: int, user: str, action: str, detail: str = "") -> None:
    """One step; the caller holds the transaction (or none: then it is written at once)."""
    db.execute("INSERT INTO activity_log (kind, ref, user, at, action, detail) VALUES (?, ?, ?, ?, ?, ?)",
               [kind, ref, user, now_iso(), action, detail or None])


def history(db, kind: str, ref: int) -> list[dict]:
    """Newest first."""
    return list(rows(db, "SELECT user, at, action, detail FROM activity_log WHERE kind = ? AND ref = ? "
                         "ORDER BY id DESC", [kind, ref]))
