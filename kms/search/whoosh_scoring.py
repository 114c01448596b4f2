"""BM25F over the live documents of a Whoosh index.

Whoosh keeps a deleted (or rewritten) document in its segment until a merge, and its statistics
count it: the document frequency, the document count and the total field length behind the
average. An index updated in place would then score the same document differently from one
rebuilt from the same store. Here the statistics come from the live documents only, so the
score of a document depends on the live documents and nothing else: not on which segment holds
it, nor on what was deleted before.

Segments without deletions keep Whoosh's own figures (cheap); a segment with deletions counts
its live postings, and subtracts the exact field lengths its deleted documents stored
(`lengths`, written by the engine with every document).
"""
from __future__ import annotations

import threading
from math import log

from whoosh.scoring import BM25F, BM25FScorer

LENGTHS = "lengths"          # the stored field: {field: number of terms}


class LiveStats:
    """Live statistics of one searcher's reader (a searcher sees one generation)."""

    def __init__(self, reader):
        self._reader = reader
        self._leaves = list(reader.leaf_readers())
        self.has_deletions = reader.has_deletions()
        self.count = reader.doc_count()
        self._lengths: dict[str, float] = {}
        self._terms: dict[tuple[str, str], tuple[int, float]] = {}
        self._lock = threading.Lock()

    def term(self, field: str, text: str) -> tuple[int, float]:
        """(documents, occurrences) of a term among the live documents."""
        key = (field, text)
        found = self._terms.get(key)
        if found is not None:
            return found
        docs, weight = 0, 0.0
        for leaf, _offset in self._leaves:
            if (field, text) not in leaf:
                continue
            if not leaf.has_deletions():
                docs += leaf.doc_frequency(field, text)
                weight += leaf.frequency(field, text)
                continue
            matcher = leaf.postings(field, text)      # skips the deleted documents
            while matcher.is_active():
                docs += 1
                weight += matcher.weight()
                matcher.next()
        with self._lock:
            self._terms[key] = (docs, weight)
        return docs, weight

    def average_length(self, field: str) -> float:
        found = self._lengths.get(field)
        if found is not None:
            return found
        total = 0
        for leaf, _offset in self._leaves:
            total += leaf.field_length(field)
            if leaf.has_deletions():
                for docnum in leaf.deleted_docs_set:
                    total -= _stored_length(leaf, docnum, field)
        average = total / (self.count or 1)
        with self._lock:
            self._lengths[field] = average
        return average


def _stored_length(leaf, docnum: int, field: str) -> int:
    lengths = leaf.stored_fields(docnum).get(LENGTHS)
    if isinstance(lengths, dict) and field in lengths:
        return int(lengths[field])
    return int(leaf.doc_field_length(docnum, field))     # an index written before `lengths`


def live_stats(searcher) -> LiveStats:
    """The searcher's live statistics, made once per searcher."""
    parent = searcher.get_parent()
    stats = getattr(parent, "_kms_live_stats", None)
    if stats is None:
        stats = LiveStats(parent.reader())
        parent._kms_live_stats = stats
    return stats


class LiveBM25F(BM25F):
    """Whoosh's BM25F with statistics of the live documents (same formula, same parameters)."""

    def idf(self, searcher, fieldname, text):
        stats = live_stats(searcher)
        if not stats.has_deletions:
            return super().idf(searcher, fieldname, text)
        return log(stats.count / (stats.term(fieldname, text)[0] + 1)) + 1

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf=qf)
        return LiveBM25FScorer(searcher, fieldname, text, self._field_B.get(fieldname, self.B), self.K1, qf=qf)


class LiveBM25FScorer(BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, qf=1):
        stats = live_stats(searcher)
        parent = searcher.get_parent()
        self.idf = parent.idf(fieldname, text)
        self.avgfl = (stats.average_length(fieldname) if stats.has_deletions
                      else parent.avg_field_length(fieldname)) or 1
        self.B = B
        self.K1 = K1
        self.qf = qf
        self.setup(searcher, fieldname, text)
