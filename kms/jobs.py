"""Background jobs on the web (a booklet, an upload's ingest): a `kms` command run in a process of
its own, its state a small JSON file any server process can read (written whole, atomically)."""
from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

from kms.config import ROOT

_JOB = re.compile(r"[0-9a-f]{16}")


def new_job() -> str:
    return secrets.token_hex(8)


def state_path(folder: Path, job: str) -> Path | None:
    """Where a job's state is kept; None for anything that is not a job id."""
    return folder / f"{job}.json" if _JOB.fullmatch(job or "") else None


def read_state(folder: Path, job: str) -> dict | None:
    path = state_path(folder, job)
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError):
        return None


def write_state(folder: Path, job: str, **state) -> None:
    """Merge `state` into the job's state (with the time of the update)."""
    path = state_path(folder, job)
    path.parent.mkdir(parents=True, exist_ok=True)
    current = read_state(folder, job) or {}
    current.update(state, updated=time.time())
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(current, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def run_kms(config, args: list[str]) -> None:
    """`kms ARGS` in a process of its own, on this store, with this very code (the checkout the
    server was started from) and engine; the caller's request never waits for it."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "KMS_DATA_DIR": str(config["DATA_DIR"]), "PYTHONPATH": path,
           "KMS_SEARCH_ENGINE": str(config.get("SEARCH_ENGINE") or "whoosh")}
    subprocess.Popen([sys.executable, "-c", "from kms.cli import main; main()", *args], env=env,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
