"""Search behind one seam (kms/search/engine.py): the engine is chosen by the setting
SEARCH_ENGINE (KMS_SEARCH_ENGINE, default whoosh) and shared within a process per index folder.

Above the seam, once for every engine: parse.py (the user's words), corrector.py, service.py
(paging, the correction policy), present.py (highlights, facet labels), analysis.py (tokens,
stop words, stems), documents.py (record -> index document).
"""
from __future__ import annotations

import threading
from pathlib import Path

from kms.config import index_dir
from kms.search.query import FACETS, SORTS, ParameterError, SearchQuery  # noqa: F401


def _whoosh(path: Path):
    from kms.search.whoosh_engine import WhooshEngine
    return WhooshEngine(path)


# engine name -> factory(index folder); the contract suite runs against every one
ENGINES = {"whoosh": _whoosh}
_SHARED: dict[tuple[str, str], object] = {}
_LOCK = threading.Lock()


def engine_for(config: dict):
    """The configured engine for this configuration's index folder (one per process)."""
    name = config.get("SEARCH_ENGINE") or "whoosh"
    if name not in ENGINES:
        raise ValueError(f"SEARCH_ENGINE must be one of {', '.join(ENGINES)} (got {name!r})")
    path = index_dir(config)
    with _LOCK:
        if (name, str(path)) not in _SHARED:
            _SHARED[(name, str(path))] = ENGINES[name](path)
        return _SHARED[(name, str(path))]
