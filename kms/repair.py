"""Repairing a damaged index in the background: one worker per process, and one rebuild across
processes (kms.sync holds a lock, and a process that finds the damage already repaired does
nothing)."""
from __future__ import annotations

import logging
import threading

from kms.config import db_path
from kms.db import open_db
from kms.search import engine_for
from kms.sync import sync

_RUNNING = threading.Lock()
log = logging.getLogger(__name__)


def start_repair(config: dict) -> bool:
    """Start a rebuild in a background thread unless one is running here; answers whether it
    started one."""
    if not _RUNNING.acquire(blocking=False):
        return False

    def work():
        try:
            db = open_db(db_path(config))
            try:
                sync(db, engine_for(config))
            finally:
                db.close()
        except Exception:   # logged; the next request that meets the damage starts another
            log.exception("index repair failed")
        finally:
            _RUNNING.release()

    threading.Thread(target=work, name="index-repair", daemon=True).start()
    return True
