"""Facet values as compact per-document arrays, and exact disjunctive counts over them.

Single-valued facets hold a small integer code per document; multi-valued ones (sdg, hub)
hold a bit mask. Counting a facet is one bincount over the documents that pass every other
facet's selection; nothing depends on Whoosh's own grouping.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import numpy as np

from kms.search.engine import FACETS, MULTI_FACETS as MULTI


TITLE_BYTES = 96     # sort=title orders by the folded title's first bytes (UTF-8 keeps the order),
                     # longer titles that tie there by their whole text
ARRAY_FILE = "facets-{name}.npy"
VALUES_FILE = "facets-values.json"


class FacetArrays:
    """Per-document facet codes for one index generation (a document is a docnum in Whoosh,
    an `ord` in tantivy), grown as documents are added, saved beside an index and loaded back
    memory-mapped (kms.search.tantivy_engine keeps them current at every commit)."""

    def __init__(self, size: int):
        self.size = size
        self.live = np.zeros(size, dtype=bool)
        self.codes = {name: np.full(size, -1, dtype=np.int32) for name in FACETS if name not in MULTI}
        self.masks = {name: np.zeros(size, dtype=np.int64) for name in MULTI}
        self.values: dict[str, list[str]] = {name: [] for name in FACETS}
        self._index: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        self.year = np.zeros(size, dtype=np.int32)
        self.updated = np.zeros(size, dtype=np.int64)
        self.title_key = np.zeros(size, dtype=f"S{TITLE_BYTES}")
        self.ids = np.full(size, "", dtype=object)
        self.long_titles: dict[int, str] = {}     # docnum: a title longer than TITLE_BYTES
        self._title_rank = self._id_rank = None

    def _arrays(self) -> dict[str, np.ndarray]:
        out = {"live": self.live, "year": self.year, "updated": self.updated, "title_key": self.title_key}
        out.update({f"code-{name}": a for name, a in self.codes.items()})
        out.update({f"mask-{name}": a for name, a in self.masks.items()})
        return out

    def _set(self, name: str, array: np.ndarray) -> None:
        if name.startswith("code-"):
            self.codes[name[5:]] = array
        elif name.startswith("mask-"):
            self.masks[name[5:]] = array
        else:
            setattr(self, name, array)

    def grow(self, size: int) -> None:
        """Room for documents up to `size` (the new ones not live)."""
        if size <= self.size:
            return
        for name, array in self._arrays().items():
            fill = -1 if name.startswith("code-") else 0
            grown = np.full(size, fill, dtype=array.dtype)
            grown[:self.size] = array
            self._set(name, grown)
        ids = np.full(size, "", dtype=object)
        ids[:self.size] = self.ids
        self.ids, self.size = ids, size
        self._title_rank = self._id_rank = None

    def trim(self, size: int) -> None:
        """Keep the first `size` documents (a rebuild grows the arrays by doubling)."""
        if size < self.size:
            for name, array in self._arrays().items():
                self._set(name, array[:size].copy())
            self.ids, self.size = self.ids[:size].copy(), size
            self._title_rank = self._id_rank = None
            self.long_titles = {d: t for d, t in self.long_titles.items() if d < size}

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
            self.codes[name][docnum] = self._code(name, value) if value else -1
        for name in MULTI:
            mask = 0
            for value in (stored.get(f"f_{name}") or "").split():
                code = self._code(name, value)
                if code < 63:
                    mask |= 1 << code
            self.masks[name][docnum] = mask
        self.year[docnum] = int(stored.get("f_year") or stored.get("year") or 0)
        self.updated[docnum] = int(stored.get("updated_key") or 0)
        title = stored.get("sort_title") or ""
        encoded = title.encode("utf-8")
        self.title_key[docnum] = encoded[:TITLE_BYTES]
        if len(encoded) > TITLE_BYTES:
            self.long_titles[docnum] = title
        else:
            self.long_titles.pop(docnum, None)
        self._title_rank = self._id_rank = None

    def kill(self, docnum: int) -> None:
        """A document deleted from the index."""
        if 0 <= docnum < self.size:
            self.live[docnum] = False

    @property
    def id_rank(self) -> np.ndarray:
        """Each document's place in id order: the last word on every tie, so an order never
        depends on where an engine happened to put a document."""
        if self._id_rank is None:
            rank = np.empty(self.size, dtype=np.int64)
            keys = np.array([str(i).encode("utf-8") for i in self.ids], dtype=bytes)   # UTF-8 keeps the order
            rank[np.argsort(keys, kind="stable")] = np.arange(self.size)
            self._id_rank = rank
        return self._id_rank

    @property
    def title_rank(self) -> np.ndarray:
        """Each document's place in title order, equal titles by id (computed once, on the
        first sort=title)."""
        if self._title_rank is None:
            order = np.lexsort((self.id_rank, self.title_key))
            if self.long_titles:
                self._order_ties(order)
            rank = np.empty(self.size, dtype=np.int64)
            rank[order] = np.arange(self.size)
            self._title_rank = rank
        return self._title_rank

    def _order_ties(self, order: np.ndarray) -> None:
        """Documents whose keys fill TITLE_BYTES and are equal: put in order by whole title."""
        place = np.empty(self.size, dtype=np.int64)
        place[order] = np.arange(self.size)
        groups: dict[bytes, list[int]] = {}
        for docnum in np.flatnonzero(np.char.str_len(self.title_key) == TITLE_BYTES):
            groups.setdefault(bytes(self.title_key[docnum]), []).append(int(docnum))
        for key, docnums in groups.items():
            if len(docnums) > 1:
                slots = sorted(place[d] for d in docnums)
                whole = sorted(docnums, key=lambda d: (self.long_titles.get(d) or key.decode("utf-8", "ignore"),
                                                       self.ids[d]))
                order[slots] = whole

    def save(self, folder: Path, stamp: str) -> None:
        """Write the arrays into `folder`, each file replaced whole (a reader that maps the old
        one keeps it)."""
        ids = np.array([i if isinstance(i, str) else "" for i in self.ids], dtype="U")
        for name, array in {**self._arrays(), "ids": ids}.items():
            _replace_whole(folder / ARRAY_FILE.format(name=name),
                           lambda handle, array=array: np.save(handle, np.asarray(array), allow_pickle=False))
        header = json.dumps({"stamp": stamp, "size": self.size, "live": int(self.live.sum()),
                             "values": self.values, "long_titles": self.long_titles}, ensure_ascii=False)
        _replace_whole(folder / VALUES_FILE, lambda handle: handle.write(header.encode("utf-8")))

    @classmethod
    def load(cls, folder: Path, writable: bool = False) -> tuple["FacetArrays", dict] | None:
        """Arrays saved by `save` and their header ({stamp, size, live}); None when there are
        none, or they cannot be read (the caller builds them from the index)."""
        try:
            header = json.loads((folder / VALUES_FILE).read_text(encoding="utf-8"))
            arrays = cls(0)
            arrays.size = int(header["size"])
            for name in list(arrays._arrays()) + ["ids"]:
                array = np.load(folder / ARRAY_FILE.format(name=name), allow_pickle=False,
                                mmap_mode=None if writable else "r")
                array = np.asarray(array)     # a plain view of the mapped file (memmap indexing is slow)
                if array.shape != (arrays.size,):
                    return None
                if name == "ids":
                    arrays.ids = array.astype(object) if writable else array
                else:
                    arrays._set(name, np.array(array) if writable else array)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        arrays.values = {name: list(header["values"].get(name, [])) for name in FACETS}
        arrays.long_titles = {int(d): title for d, title in header.get("long_titles", {}).items()}
        arrays._index = {name: {v: i for i, v in enumerate(values)} for name, values in arrays.values.items()}
        return arrays, header

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


def _replace_whole(target: Path, write) -> None:
    """Write a file beside `target` with `write(handle)`, then put it in target's place."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    with open(temporary, "wb") as handle:
        write(handle)
    os.replace(temporary, target)


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
    """The page of a query sorted by title, or newest first (year, then last update); ties by id."""
    docnums = np.flatnonzero(final)
    if query.sort == "title":
        order = np.argsort(arrays.title_rank[docnums], kind="stable")
    else:
        order = np.lexsort((arrays.id_rank[docnums], -arrays.updated[docnums], -arrays.year[docnums]))
    return [(int(d), 0.0) for d in docnums[order][query.offset:query.offset + query.limit]]


