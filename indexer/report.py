"""What an ingest run did (the report the CLI prints), and the rows it set aside."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.mapping import Mapping
from kms import records

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


def quarantine_broken(db, mapping: Mapping, path: Path, record, report: Report, when: str) -> bool:
    """Count the row; a row the reader could not parse goes to quarantine (answers True)."""
    report.read += 1
    if record.error:
        records.quarantine(db, mapping.name, path.name, record.line, record.error, record.data, "", when)
        report.quarantined += 1
    return bool(record.error)
