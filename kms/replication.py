"""Detecting candidate replications from text: a later record in another region whose
narrative names or nearly copies an earlier one becomes a candidate link (kms.links) that
staff confirm or reject."""
from __future__ import annotations

from kms.geo import neighbours
from kms.links import save_link
from kms.records import record_ids as all_record_ids, records_by_id
from kms.similar import similar_to

DETECT_TEXT = 0.97                        # a later record whose narrative nearly copies an earlier one
DETECT_TITLE = 0.8                        # ...under a title this alike
DETECT_NAMED_TEXT = 0.6                   # or one that names the earlier one, less alike


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
    if record_ids is None:
        record_ids = all_record_ids(db)
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