def leading_hits(fetch, count: int, ids, first: int | None = None) -> list[tuple[int, float]]:
    """The `count` best hits and every hit tied with the last of them, by score, then id.

    `fetch(n)` reads up to n of the engine's best hits and answers (hits, lowest, exhausted):
    the (document, score) pairs the query keeps, the lowest score read, and whether nothing
    was left unread. Reading grows until the ties at the page's end are all in: an engine
    breaks ties by where it stored a document, which a rebuild changes; the id does not.
    """
    wanted = first or max(64, 4 * count)     # (an engine that filters after reading needs more)
    while True:
        hits, lowest, exhausted = fetch(wanted)
        hits = sorted(hits, key=lambda hit: (-hit[1], ids[hit[0]]))
        if exhausted or (len(hits) >= count and hits[count - 1][1] > lowest):
            if len(hits) > count:
                floor = hits[count - 1][1]
                hits = [hit for hit in hits if hit[1] >= floor]
            return hits
        wanted *= 4


def swap_in(staging, index_dir, lock) -> None:
    """Put a freshly built index folder in place of the old one, under the writer lock (a
    reader sees the old folder or the new one, never half of either)."""
    old = index_dir.with_name(f"index.old-{uuid.uuid4().hex}")
    with lock:
        if index_dir.exists():
            os.replace(index_dir, old)
        os.replace(staging, index_dir)
        shutil.rmtree(old, ignore_errors=True)
