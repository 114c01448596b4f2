"""Facet values as compact per-document arrays, and exact disjunctive counts over them.

Single-valued facets hold a small integer code per document; multi-valued ones (sdg, hub)
hold a bit mask. Counting a facet is one bincount over the documents that pass every other
facet's selection; nothing depends on Whoosh's own grouping.
"""
from __future__ import annotations

import os
import shutil
import uuid

import numpy as np

from kms.search.engine import FACETS, MULTI_FACETS as MULTI


class FacetArrays:
    """Per-docnum facet codes for one index generation."""

    def __init__(self, size: int):
        self.size = size
        self.live = np.zeros(size, dtype=bool)
        self.codes = {name: np.full(size, -1, dtype=np.int32) for name in FACETS if name not in MULTI}
        self.masks = {name: np.zeros(size, dtype=np.int64) for name in MULTI}
        self.values: dict[str, list[str]] = {name: [] for name in FACETS}
        self._index: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        self.year = np.zeros(size, dtype=np.int32)
        self.updated = np.zeros(size, dtype=np.int64)
        self.title_rank = np.zeros(size, dtype=np.int32)
        self.ids: list[str | None] = [None] * size

    def _code(self, name: str, value: str) -> int:
        table = self._index[name]
        if value not in table:
            table[value] = len(self.values[name])
            self.values[name].append(value)
        return table[value]

    def add(self, docnum: int, stored: dict) -> None:
        """Record one live document's facet values (from its stored fields)."""
        self.live[docnum] = True
        self.ids[docnum] = stored["id"]
        for name in self.codes:
            value = stored.get(f"f_{name}")
            if value:
                self.codes[name][docnum] = self._code(name, value)
        for name in MULTI:
            mask = 0
            for value in (stored.get(f"f_{name}") or "").split():
                code = self._code(name, value)
                if code < 63:
                    mask |= 1 << code
            self.masks[name][docnum] = mask
        self.year[docnum] = int(stored.get("f_year") or 0)
        self.updated[docnum] = int(stored.get("updated_key") or 0)

    def finish(self, titles: dict[int, str]) -> None:
        """Rank titles alphabetically once, for sort=title."""
        for rank, docnum in enumerate(sorted(titles, key=lambda d: titles[d])):
            self.title_rank[docnum] = rank

    # -- selections ------------------------------------------------------------------------
    def selection_mask(self, name: str, selected: tuple[str, ...]) -> np.ndarray:
        """Documents whose `name` is any of the selected values (OR within a facet)."""
        if name in MULTI:
            bits = 0
            for value in selected:
                code = self._index[name].get(value)
                if code is not None and code < 63:
                    bits |= 1 << code
            return (self.masks[name] & bits) != 0
        codes = [self._index[name][v] for v in selected if v in self._index[name]]
        return np.isin(self.codes[name], codes)

    def year_mask(self, year_from: int | None, year_to: int | None) -> np.ndarray:
        mask = np.ones(self.size, dtype=bool)
        if year_from is not None:
            mask &= self.year >= year_from
        if year_to is not None:
            mask &= self.year <= year_to
        return mask

    def count(self, name: str, mask: np.ndarray) -> dict[str, int]:
        """Exact counts of each value of `name` among the documents in `mask`."""
        if name in MULTI:
            masks = self.masks[name][mask]
            return {value: int(np.count_nonzero(masks & (1 << code)))
                    for code, value in enumerate(self.values[name][:63])
                    if np.any(masks & (1 << code))}
        codes = self.codes[name][mask]
        codes = codes[codes >= 0]
        counts = np.bincount(codes, minlength=len(self.values[name]))
        return {self.values[name][code]: int(n) for code, n in enumerate(counts) if n}


def disjunctive_counts(arrays: FacetArrays, matched: np.ndarray, selections: dict[str, np.ndarray]) -> dict:
    """Counts per facet: every other facet's selection applied, not its own."""
    counts = {}
    for name in FACETS:
        mask = matched.copy()
        for other, selection in selections.items():
            if other != name:
                mask &= selection
        counts[name] = arrays.count(name, mask)
    return counts


# -- what every engine does with the arrays once its text matching is done ------------------
def narrow(arrays: FacetArrays, matched, query):
    """The text matches narrowed by the year range, and by every facet selection:
    (matched within the years, {facet: selection mask}, final mask)."""
    matched = matched & arrays.year_mask(query.year_from, query.year_to)
    selections = {name: arrays.selection_mask(name, values)
                  for name, values in query.filters.items() if values}
    final = matched.copy()
    for selection in selections.values():
        final &= selection
    return matched, selections, final


def sorted_page(arrays: FacetArrays, final, query) -> list[tuple[int, float]]:
    """The page of a query sorted by title, or newest first (year, then last update)."""
    docnums = np.flatnonzero(final)
    if query.sort == "title":
        order = np.argsort(arrays.title_rank[docnums], kind="stable")
    else:
        order = np.lexsort((-arrays.updated[docnums], -arrays.year[docnums]))
    return [(int(d), 0.0) for d in docnums[order][query.offset:query.offset + query.limit]]


def swap_in(staging, index_dir, lock) -> None:
    """Put a freshly built index folder in place of the old one, under the writer lock (a
    reader sees the old folder or the new one, never half of either)."""
    old = index_dir.with_name(f"index.old-{uuid.uuid4().hex}")
    with lock:
        if index_dir.exists():
            os.replace(index_dir, old)
        os.replace(staging, index_dir)
        shutil.rmtree(old, ignore_errors=True)
