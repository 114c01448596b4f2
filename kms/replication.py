"""Replication lineage: links from an original to its replicas, with stage, dates and the
agencies on both sides; where each link came from (a hub, a staff member, or detection); and
candidates detected from text that staff confirm or reject."""
from __future__ import annotations

import json

from indexer.store import now_iso, to_json
from kms.schema import REPLICATION_STAGES

DATE_FIELDS = REPLICATION_STAGES          # minat, kesepakatan, implementasi: one date each
DETECT_TEXT = 0.97                        # a later record whose narrative nearly copies an earlier one
DETECT_TITLE = 0.8                        # ...under a title this alike
DETECT_NAMED_TEXT = 0.6                   # or one that names the earlier one, less alike


STATUS_LABELS = {"confirmed": "dikonfirmasi", "candidate": "kandidat", "rejected": "ditolak"}


def origin_label(origin: str) -> str:
    """Where a link came from, in Indonesian."""
    if origin.startswith("hub:"):
        return f"data hub {origin[4:]}"
    if origin.startswith("staff:"):
        return f"dicatat staf {origin[6:]}"
    return "deteksi otomatis" if origin == "detected" else origin


class LinkError(ValueError):
    """A link that cannot be stored; the message names the field."""


def parse_stage_dates(texts: dict) -> dict[str, str | None]:
    """ISO dates for minat, kesepakatan and implementasi from text (any date spelling
    parse_date reads); LinkError names the stage whose text is not a date."""
    from indexer.values import parse_date

    dates = {}
    for name in DATE_FIELDS:
        text = (texts.get(name) or "").strip()
        dates[name] = parse_date(text) if text else None
        if text and dates[name] is None:
            raise LinkError(f"{name}: '{text}' bukan tanggal")
    return dates


def _record(db, record_id: str) -> dict | None:
    rows = list(db.query("SELECT id, title, agency, unit, regency_code, province_code, year, "
                         "start_year FROM innovations WHERE id = ?", [record_id]))
    return rows[0] if rows else None


def save_link(db, original_id: str, replica_id: str, *, origin: str, status: str = "confirmed",
              stage: str | None = None, dates: dict | None = None, original_agency=None,
              original_unit=None, replica_agency=None, replica_unit=None, score=None,
              reasons=(), user: str | None = None) -> tuple[int, str]:
    """Insert or update one link; answers (id, "new" | "updated" | "unchanged").
    A confirmed or rejected decision is never turned back into a candidate."""
    if original_id == replica_id:
        raise LinkError("original dan replika tidak boleh rekaman yang sama")
    for name, record_id in (("original", original_id), ("replica", replica_id)):
        if _record(db, record_id) is None:
            raise LinkError(f"{name}: tidak ada inovasi dengan id {record_id}")
    if stage is not None and stage not in REPLICATION_STAGES:
        raise LinkError(f"stage harus salah satu dari {', '.join(REPLICATION_STAGES)}")
    if stage is None:   # unsaid: the furthest stage with a date
        stage = next((s for s in reversed(REPLICATION_STAGES) if (dates or {}).get(s)), None)
    reverse = list(db.query("SELECT id FROM replications WHERE original_id = ? AND replica_id = ? "
                            "AND status = 'confirmed'", [replica_id, original_id]))
    if reverse and status == "confirmed":
        raise LinkError("arah terbalik: rekaman ini sudah tercatat sebagai replika dari yang lain")
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
    rows = list(db.query("SELECT * FROM replications WHERE id = ?", [link_id]))
    if not rows:
        raise LinkError(f"tidak ada tautan replikasi nomor {link_id}")
    link = rows[0]
    status = "confirmed" if accept else "rejected"
    if accept:
        reverse = list(db.query("SELECT id FROM replications WHERE original_id = ? AND replica_id = ? "
                                "AND status = 'confirmed'", [link["replica_id"], link["original_id"]]))
        if reverse:
            raise LinkError("arah terbalik sudah dikonfirmasi")
    when = now_iso()
    with db.conn:
        db["replications"].update(link_id, {"status": status, "decided_by": user, "decided_at": when})
        titles = {r["id"]: r["title"] for r in db.query(
            "SELECT id, title FROM innovations WHERE id IN (?, ?)", [link["original_id"], link["replica_id"]])}
        for record_id, role, other in ((link["original_id"], "replika", link["replica_id"]),
                                       (link["replica_id"], "inovasi asal", link["original_id"])):
            db["audit"].insert({"record_id": record_id, "user": user, "at": when, "field": "replication",
                                "before": to_json(STATUS_LABELS[link["status"]]),
                                "after": to_json(f"{STATUS_LABELS[status]}: {role} "
                                                 f"{titles.get(other, other)} ({other})")})
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
    records = {r["id"]: r for r in db.query(
        f"SELECT id, title, agency, unit, regency_code, province_code, year FROM innovations "
        f"WHERE id IN ({', '.join('?' for _ in ids)})", list(ids))} if ids else {}
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


