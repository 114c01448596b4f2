"""`kms renormalize`: normalization and merging again, from the raw payloads the store keeps,
so what the normalizer learnt since (aliases, registries, casing, review rules) reaches
records ingested before.

Each active source is normalized again with its hub's mapping; a source whose fields come out
the same is left alone (its record keeps its `updated_at`); one that changed is saved and its
record merged again from all its sources, staff overrides applied on top as at ingest (they
are never touched). Review items are refreshed the way an ingest refreshes them. Records
renamed to a new canonical agency carry the accounts scoped to the old name along. Changed
records go through the index journal like any write, so the index follows at the next sync.
A hub's mapping is its bundled one (data/hubs/), else the one it was last ingested with (kept
in the store); sources of a hub with neither are counted and left as they are.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from indexer.agencies import normalize_agency
from indexer.mapping import Mapping, MappingError, hub_mapping, mapping_from_text, with_decisions
from indexer.normalize import RecordError, normalize_record
from indexer.pipeline import save_issues
from indexer.site_records import mapping_for_source
from kms import accounts, records

BATCH = 200


@dataclass
class Renormalized:
    sources: int = 0
    changed_sources: int = 0
    changed_records: set[str] = field(default_factory=set)
    unchanged: int = 0
    failed: list[dict] = field(default_factory=list)          # {hub, source_id, reason}
    no_mapping: Counter = field(default_factory=Counter)       # hub -> sources left as they are
    fields_changed: Counter = field(default_factory=Counter)   # field -> records
    scopes_renamed: list[tuple[str, str, int]] = field(default_factory=list)   # (old, new, accounts)

    def as_json(self) -> dict:
        return {"sources": self.sources, "changed_sources": self.changed_sources,
                "changed_records": len(self.changed_records), "unchanged": self.unchanged,
                "failed": self.failed, "no_mapping": dict(self.no_mapping),
                "fields_changed": dict(self.fields_changed),
                "scopes_renamed": [{"old": o, "new": n, "accounts": c} for o, n, c in self.scopes_renamed]}


def renormalize(db, hub: str | None = None, mappings: dict[str, Mapping] | None = None) -> Renormalized:
    """Normalize every active source (of `hub`, or all) again; `mappings` by hub name override
    the bundled ones."""
    report = Renormalized()
    found = {name: _decided(db, name, mapping) for name, mapping in (mappings or {}).items()}
    renamed: dict[str, Counter] = defaultdict(Counter)      # old agency -> new agency -> records
    when = records.now_iso()
    for batch in records.active_source_batches(db, hub, BATCH):
        with db.atomic():
            for row in batch:
                report.sources += 1
                mapping = mapping_for_source(row["hub"], row["source_id"], _mapping(db, found, row["hub"]))
                if mapping is None:
                    report.no_mapping[row["hub"]] += 1
                    continue
                _one(db, mapping, row, when, report, renamed)
    _follow_renames(db, renamed, report)
    return report


def _follow_renames(db, renamed: dict, report: Renormalized, spellings_only: bool = False) -> None:
    """Accounts scoped to an agency every record of which now has one other canonical name
    follow it there (a registry or decision renamed it); an agency split in two keeps its
    accounts, for an admin to choose. `spellings_only`: only from a name the normalizer does
    not know as an agency of its own (a hub's spelling a decision named), never from a real
    agency whose name one record carried by mistake."""
    for old, news in renamed.items():
        new, _count = news.most_common(1)[0]
        known = normalize_agency(old) if spellings_only else None
        if known is not None and known.known:
            continue
        if len(news) == 1 and not records.agency_exists(db, old):     # every record of it moved
            moved = accounts.rename_agency_scope(db, old, new)
            if moved:
                report.scopes_renamed.append((old, new, moved))


def _mapping(db, found: dict, hub: str) -> Mapping | None:
    """The hub's mapping with its staff decisions, read once per run: the bundled one, else
    the one it was last ingested with."""
    if hub not in found:
        try:
            mapping = hub_mapping(hub)
        except MappingError:
            kept = records.remembered_mapping(db, hub)
            try:
                mapping = mapping_from_text(kept[1], kept[0]) if kept else None
            except MappingError:
                mapping = None
        found[hub] = _decided(db, hub, mapping)
    return found[hub]


def current_mapping(db, hub: str) -> Mapping | None:
    """The mapping a hub was last ingested with (a changed mapping given with --mapping or
    uploaded), else its bundled one, with its staff decisions: what quarantined rows are tried
    again with."""
    kept = records.remembered_mapping(db, hub)
    if kept:
        try:
            return _decided(db, hub, mapping_from_text(kept[1], kept[0]))
        except MappingError:
            pass
    return _mapping(db, {}, hub)


def _decided(db, hub: str, mapping: Mapping | None) -> Mapping | None:
    return with_decisions(mapping, records.hub_decisions(db, hub)) if mapping else None


def renormalize_source(db, hub: str, source_id: str, follow_spelling: bool = False) -> Renormalized:
    """One source normalized again (after a decision about it); `follow_spelling`: the decision
    named the canonical agency of a hub's spelling, so accounts scoped to that spelling follow."""
    report = Renormalized()
    row = records.active_source(db, hub, source_id)
    mapping = _mapping(db, {}, hub)
    if row and mapping:
        renamed: dict[str, Counter] = defaultdict(Counter)
        _one(db, mapping, row, records.now_iso(), report, renamed)
        if follow_spelling:
            _follow_renames(db, renamed, report, spellings_only=True)
    return report


def _one(db, mapping: Mapping, row: dict, when: str, report: Renormalized, renamed: dict) -> None:
    raw = json.loads(row["raw"])
    try:
        normalized = normalize_record(raw, mapping, row["line"] or 0)
    except RecordError as exc:         # kept as stored: a rule now refusing it needs a person
        report.failed.append({"hub": row["hub"], "source_id": row["source_id"], "reason": str(exc)})
        return
    digest = records.content_hash(normalized.fields, normalized.source_updated_at)
    save_issues(db, row["hub"], row["source_id"], row["record_id"], normalized.issues, when)
    if digest == row["content_hash"]:
        report.unchanged += 1
        return
    before = records.get_record(db, row["record_id"]) or {}
    records.save_source(db, row["hub"], row["source_id"], row["record_id"], row["file"], row["line"] or 0,
                        raw, normalized.fields, digest, normalized.source_updated_at, row["last_seen"])
    report.changed_sources += 1
    if records.rebuild_record(db, row["record_id"], when) == "unchanged":
        return
    after = records.get_record(db, row["record_id"]) or {}
    report.changed_records.add(row["record_id"])
    for name in ("title", "agency", "agency_type", "unit", "province_code", "regency_code", "category"):
        if before.get(name) != after.get(name):
            report.fields_changed[name] += 1
    if before.get("agency") and after.get("agency") and before["agency"] != after["agency"]:
        renamed[before["agency"]][after["agency"]] += 1
