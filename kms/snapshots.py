"""Dated open-data snapshots: the whole public dataset (public fields only) as gzipped JSON
Lines, one per day, with its SHA-256, kept under DATA_DIR/open-data (`kms publish` writes one;
the /data page lists them). The newest KEEP are kept."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
from pathlib import Path

from kms.exports import as_jsonl, exported_records
from kms.records import record_ids

FOLDER = "open-data"
KEEP = 30
NAME = re.compile(r"inovasi-(\d{4}-\d{2}-\d{2})\.jsonl\.gz")


def folder(config) -> Path:
    return Path(config["DATA_DIR"]) / FOLDER


def write_snapshot(db, config, base_url: str, today: dt.date | None = None) -> dict:
    """Write today's snapshot (replacing one of the same day) and its checksum; prune old ones."""
    today = today or dt.date.today()
    target = folder(config)
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"inovasi-{today.isoformat()}.jsonl.gz"
    partial = path.with_suffix(".part")
    digest, count = hashlib.sha256(), 0
    with gzip.open(partial, "wt", encoding="utf-8") as handle:
        for line in as_jsonl(exported_records(db, record_ids(db), base_url)):
            handle.write(line)
            count += 1
    digest.update(partial.read_bytes())
    partial.replace(path)
    info = {"name": path.name, "date": today.isoformat(), "records": count, "bytes": path.stat().st_size,
            "sha256": digest.hexdigest()}
    path.with_name(path.name + ".json").write_text(json.dumps(info), encoding="utf-8")
    for old in dataset_snapshots(config)[KEEP:]:
        (target / old["name"]).unlink(missing_ok=True)
        (target / (old["name"] + ".json")).unlink(missing_ok=True)
    return info


def dataset_snapshots(config) -> list[dict]:
    """Every snapshot, newest first: {name, date, records, bytes, sha256}."""
    found = []
    for path in folder(config).glob("inovasi-*.jsonl.gz") if folder(config).exists() else ():
        meta = path.with_name(path.name + ".json")
        if NAME.fullmatch(path.name) and meta.exists():
            found.append(json.loads(meta.read_text(encoding="utf-8")))
    return sorted(found, key=lambda info: info["date"], reverse=True)


def snapshot_path(config, name: str) -> Path | None:
    """The file of a listed snapshot (a name that is not one answers None)."""
    if not NAME.fullmatch(name):
        return None
    path = folder(config) / name
    return path if path.is_file() else None
