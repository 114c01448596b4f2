"""Stored completeness (table completeness_scores): each record's score and gaps, written when
the record changes (kms.sync, after the index) and by `kms rescore` when the rules change.
Staleness depends on today's date, so it is computed when read, never stored.

Groundwork for dashboards computed in SQL over stored scores: the pages do not read these yet.
Measured at 10k records, reading the stored rows back into the same Python rows (633 ms) is
slower than scoring again (472 ms); the gain comes only when the summaries and group tables
are SQL aggregates."""
from __future__ import annotations

import datetime as dt
import json

from kms.completeness import Completeness, Gap, Rules, check_record, is_stale
from kms.db import in_chunks
from kms.records import count_records, now_iso, record_ids as all_record_ids, records_by_id


def save_scores(db, rules: Rules, record_ids=None) -> int:
    """Score these records (all when None) with `rules` and store the results."""
    record_ids = all_record_ids(db) if record_ids is None else list(record_ids)
    when, key, count = now_iso(), rules.fingerprint, 0
    for _marks, chunk in in_chunks(record_ids):
        records = records_by_id(db, chunk)
        rows = []
        for record in records.values():
            result = check_record(record, rules)
            rows.append((record["id"], result.score, json.dumps([g.as_json() for g in result.gaps],
                                                               ensure_ascii=False), key, when))
        gone = [i for i in chunk if i not in records]
        with db.conn:
            db.conn.executemany("INSERT INTO completeness_scores (record_id, score, gaps, rules, scored_at) "
                                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET "
                                "score = excluded.score, gaps = excluded.gaps, rules = excluded.rules, "
                                "scored_at = excluded.scored_at", rows)
            for marks, dropped in in_chunks(gone):
                db.execute(f"DELETE FROM completeness_scores WHERE record_id IN ({marks})", dropped)
        count += len(rows)
    return count


def stored_results(db, rules: Rules, records: list[dict]) -> dict[str, Completeness]:
    """{id: Completeness} for the records whose stored score was made by these rules; the
    others are left out (the caller scores them)."""
    key, out, today = rules.fingerprint, {}, dt.date.today()
    by_id = {r["id"]: r for r in records}
    for marks, chunk in in_chunks(list(by_id)):
        for row in db.query(f"SELECT record_id, score, gaps FROM completeness_scores WHERE rules = ? "
                            f"AND record_id IN ({marks})", [key, *chunk]):
            record = by_id[row["record_id"]]
            gaps = tuple(Gap(**gap) for gap in json.loads(row["gaps"]))
            out[row["record_id"]] = Completeness(row["score"], gaps,
                                                 is_stale(record.get("updated_at"), rules.stale_months, today))
    return out


def outdated_count(db, rules: Rules) -> int:
    """Records without a score made by these rules (`kms rescore` fixes them)."""
    scored = db.execute("SELECT COUNT(*) FROM completeness_scores WHERE rules = ?",
                        [rules.fingerprint]).fetchone()[0]
    return max(0, count_records(db) - scored)
