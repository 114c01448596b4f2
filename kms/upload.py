"""The ingest desk: a hub's export uploaded in the browser, checked by its content, kept under
DATA_DIR/uploads/<hub>/ with its SHA-256 in the name (its provenance), previewed as the mapping
reads it, then ingested by `kms ingest` in a process of its own (the same code as the CLI),
one ingest at a time per hub (a lock the job holds)."""
from __future__ import annotations

import fcntl
import hashlib
import json
import re
import time
from pathlib import Path

from indexer.normalize import RecordError, normalize_record
from indexer.sources import read_records
from kms import jobs

FOLDER = "uploads"
MAGIC = {"xlsx": (b"PK\x03\x04",), "pdf": (b"%PDF",), "sqlite": (b"SQLite format 3\x00",)}
PREVIEW_ROWS = 10


def folder(config, hub: str = "") -> Path:
    base = Path(config["DATA_DIR"]) / FOLDER
    return base / safe(hub) if hub else base


def safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name or "berkas").strip("._")[:120] or "berkas"


def content_problem(fmt: str, data: bytes) -> str | None:
    """Why these bytes are not a file of this format (checked by content, not by name)."""
    if not data:
        return "berkas kosong"
    if fmt in MAGIC:
        return None if data.startswith(MAGIC[fmt]) else f"isinya bukan berkas {fmt}"
    head = data[:4096]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "berkas biner, bukan teks"
    text = head.decode("utf-8", "replace").lstrip("\ufeff \r\n\t")
    if fmt == "json" and not text.startswith(("[", "{")):
        return "isinya bukan JSON"
    if fmt == "jsonl" and not text.startswith("{"):
        return "isinya bukan JSON Lines (satu objek per baris)"
    if fmt == "sqldump" and not re.search(r"\b(INSERT|CREATE)\b", data[:1_000_000].decode("utf-8", "replace"), re.I):
        return "isinya bukan dump SQL (tidak ada INSERT)"
    return None


def store(config, hub: str, name: str, data: bytes, user: str) -> Path:
    """Keep an upload under its hash; answers its path."""
    digest = hashlib.sha256(data).hexdigest()
    target = folder(config, hub) / f"{digest[:16]}-{safe(name)}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(target)
    target.with_name(target.name + ".json").write_text(json.dumps(
        {"name": name, "sha256": digest, "bytes": len(data), "uploaded_by": user, "at": time.time()}), encoding="utf-8")
    return target


def preview(path: Path, mapping, rows: int = PREVIEW_ROWS) -> list[dict]:
    """The first rows as the mapping reads them: canonical fields, the region and agency they
    resolve to, the questions they raise, or why each would be quarantined."""
    out = []
    for record in read_records(path, mapping):
        if len(out) >= rows:
            break
        if record.error:
            out.append({"line": record.line, "error": record.error})
            continue
        try:
            normalized = normalize_record(record.data, mapping, record.line)
        except RecordError as exc:
            out.append({"line": record.line, "error": str(exc)})
            continue
        fields = normalized.fields
        out.append({"line": record.line, "title": fields.get("title"), "agency": fields.get("agency"),
                    "agency_type": fields.get("agency_type"), "region": ", ".join(
                        v for v in (fields.get("regency_name"), fields.get("province_name")) if v),
                    "year": fields.get("year"), "issues": [issue.message for issue in normalized.issues]})
    return out


def lock_path(config, hub: str) -> Path:
    return folder(config) / f"{safe(hub)}.lock"


def busy(config, hub: str) -> bool:
    """Whether an ingest for this hub holds its lock right now."""
    try:
        held_lock(config, hub).close()
    except HubBusy:
        return True
    return False


def jobs_folder(config) -> Path:
    return folder(config) / "jobs"


def job_state(config, job: str) -> dict | None:
    return jobs.read_state(jobs_folder(config), job)


def write_job(config, job: str, **state) -> None:
    jobs.write_state(jobs_folder(config), job, **state)


def start_ingest(config, hub: str, paths: list[Path], mapping_path: Path, user: str) -> str:
    """`kms ingest --job` in its own process, holding the hub's lock; answers the job id."""
    job = jobs.new_job()
    write_job(config, job, status="running", hub=hub, files=[p.name for p in paths], user=user)
    jobs.run_kms(config, ["ingest", *map(str, paths), "--mapping", str(mapping_path), "--json", "--job", job])
    return job


class HubBusy(RuntimeError):
    """Another ingest of the hub holds its lock."""


def held_lock(config, hub: str):
    """The hub's ingest lock, taken without waiting (HubBusy when another holds it)."""
    path = lock_path(config, hub)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise HubBusy(hub) from None
    return handle

