"""A per-address limit on anonymous traffic (the search pages and the JSON API): a token bucket
per client address in this process, answered 429 with Retry-After when it runs dry. Signed-in
staff are not limited. The rate is the RATE_LIMIT setting (requests per minute; 0 turns it
off); each server process keeps its own buckets, so N workers allow up to N times the rate."""
from __future__ import annotations

import math
import threading
import time

MAX_ADDRESSES = 100_000     # buckets kept; the least recently seen are dropped beyond it


class RateLimiter:
    def __init__(self, per_minute: int, burst: int | None = None):
        self.rate = per_minute / 60.0
        self.capacity = float(burst if burst is not None else max(1, per_minute // 4))
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str, now: float | None = None) -> tuple[bool, int]:
        """(allowed, seconds until the next request would be)."""
        if self.rate <= 0:
            return True, 0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, seen = self._buckets.pop(address, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - seen) * self.rate)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            self._buckets[address] = (tokens, now)      # re-inserted: the dict keeps recency order
            if len(self._buckets) > MAX_ADDRESSES:
                self._buckets.pop(next(iter(self._buckets)))
        return allowed, 0 if allowed else max(1, math.ceil((1 - tokens) / self.rate))
