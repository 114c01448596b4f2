"""read -> normalize -> dedupe -> store, one transaction per batch, with a report."""
from __future__ import annotations

import itertools
from pathlib import Path

from indexer.dedupe import find_duplicate
from indexer.mapping import Mapping, all_hub_mappings, with_decisions
from indexer.normalize import RecordError, normalize_record
from indexer.reference import SAMPLES_DIR
from indexer.replications import ingest_link_row, link_named_original
from indexer.report import COUNTS, Report, quarantine_broken  # noqa: F401  (COUNTS, Report: the CLI's)
from indexer.sources import SourceError, SourceRecord, read_records
from indexer.textnorm import printable
from kms import faults, records

BATCH_SIZE = 200
def ingest_with(db, paths: list[Path], mapping: Mapping) -> Report:
    """Innovation records, or a replication export, by the mapping's kind."""
    if mapping.kind == "replications":
        return ingest_files(db, paths, mapping, row_handler=ingest_link_row)
    return ingest_files(db, paths, mapping)


def ingest_samples(db, kinds=("innovations", "replications")) -> list[Report]:
    """Ingest every bundled sample of these kinds with its hub mapping (innovations first);
    one report per hub."""

    return [ingest_with(db, [SAMPLES_DIR / name for name in mapping.samples], mapping)
            for mapping in all_hub_mappings() if mapping.samples and mapping.kind in kinds]


def ingest_files(db, paths: list[Path], mapping: Mapping, row_handler=None) -> Report:
    """Ingest files with one mapping; unreadable files are quarantined whole and reported.
    `row_handler` takes the place of innovation rows for other kinds of export (those keep
    no per-source provenance, so nothing is marked dropped)."""
    report = Report(mapping.name)
    with db.conn:
        records.remember_mapping(db, mapping.name, str(mapping.path), mapping.text, records.now_iso(),
                                 mapping.label)
    mapping = with_decisions(mapping, records.hub_decisions(db, mapping.name))    # kms decide
    handle_row = row_handler or _ingest_one
    for path in paths:
        path = Path(path)
        try:
            rows = read_records(path, mapping)
            first = list(itertools.islice(rows, 1))   # readers fail early on a broken file
        except SourceError as exc:
            _fail_file(db, mapping, path, str(exc), report)
            continue
        except Exception as exc:      # a reader meeting what it never expected: the file, not the run
            _fail_file(db, mapping, path, f"{printable(path.name)}: tidak dapat dibaca: {_what(exc)}", report)
            continue
        faults.point("read")
        seen: set[str] = set()
        stream = itertools.chain(first, rows)
        try:
            while True:
                batch = list(itertools.islice(stream, BATCH_SIZE))
                if not batch:
                    break
                with db.atomic():
                    for number, record in enumerate(batch):
                        if number == len(batch) // 2 and report.read >= BATCH_SIZE:
                            faults.point("mid-batch")    # in the second batch, half stored
                        _guarded_row(handle_row, db, mapping, path, record, report, seen)
        except SourceError as exc:
            _fail_file(db, mapping, path, str(exc), report)
            continue
        except Exception as exc:      # the reader broke off mid-file: what came before is kept
            _fail_file(db, mapping, path, f"{printable(path.name)}: pembacaan terhenti: {_what(exc)}", report)
            continue
        with db.atomic():
            if row_handler is None:
                _drop_missing(db, mapping, path, seen, report)
            records.release_quarantine(db, mapping.name, path.name, 0)
    return report


def ingest_rows(db, mapping: Mapping, rows: list[tuple[str, SourceRecord]]) -> Report:
    """Rows read before (quarantined ones, after the mapping changed), each through the same
    row path as a file's rows: one that now ingests leaves quarantine, one that still fails
    stays there with its new reason."""
    report = Report(mapping.name)
    seen: set[str] = set()
    with db.conn:
        for file, record in rows:
            _guarded_row(_ingest_one, db, mapping, Path(file), record, report, seen)
    return report


def _fail_file(db, mapping: Mapping, path: Path, reason: str, report: Report) -> None:
    reason = printable(reason)
    with db.atomic():
        records.quarantine(db, mapping.name, printable(path.name), 0, reason,
                           {"path": printable(str(path))}, "", records.now_iso())
    report.failed_files.append({"file": printable(str(path)), "reason": reason})


