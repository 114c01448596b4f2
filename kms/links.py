"""The replication links group (table `replications`): links from an original to its replicas,
with stage, dates and the agencies on both sides; where each link came from (a hub, a staff
member, or detection); candidates that staff confirm or reject. The only module with the
links' SQL; detection lives in kms.replication."""
from __future__ import annotations

import json

from indexer.values import parse_date
from kms.audit import add_audit
from kms.db import in_chunks
from kms.records import now_iso, record_exists, records_by_id
from kms.schema import REPLICATION_STAGES

DATE_FIELDS = REPLICATION_STAGES          # minat, kesepakatan, implementasi: one date each


STATUS_LABELS = {"confirmed": "dikonfirmasi", "candidate": "kandidat", "rejected": "ditolak"}


def origin_label(origin: str) -> str:
    """Where a link came from, in Indonesian."""
    if origin.startswith("hub:"):
        return f"data hub {origin[4:]}"
    if origin.startswith("staff:"):
        return f"dicatat staf {origin[6:]}"
    if origin == "request":
        return "permintaan replikasi"
    return "deteksi otomatis" if origin == "detected" else origin


class LinkError(ValueError):
    """A link that cannot be stored; the message names the field."""


def parse_stage_dates(texts: dict) -> dict[str, str | None]:
    """ISO dates for minat, kesepakatan and implementasi from text (any date spelling
    parse_date reads); LinkError names the stage whose text is not a date."""
    dates = {}
    for name in DATE_FIELDS:
        text = (texts.get(name) or "").strip()
        dates[name] = parse_date(text) if text else None
        if text and dates[name] is None:
            raise LinkError(f"{name}: '{text}' bukan tanggal")
    return dates


def save_link(db, original_id: str, replica_id: str, *, origin: str, status: str = "confirmed",
              stage: str | None = None, dates: dict | None = None, original_agency=None,
              original_unit=None, replica_agency=None, replica_unit=None, score=None,
              reasons=(), user: str | None = None) -> tuple[int, str]:
    """Insert or update one link; answers (id, "new" | "updated" | "unchanged").
    A confirmed or rejected decision is never turned back into a candidate."""
    if original_id == replica_id:
        raise LinkError("original dan replika tidak boleh entri yang sama")
    for name, record_id in (("original", original_id), ("replica", replica_id)):
        if not record_exists(db, record_id):
            raise LinkError(f"{name}: tidak ada inovasi dengan id {record_id}")
    if stage is not None and stage not in REPLICATION_STAGES:
        raise LinkError(f"stage harus salah satu dari {', '.join(REPLICATION_STAGES)}")
    if stage is None:   # unsaid: the furthest stage with a date
        stage = next((s for s in reversed(REPLICATION_STAGES) if (dates or {}).get(s)), None)
    reverse = list(db.query("SELECT id FROM replications WHERE original_id = ? AND replica_id = ? "
                            "AND status = 'confirmed'", [replica_id, original_id]))
    if reverse and status == "confirmed":
        raise LinkError("arah terbalik: entri ini sudah tercatat sebagai replika dari yang lain")
    dates = {name: (dates or {}).get(name) for name in DATE_FIELDS}
    row = {"original_id": original_id, "replica_id": replica_id, "stage": stage, **dates,
           "original_agency": original_agency, "original_unit": original_unit,
           "replica_agency": replica_agency, "replica_unit": replica_unit, "status": status,
           "origin": origin, "score": score, "reasons": json.dumps(list(reasons), ensure_ascii=False)}
    existing = list(db.query("SELECT * FROM replications WHERE original_id = ? AND replica_id = ?",
                             [original_id, replica_id]))
    when = now_iso()
    if not existing:
        row.update({"created_at": when, "decided_by": user if status != "candidate" else None,
                    "decided_at": when if status != "candidate" else None})
        return db["replications"].insert(row).last_pk, "new"
    old = existing[0]
    if status == "candidate":
        if old["status"] != "candidate":
            return old["id"], "unchanged"     # people decided; detection does not overrule them
        row = {"score": score, "reasons": row["reasons"]}
    else:
        # keep what the new source does not say
        row = {k: (v if v not in (None, "") else old.get(k)) for k, v in row.items()}
        row["reasons"] = old["reasons"]
        if old["status"] != status:
            row.update({"decided_by": user, "decided_at": when})
    if all(old.get(k) == v for k, v in row.items()):
        return old["id"], "unchanged"
    db["replications"].update(old["id"], row)
    return old["id"], "updated"


def decide(db, link_id: int, accept: bool, user: str) -> dict:
    """Confirm or reject a link (usually a candidate); both records get an audit row."""
    link = get_link(db, link_id)
    if link is None:
        raise LinkError(f"tidak ada tautan replikasi nomor {link_id}")
    status = "confirmed" if accept else "rejected"
    if accept:
        reverse = list(db.query("SELECT id FROM replications WHERE original_id = ? AND replica_id = ? "
                                "AND status = 'confirmed'", [link["replica_id"], link["original_id"]]))
        if reverse:
            raise LinkError("arah terbalik sudah dikonfirmasi")
    when = now_iso()
    with db.conn:
        db["replications"].update(link_id, {"status": status, "decided_by": user, "decided_at": when})
        titles = {r["id"]: r["title"] for r in records_by_id(db, [link["original_id"], link["replica_id"]]).values()}
        for record_id, role, other in ((link["original_id"], "replika", link["replica_id"]),
                                       (link["replica_id"], "inovasi asal", link["original_id"])):
            add_audit(db, record_id, user, when, "replication", STATUS_LABELS[link["status"]],
                      f"{STATUS_LABELS[status]}: {role} {titles.get(other, other)} ({other})")
    return {**link, "status": status, "decided_by": user, "decided_at": when}


