"""Answers kept for one index generation: vocabulary look-ups repeat from query to query (the
words people type repeat), and an index generation never changes under them."""
from __future__ import annotations

import threading


class PerGeneration:
    """At most `size` answers of the current generation; a new generation starts empty."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._generation = None
        self._items: dict = {}
        self._lock = threading.Lock()

    def get(self, generation, key, compute):
        with self._lock:
            if generation != self._generation:
                self._generation, self._items = generation, {}
            if key in self._items:
                return self._items[key]
        value = compute()
        with self._lock:
            if generation == self._generation:
                if len(self._items) >= self.size:
                    self._items.clear()
                self._items[key] = value
        return value