def _what(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "data bersarang terlalu dalam"
    if isinstance(exc, MemoryError):
        return "data terlalu besar untuk memori"
    return printable(f"{type(exc).__name__}: {exc}")[:500]


def _guarded_row(handle_row, db, mapping: Mapping, path: Path, record, report: Report, seen: set[str]) -> None:
    """One row, in a savepoint: anything it breaks on is undone and the row quarantined with
    its line and the reason; the run goes on with the next row."""
    db.execute("SAVEPOINT kms_row")
    try:
        handle_row(db, mapping, path, record, report, seen)
    except Exception as exc:
        db.execute("ROLLBACK TO kms_row")
        db.execute("RELEASE kms_row")
        if isinstance(exc, SourceError):      # the file itself broke: its caller fails the file
            raise
        reason = f"baris {record.line} tidak dapat diolah: {_what(exc)}"
        records.quarantine(db, mapping.name, printable(path.name), record.line, reason,
                           _storable(record.data), "", records.now_iso())
        report.quarantined += 1
        return
    db.execute("RELEASE kms_row")


def _storable(data):
    """The row as it can be kept in quarantine (a value JSON cannot hold becomes its text)."""
    try:
        records.to_json(data).encode("utf-8")
        return data
    except (TypeError, ValueError, RecursionError):
        try:
            return {"_raw": printable(repr(data))[:100_000]}
        except RecursionError:
            return {"_raw": "(bersarang terlalu dalam untuk disimpan)"}


def _ingest_one(db, mapping: Mapping, path: Path, record, report: Report, seen: set[str]) -> None:
    when = records.now_iso()
    if quarantine_broken(db, mapping, path, record, report, when):
        return
    try:
        normalized = normalize_record(record.data, mapping, record.line)
    except RecordError as exc:
        records.quarantine(db, mapping.name, path.name, record.line, str(exc), record.data, "", when)
        report.quarantined += 1
        return
    hub, source_id = mapping.name, normalized.source_id
    if source_id in seen:
        records.quarantine(db, hub, path.name, record.line,
                         f"id sumber '{source_id}' ganda di berkas yang sama", record.data, source_id, when)
        report.quarantined += 1
        return
    seen.add(source_id)
    records.release_quarantine(db, hub, path.name, record.line)
    if normalized.issues:
        report.flagged += 1
    digest = records.content_hash(normalized.fields, normalized.source_updated_at)
    existing = records.get_source(db, hub, source_id)
    if existing and existing["content_hash"] == digest and existing["dropped_at"] is None:
        report.unchanged += 1
        return
    merged_into = None
    if existing:
        record_id = existing["record_id"]
    else:
        match = find_duplicate(normalized.fields, records.candidate_records(db, normalized.fields, hub))
        record_id = match.record_id if match else records.new_record_id(db, hub, source_id)
        merged_into = match
    records.save_source(db, hub, source_id, record_id, path.name, record.line, record.data,
                      normalized.fields, digest, normalized.source_updated_at, when)
    save_issues(db, hub, source_id, record_id, normalized.issues, when)
    fresh = not existing and merged_into is None        # an id new_record_id just made
    outcome = records.rebuild_record(db, record_id, when, fresh=fresh)
    if outcome != "unchanged":
        report.changed_ids.add(record_id)
    if "replicates" in mapping.fields:
        link_named_original(db, mapping, record.data, record_id, record.line, path.name)
    if merged_into is not None:
        report.merged += 1
    else:
        setattr(report, outcome, getattr(report, outcome) + 1)


def save_issues(db, hub: str, source_id: str, record_id: str, issues, when: str) -> None:
    """The source's review items as its latest normalization found them (older ones cleared)."""
    keep = set()
    for issue in issues:
        keep.add((issue.kind, issue.field))
        records.set_review(db, issue.kind, record_id, hub, source_id, issue.field, issue.message,
                           {"value": issue.value} if issue.value else {}, when)
    records.clear_source_reviews(db, hub, source_id, keep)


def _drop_missing(db, mapping: Mapping, path: Path, seen: set[str], report: Report) -> None:
    """Sources this file sent before but not now: drop the provenance, keep the record."""
    when = records.now_iso()
    rows = records.active_sources_in_file(db, mapping.name, path.name)
    for row in rows:
        if row["source_id"] in seen:
            continue
        records.drop_source(db, mapping.name, row["source_id"], when)
        records.set_review(db, "dropped_source", row["record_id"], mapping.name, row["source_id"], "",
                         f"entri '{row['source_id']}' tidak ada lagi di {path.name}; "
                         f"entri kanonik dipertahankan", {}, when)
        if records.rebuild_record(db, row["record_id"], when) != "unchanged":
            report.changed_ids.add(row["record_id"])
        report.dropped_sources += 1