def _side(row: dict, record: dict | None, prefix: str) -> dict:
    record = record or {}
    return {"id": record.get("id") or row[f"{prefix}_id"], "title": record.get("title"),
            "agency": row.get(f"{prefix}_agency") or record.get("agency"),
            "unit": row.get(f"{prefix}_unit") or record.get("unit"),
            "regency_code": record.get("regency_code"), "province_code": record.get("province_code"),
            "year": record.get("year")}


def _link_json(row: dict, side: dict) -> dict:
    return {**side, "link_id": row["id"], "stage": row["stage"],
            "dates": {name: row[name] for name in DATE_FIELDS}, "origin": row["origin"],
            "status": row["status"]}


def lineage(db, record_id: str) -> dict:
    """{"original": {...} | None, "replicas": [...], "candidates": [...]} for one record.
    Candidates are unconfirmed links in either direction."""
    rows = list(db.query("SELECT * FROM replications WHERE (original_id = ? OR replica_id = ?) "
                         "AND status != 'rejected' ORDER BY id", [record_id, record_id]))
    ids = {r["original_id"] for r in rows} | {r["replica_id"] for r in rows}
    records = records_by_id(db, sorted(ids))
    original, replicas, candidates = None, [], []
    for row in rows:
        if row["status"] == "candidate":
            other_id = row["original_id"] if row["replica_id"] == record_id else row["replica_id"]
            role = "original" if other_id == row["original_id"] else "replica"
            other = records.get(other_id, {})
            candidates.append({"id": other_id, "title": other.get("title"), "link_id": row["id"],
                               "role": role, "score": row["score"],
                               "reasons": json.loads(row["reasons"] or "[]"),
                               "regency_code": other.get("regency_code"), "year": other.get("year")})
        elif row["replica_id"] == record_id:
            original = _link_json(row, _side(row, records.get(row["original_id"]), "original"))
        else:
            replicas.append(_link_json(row, _side(row, records.get(row["replica_id"]), "replica")))
    return {"original": original, "replicas": replicas, "candidates": candidates}


def replica_counts(db) -> dict[str, int]:
    """Confirmed replicas per original (for ranking proven innovations)."""
    return {row["original_id"]: row["n"] for row in db.query(
        "SELECT original_id, COUNT(*) AS n FROM replications WHERE status = 'confirmed' "
        "GROUP BY original_id")}


def funnel_counts(db, record_id: str) -> dict[str, int]:
    """Confirmed links from this original that no replication request wrote, by the furthest
    stage they reached: {"minat", "kesepakatan", "implementasi"}, each counting those at that
    stage or beyond. A link whose stage no one gave counts as implemented (a hub that lists a
    replica says it exists)."""
    found = dict(db.execute(
        "SELECT COALESCE(stage, 'implementasi'), COUNT(*) FROM replications WHERE original_id = ? "
        "AND status = 'confirmed' AND origin != 'request' GROUP BY 1", [record_id]).fetchall())
    counts, running = {}, 0
    for stage in reversed(REPLICATION_STAGES):
        running += found.get(stage, 0)
        counts[stage] = running
    return counts


def get_link(db, link_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM replications WHERE id = ?", [link_id]))
    return dict(rows[0]) if rows else None


def candidate_count(db) -> int:
    """Candidate links waiting for a staff decision."""
    return db.execute("SELECT COUNT(*) FROM replications WHERE status = 'candidate'").fetchone()[0]


def linked_ids(db, record_ids) -> set[str]:
    """Records linked (confirmed or candidate, either direction) to any of these records."""
    out: set[str] = set()
    for marks, chunk in in_chunks(record_ids):
        for row in db.query(f"SELECT original_id, replica_id FROM replications WHERE status != 'rejected' "
                            f"AND (original_id IN ({marks}) OR replica_id IN ({marks}))", chunk + chunk):
            out |= {row["original_id"], row["replica_id"]}
    return out - set(record_ids)


def pending_candidates(db, limit: int = 200) -> list[dict]:
    """Detected replication links waiting for staff, best first, with both sides' titles."""
    found = list(db.query(
        "SELECT r.id AS link_id, r.original_id, r.replica_id, r.score, r.reasons, o.title AS original_title, "
        "x.title AS replica_title FROM replications r JOIN innovations o ON o.id = r.original_id "
        "JOIN innovations x ON x.id = r.replica_id WHERE r.status = 'candidate' ORDER BY r.score DESC, r.id "
        "LIMIT ?", [limit]))
    for row in found:
        row["reasons"] = json.loads(row["reasons"] or "[]")
    return found
