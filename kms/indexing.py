"""The store -> index step: documents built from SQLite, handed to the engine, and what
follows the index (similarity signatures). The index can always be rebuilt from the store."""
from __future__ import annotations

from kms.records import index_documents
from kms.search import analysis
from kms.search.documents import index_document
from kms.similar import save_signatures


def rebuild_index(db, engine) -> int:
    """A fresh index of every record, then every signature; answers the document count."""
    count = engine.rebuild((index_document(r) for r in index_documents(db)), analysis.VERSION)
    save_signatures(db, engine)
    return count


def index_current(engine) -> bool:
    """An index is there, opens, and was built with today's analysis."""
    return engine.exists() and engine.analysis_version() == analysis.VERSION


def update_index(db, engine, record_ids) -> int:
    """Rewrite the index entries of these records in a current index (ids no longer stored are
    removed); kms.sync decides beforehand whether a rebuild is due instead."""
    record_ids = sorted(set(record_ids))
    if not record_ids:
        return 0
    documents = [index_document(r) for r in index_documents(db, record_ids)]
    engine.update(documents)
    gone = set(record_ids) - {d.id for d in documents}
    engine.remove(sorted(gone))
    save_signatures(db, engine, record_ids)
    return len(documents)
