"""Record page openings ("Dilihat"), counted per record and day with nothing about who opened
them. Each server process adds its openings up in memory and writes them in one statement every
FLUSH_SECONDS (or FLUSH_COUNT openings, or when asked), so a page view never waits on a write;
a crash loses at most those seconds of counts. Crawlers and HEAD requests are not counted."""
from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import threading
import time
from collections import Counter

FLUSH_SECONDS = 30
FLUSH_COUNT = 100
CRAWLER = re.compile(r"bot|crawl|spider|slurp|preview|facebookexternalhit|monitor", re.I)


def counted(method: str, user_agent: str | None) -> bool:
    """Whether an opening counts: a GET by something that does not call itself a crawler."""
    return method == "GET" and not CRAWLER.search(user_agent or "")


class ViewCounter:
    """Openings not yet written, for one store."""

    def __init__(self):
        self._pending: Counter = Counter()
        self._lock = threading.Lock()
        self._last = time.monotonic()

    def add(self, db, record_id: str, today: dt.date | None = None) -> None:
        day = (today or dt.date.today()).isoformat()
        with self._lock:
            self._pending[(record_id, day)] += 1
            due = sum(self._pending.values()) >= FLUSH_COUNT or time.monotonic() - self._last >= FLUSH_SECONDS
        if due:
            try:
                self.flush(db)
            except sqlite3.Error as exc:       # a count must never break the page; kept for next time
                logging.getLogger(__name__).warning("page views not written yet: %s", exc)

    def pending(self, record_id: str) -> int:
        with self._lock:
            return sum(n for (rid, _day), n in self._pending.items() if rid == record_id)

    def flush(self, db) -> None:
        """Write what is pending (a failed write keeps it for the next time)."""
        with self._lock:
            batch, self._pending = self._pending, Counter()
            self._last = time.monotonic()
        if not batch:
            return
        try:
            with db.conn:
                db.conn.executemany(
                    "INSERT INTO record_views (record_id, day, count) VALUES (?, ?, ?) "
                    "ON CONFLICT (record_id, day) DO UPDATE SET count = count + excluded.count",
                    [(rid, day, n) for (rid, day), n in batch.items()])
        except sqlite3.Error:
            with self._lock:
                self._pending.update(batch)
            raise


def stored_views(db, record_id: str) -> int:
    return db.execute("SELECT COALESCE(SUM(count), 0) FROM record_views WHERE record_id = ?",
                      [record_id]).fetchone()[0]
