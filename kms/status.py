"""The state of the store and the index, for `kms status` and /healthz."""
from __future__ import annotations

from kms.records import count_records
from kms.search import analysis, engine_for, index_engine
from kms.search.engine import IndexDamaged
from kms.sync import pending_ids, state


def status(db, config: dict) -> dict:
    records = count_records(db)
    engine = engine_for(config)
    exists = engine.exists()
    documents = None
    if exists:
        try:
            documents = engine.document_count()
        except IndexDamaged:
            exists = False
    damaged = state(db, "damaged")
    version = engine.analysis_version() if exists else None
    index = {"engine": engine.name, "exists": exists, "documents": documents,
             "analysis_version": version, "analysis_current": version == analysis.VERSION,
             "generation": int(state(db, "generation") or 0), "pending": len(pending_ids(db)),
             "damaged": damaged, "built_by": index_engine(config)}
    ok = exists and damaged is None and version == analysis.VERSION
    return {"ok": ok, "store": {"ok": True, "records": records}, "index": index}
