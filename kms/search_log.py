"""The failed-search log (table search_log): searches that found no close match, or only
partial matches, counted per query text, so staff see which synonyms or records are missing.
Only the folded query text and counts are kept: no account, address or time of a person."""
from __future__ import annotations

import re

from kms.records import now_iso

MAX_QUERY = 200
OUTCOMES = ("none", "partial")


def normal_query(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().lower())[:MAX_QUERY]


def record_search(db, text: str, no_close_match: bool, match: str) -> None:
    """Count a search with words whose answer was nothing close, or partial."""
    query = normal_query(text)
    if not query or (not no_close_match and match != "partial"):
        return
    outcome = "none" if no_close_match else "partial"
    when = now_iso()
    with db.conn:
        db.execute("INSERT INTO search_log (query, outcome, count, first_seen, last_seen) "
                   "VALUES (?, ?, 1, ?, ?) ON CONFLICT (query, outcome) DO UPDATE SET "
                   "count = count + 1, last_seen = excluded.last_seen", [query, outcome, when, when])


def failed_searches(db, outcome: str | None = None, limit: int = 200) -> list[dict]:
    """Most frequent first."""
    sql, params = "SELECT * FROM search_log", []
    if outcome:
        sql, params = sql + " WHERE outcome = ?", [outcome]
    return [dict(row) for row in db.query(sql + " ORDER BY count DESC, last_seen DESC LIMIT ?",
                                          params + [limit])]
