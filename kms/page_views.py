"""Record page openings ("Dilihat"), counted per record and day with nothing about who opened
them: the store keeps (record, day, count) only. An opening counts once per address, record and
day in each server process: the process remembers, in memory only, a key made of the secret
key, the day, the address and the record, and forgets them all when the day changes (with
several processes a visitor may count once in each). Crawlers (a user agent naming a bot,
crawler, spider or preview) and HEAD requests are not counted. The write is one statement in
WAL mode (no sync to disk per commit), and a failure to write never breaks the page."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import sqlite3
import threading

CRAWLER = re.compile(r"bot|crawl|spider|slurp|preview|facebookexternalhit|monitor", re.I)
MAX_REMEMBERED = 200_000        # keys kept for one day before the set starts again


def counted(method: str, user_agent: str | None) -> bool:
    """Whether an opening counts: a GET by something that does not call itself a crawler."""
    return method == "GET" and not CRAWLER.search(user_agent or "")


class ViewCounter:
    """One process's memory of today's openings (keys only)."""

    def __init__(self, secret: str):
        self._secret = secret
        self._day = ""
        self._seen: set[bytes] = set()
        self._lock = threading.Lock()

    def _first_today(self, record_id: str, address: str, day: str) -> bool:
        digest = hashlib.sha256(f"{self._secret}|{day}|{address}|{record_id}".encode()).digest()[:12]
        with self._lock:
            if day != self._day or len(self._seen) >= MAX_REMEMBERED:
                self._day, self._seen = day, set()
            if digest in self._seen:
                return False
            self._seen.add(digest)
            return True

    def add(self, db, record_id: str, address: str, today: dt.date | None = None) -> bool:
        """Count an opening unless this address opened this record today; True when counted."""
        day = (today or dt.date.today()).isoformat()
        if not self._first_today(record_id, address, day):
            return False
        try:
            with db.conn:
                db.execute("INSERT INTO record_views (record_id, day, count) VALUES (?, ?, 1) "
                           "ON CONFLICT (record_id, day) DO UPDATE SET count = count + 1", [record_id, day])
        except sqlite3.Error as exc:          # a count must never break the page
            logging.getLogger(__name__).warning("page view not counted: %s", exc)
            return False
        return True


def stored_views(db, record_id: str) -> int:
    return db.execute("SELECT COALESCE(SUM(count), 0) FROM record_views WHERE record_id = ?",
                      [record_id]).fetchone()[0]
