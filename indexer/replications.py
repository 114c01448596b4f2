"""Replication exports (mappings with kind = "replications"), and innovation mappings with a
`replicates` field: each row names an original and a replica; both are found among the stored
records and the link is kept with its stage, dates and agencies. Rows that name a record we
do not have are quarantined with the reason."""
from __future__ import annotations

from pathlib import Path

from rapidfuzz import fuzz

from indexer.mapping import Mapping
from indexer.normalize import _mapped, _text
from indexer.report import Report, quarantine_broken
from indexer.textnorm import fold, key
from kms import records
from kms.links import LinkError, parse_stage_dates, save_link
from kms.schema import REPLICATION_STAGES

_STAGE_WORDS = {"minat": "minat", "berminat": "minat", "interest": "minat", "kesepakatan": "kesepakatan",
                "kesepahaman": "kesepakatan", "mou": "kesepakatan", "perjanjian": "kesepakatan",
                "implementasi": "implementasi", "penerapan": "implementasi", "diterapkan": "implementasi",
                "implementation": "implementasi"}


class ReferenceError_(ValueError):
    """A row naming a record that cannot be found (or not told apart); names the field."""


def parse_stage(value) -> str | None:
    if value in (None, ""):
        return None
    word = fold(str(value)).split()[0] if fold(str(value)).split() else ""
    return _STAGE_WORDS.get(word)


def _first(raw: dict, mapping: Mapping, name: str) -> str:
    values = _mapped(raw, mapping, name)
    return _text(values[0], False).strip() if values else ""


def resolve_reference(db, reference: str, title: str, unit: str, hub: str | None, field: str) -> str:
    """The stored record a row means: our id, a source id (in `hub` when the mapping names one),
    else an unambiguous title (agency or unit tells same-titled records apart)."""
    if reference:
        if reference.startswith("inv-") and records.record_exists(db, reference):
            return reference
        found = records.records_with_source_id(db, reference, hub)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ReferenceError_(f"{field}: id '{reference}' dipakai beberapa hub; sebutkan hub")
        if not title:
            where = f" di hub {hub}" if hub else ""
            raise ReferenceError_(f"{field}: tidak ada entri dengan id '{reference}'{where}")
    if not title:
        raise ReferenceError_(f"{field}: kosong (perlu id atau judul)")
    wanted = key(title)
    rows = [r for r in records.title_rows(db)
            if fuzz.ratio(key(r["title"] or ""), wanted) >= 92
            or key(r["title"] or "").endswith(wanted) and len(wanted) > 12]
    if len(rows) > 1 and unit:
        rows = [r for r in rows if fuzz.token_set_ratio(key(unit), key(f"{r['agency']} {r['unit']}")) >= 80] or rows
    if len(rows) == 1:
        return rows[0]["id"]
    if not rows:
        raise ReferenceError_(f"{field}: tidak ada entri berjudul '{title}'"
                              + (f" (id '{reference}' juga tidak dikenal)" if reference else ""))
    raise ReferenceError_(f"{field}: judul '{title}' cocok dengan {len(rows)} entri: "
                          + ", ".join(r["id"] for r in rows[:5]))


def link_from_row(db, raw: dict, mapping: Mapping) -> dict:
    """The link a row describes, with both records found; raises ReferenceError_ or LinkError."""
    hub = mapping.records_hub or None
    original = resolve_reference(db, _first(raw, mapping, "original"), _first(raw, mapping, "original_title"),
                                 _first(raw, mapping, "original_unit") or _first(raw, mapping, "original_agency"),
                                 hub, "original")
    replica = resolve_reference(db, _first(raw, mapping, "replica"), _first(raw, mapping, "replica_title"),
                                _first(raw, mapping, "replica_unit") or _first(raw, mapping, "replica_agency"),
                                hub, "replica")
    stage_text = _first(raw, mapping, "stage")
    stage = parse_stage(stage_text)
    if stage_text and stage is None:
        raise LinkError(f"stage: '{stage_text}' bukan salah satu dari {', '.join(REPLICATION_STAGES)}")
    dates = parse_stage_dates({name: _first(raw, mapping, name) for name in REPLICATION_STAGES})
    return {"original_id": original, "replica_id": replica, "stage": stage, "dates": dates,
            "original_agency": _first(raw, mapping, "original_agency") or None,
            "original_unit": _first(raw, mapping, "original_unit") or None,
            "replica_agency": _first(raw, mapping, "replica_agency") or None,
            "replica_unit": _first(raw, mapping, "replica_unit") or None}


def ingest_link_row(db, mapping: Mapping, path: Path, record, report: Report, _seen=None) -> None:
    """One row of a replication export: a confirmed link from the hub, or quarantine."""
    when = records.now_iso()
    if quarantine_broken(db, mapping, path, record, report, when):
        return
    try:
        link = link_from_row(db, record.data, mapping)
        _id, outcome = save_link(db, link.pop("original_id"), link.pop("replica_id"),
                                 origin=f"hub:{mapping.name}", status="confirmed", **link)
    except (ReferenceError_, LinkError) as exc:
        records.quarantine(db, mapping.name, path.name, record.line, f"baris {record.line}: {exc}",
                         record.data, "", when)
        report.quarantined += 1
        return
    records.release_quarantine(db, mapping.name, path.name, record.line)
    setattr(report, outcome, getattr(report, outcome) + 1)


def link_named_original(db, mapping: Mapping, raw: dict, replica_id: str, line: int, file: str) -> None:
    """An innovation row whose `replicates` field names its original: keep the link, or
    flag the row for review when the original cannot be found."""
    reference = _first(raw, mapping, "replicates")
    if not reference:
        return
    when = records.now_iso()
    try:
        original = resolve_reference(db, reference, reference, "", None, "replicates")
        save_link(db, original, replica_id, origin=f"hub:{mapping.name}", status="confirmed")
    except (ReferenceError_, LinkError) as exc:
        records.set_review(db, "value", replica_id, mapping.name, "", "replicates",
                         f"{file}:{line}: {exc}", {"replicates": reference}, when)
