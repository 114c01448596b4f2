"""Ingestion: read hub exports, normalize, de-duplicate, store and index."""