def _earlier(a: dict, b: dict) -> bool:
    """Whether `a` came before `b`: by year (every hub gives it), then by start year."""
    if a.get("year") and b.get("year") and a["year"] != b["year"]:
        return a["year"] < b["year"]
    return bool(a.get("start_year") and b.get("start_year")) and a["start_year"] < b["start_year"]


def _different_place(a: dict, b: dict) -> bool:
    region_a = a.get("regency_code") or a.get("province_code")
    region_b = b.get("regency_code") or b.get("province_code")
    return bool(region_a and region_b) and region_a != region_b


def _close(a: dict, b: dict) -> bool:
    """Same province, or regencies whose centres lie within the neighbour radius."""
    from kms.geo import neighbours

    if a.get("province_code") and a.get("province_code") == b.get("province_code"):
        return True
    code_a, code_b = a.get("regency_code"), b.get("regency_code")
    return bool(code_a and code_b) and code_b in neighbours(code_a)


def candidate_kind(record: dict, other: dict, suggestion) -> str | None:
    """"named" when one record names the other and their narratives are alike; "copy" when a
    narrative nearly copies a nearby record's under a like title (unnamed copies far apart
    are too often one national programme run everywhere); None otherwise (or same region)."""
    parts = suggestion.parts
    if not _different_place(record, other):
        return None
    if parts["names"] and parts["text"] >= DETECT_NAMED_TEXT:
        return "named"
    if parts["text"] >= DETECT_TEXT and parts["title"] >= DETECT_TITLE and _close(record, other):
        return "copy"
    return None


def detect_candidates(db, engine, record_ids=None) -> int:
    """Look for candidate links around the given records (all when None); answers how many
    candidate links are new. A near-copy counts only when it is the record's single near-copy
    in another region: a programme many regions run alike ("Kota Layak Anak") is not a
    replication of any one of them. Confirmed and rejected links stay as people decided."""
    from kms.records import records_by_id
    from kms.similar import similar_to

    if record_ids is None:
        record_ids = [r["id"] for r in db.query("SELECT id FROM innovations")]
    found = 0
    records = records_by_id(db, record_ids)
    with db.conn:
        for record in records.values():
            named, copies = [], []
            for suggestion in similar_to(db, engine, record, limit=10):
                kind = candidate_kind(record, suggestion.record, suggestion)
                if kind:
                    (named if kind == "named" else copies).append((suggestion.record, suggestion))
            for other, suggestion in named + (copies if len(copies) == 1 else []):
                if _earlier(other, record):
                    original, replica = other, record
                elif _earlier(record, other):
                    original, replica = record, other
                else:
                    continue
                _id, outcome = save_link(db, original["id"], replica["id"], origin="detected",
                                         status="candidate", score=suggestion.score,
                                         reasons=suggestion.reasons)
                found += outcome == "new"
    return found
