"""read -> normalize -> dedupe -> store, one transaction per batch, with a report."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

from indexer import store
from kms import faults
from indexer.dedupe import find_duplicate
from indexer.mapping import Mapping
from indexer.normalize import RecordError, normalize_record
from indexer.sources import SourceError, read_records

BATCH_SIZE = 200
COUNTS = ("read", "new", "updated", "unchanged", "merged", "flagged", "quarantined",
          "dropped_sources")


@dataclass
class Report:
    hub: str
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    flagged: int = 0
    quarantined: int = 0
    dropped_sources: int = 0
    failed_files: list[dict] = field(default_factory=list)
    changed_ids: set[str] = field(default_factory=set)

    def as_json(self) -> dict:
        data = {name: getattr(self, name) for name in COUNTS}
        data["hub"] = self.hub
        data["failed_files"] = self.failed_files
        return data

    def add(self, other: "Report") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failed_files += other.failed_files
        self.changed_ids |= other.changed_ids


def ingest_with(db, paths: list[Path], mapping: Mapping) -> Report:
    """Innovation records, or a replication export, by the mapping's kind."""
    if mapping.kind == "replications":
        from indexer.replications import ingest_link_row
        return ingest_files(db, paths, mapping, row_handler=ingest_link_row)
    return ingest_files(db, paths, mapping)


def ingest_samples(db, kinds=("innovations", "replications")) -> list[Report]:
    """Ingest every bundled sample of these kinds with its hub mapping (innovations first);
    one report per hub."""
    from indexer.mapping import all_hub_mappings
    from indexer.reference import SAMPLES_DIR

    return [ingest_with(db, [SAMPLES_DIR / name for name in mapping.samples], mapping)
            for mapping in all_hub_mappings() if mapping.samples and mapping.kind in kinds]


def ingest_files(db, paths: list[Path], mapping: Mapping, row_handler=None) -> Report:
    """Ingest files with one mapping; unreadable files are quarantined whole and reported.
    `row_handler` takes the place of innovation rows for other kinds of export (those keep
    no per-source provenance, so nothing is marked dropped)."""
    report = Report(mapping.name)
    handle_row = row_handler or _ingest_one
    for path in paths:
        path = Path(path)
        try:
            records = read_records(path, mapping)
            first = list(itertools.islice(records, 1))   # readers fail early on a broken file
        except SourceError as exc:
            _fail_file(db, mapping, path, str(exc), report)
            continue
        faults.point("read")
        seen: set[str] = set()
        stream = itertools.chain(first, records)
        try:
            while True:
                batch = list(itertools.islice(stream, BATCH_SIZE))
                if not batch:
                    break
                with db.atomic():
                    for number, record in enumerate(batch):
                        if number == len(batch) // 2 and report.read >= BATCH_SIZE:
                            faults.point("mid-batch")    # in the second batch, half stored
                        handle_row(db, mapping, path, record, report, seen)
        except SourceError as exc:
            _fail_file(db, mapping, path, str(exc), report)
            continue
        with db.atomic():
            if row_handler is None:
                _drop_missing(db, mapping, path, seen, report)
            store.release_quarantine(db, mapping.name, path.name, 0)
    return report


def _fail_file(db, mapping: Mapping, path: Path, reason: str, report: Report) -> None:
    with db.atomic():
        store.quarantine(db, mapping.name, path.name, 0, reason, {"path": str(path)}, "",
                         store.now_iso())
    report.failed_files.append({"file": str(path), "reason": reason})


def quarantine_broken(db, mapping: Mapping, path: Path, record, report: Report, when: str) -> bool:
    """Count the row; a row the reader could not parse goes to quarantine (answers True)."""
    report.read += 1
    if record.error:
        store.quarantine(db, mapping.name, path.name, record.line, record.error, record.data, "", when)
        report.quarantined += 1
    return bool(record.error)


def _ingest_one(db, mapping: Mapping, path: Path, record, report: Report, seen: set[str]) -> None:
    when = store.now_iso()
    if quarantine_broken(db, mapping, path, record, report, when):
        return
    try:
        normalized = normalize_record(record.data, mapping, record.line)
    except RecordError as exc:
        store.quarantine(db, mapping.name, path.name, record.line, str(exc), record.data, "", when)
        report.quarantined += 1
        return
    hub, source_id = mapping.name, normalized.source_id
    if source_id in seen:
        store.quarantine(db, hub, path.name, record.line,
                         f"id sumber '{source_id}' ganda di berkas yang sama", record.data, source_id, when)
        report.quarantined += 1
        return
    seen.add(source_id)
    store.release_quarantine(db, hub, path.name, record.line)
    if normalized.issues:
        report.flagged += 1
    digest = store.content_hash(normalized.fields, normalized.source_updated_at)
    existing = store.get_source(db, hub, source_id)
    if existing and existing["content_hash"] == digest and existing["dropped_at"] is None:
        report.unchanged += 1
        return
    merged_into = None
    if existing:
        record_id = existing["record_id"]
    else:
        match = find_duplicate(normalized.fields, store.candidate_records(db, normalized.fields, hub))
        record_id = match.record_id if match else store.new_record_id(hub, source_id)
        merged_into = match
    store.save_source(db, hub, source_id, record_id, path.name, record.line, record.data,
                      normalized.fields, digest, normalized.source_updated_at, when)
    _save_issues(db, hub, source_id, record_id, normalized.issues, when)
    outcome = store.rebuild_record(db, record_id, when)
    if outcome != "unchanged":
        report.changed_ids.add(record_id)
    if "replicates" in mapping.fields:
        from indexer.replications import link_named_original
        link_named_original(db, mapping, record.data, record_id, record.line, path.name)
    if merged_into is not None:
        report.merged += 1
    else:
        setattr(report, outcome, getattr(report, outcome) + 1)


def _save_issues(db, hub: str, source_id: str, record_id: str, issues, when: str) -> None:
    keep = set()
    for issue in issues:
        keep.add((issue.kind, issue.field))
        store.set_review(db, issue.kind, record_id, hub, source_id, issue.field, issue.message,
                         {}, when)
    store.clear_source_reviews(db, hub, source_id, keep)


def _drop_missing(db, mapping: Mapping, path: Path, seen: set[str], report: Report) -> None:
    """Sources this file sent before but not now: drop the provenance, keep the record."""
    when = store.now_iso()
    rows = list(db.query("SELECT source_id, record_id FROM sources WHERE hub = ? AND file = ? "
                         "AND dropped_at IS NULL", [mapping.name, path.name]))
    for row in rows:
        if row["source_id"] in seen:
            continue
        db.execute("UPDATE sources SET dropped_at = ? WHERE hub = ? AND source_id = ?",
                   [when, mapping.name, row["source_id"]])
        store.set_review(db, "dropped_source", row["record_id"], mapping.name, row["source_id"], "",
                         f"rekaman '{row['source_id']}' tidak ada lagi di {path.name}; "
                         f"rekaman kanonik dipertahankan", {}, when)
        if store.rebuild_record(db, row["record_id"], when) != "unchanged":
            report.changed_ids.add(row["record_id"])
        report.dropped_sources += 1
