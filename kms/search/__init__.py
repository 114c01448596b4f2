"""The search interface: one engine object per index folder, whatever engine stands behind it.

An engine offers `search(SearchQuery) -> dict` (total, hits, facets, corrected_query,
corrected), `matching_ids(SearchQuery)`, `suggest(prefix)`, `update(db, record_ids)` (add or
rewrite records), `rebuild(db)`, `ready(db)` (rebuild when missing), and for similar
innovations `similar_candidates`, `phrase_frequency` and `document_frequencies`. Whoosh stands
behind it today (kms/search/whoosh_engine.py).
"""
from __future__ import annotations

import threading

from kms.config import index_dir
from kms.search.query import FACETS, SORTS, ParameterError, SearchQuery  # noqa: F401

_ENGINES: dict[str, object] = {}
_LOCK = threading.Lock()


def search_service(config: dict):
    """The engine for this configuration's index folder (shared within the process)."""
    from kms.search.whoosh_engine import WhooshEngine

    path = str(index_dir(config))
    with _LOCK:
        if path not in _ENGINES:
            _ENGINES[path] = WhooshEngine(index_dir(config))
        return _ENGINES[path]
