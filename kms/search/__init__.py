"""Search behind one seam (kms/search/engine.py): the engine is chosen by the setting
SEARCH_ENGINE (KMS_SEARCH_ENGINE, default whoosh) and shared within a process per index folder.

Above the seam, once for every engine: parse.py (the user's words), corrector.py, service.py
(paging, the correction policy), present.py (highlights, facet labels), analysis.py (tokens,
stop words, stems), documents.py (record -> index document).
"""
from __future__ import annotations

import importlib
import threading
from pathlib import Path

from kms.config import index_dir


def _plugin(target: str):
    """A factory(index folder) for "module:Class", imported when first used: an engine's
    library (Whoosh, tantivy) loads only in processes that use that engine."""
    module, name = target.split(":")

    def factory(path: Path):
        return getattr(importlib.import_module(module), name)(path)
    factory.target = target
    return factory


# engine name -> factory(index folder); the contract suite runs against every one
ENGINES = {"whoosh": _plugin("kms.search.whoosh_engine:WhooshEngine"),
           "tantivy": _plugin("kms.search.tantivy_engine:TantivyEngine")}
# a file each engine's index folder holds (found without importing the engine's library)
ENGINE_MARKERS = {"whoosh": "_MAIN_*.toc", "tantivy": "kms-meta.json"}
_SHARED: dict[tuple[str, str], object] = {}


def index_engine(config: dict) -> str | None:
    """Which engine built the index folder of this configuration (None: no index there)."""
    folder = index_dir(config)
    for name, marker in ENGINE_MARKERS.items():
        if folder.is_dir() and any(folder.glob(marker)):
            return name
    return None
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


def forget_engines() -> None:
    """Drop this process's engines (before a fork: each child opens its own)."""
    with _LOCK:
        _SHARED.clear()
