"""Where the committed reference data lives, and small readers for it."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from indexer.textnorm import key

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
REGIONS_DIR = DATA_DIR / "regions"
VOCAB_DIR = DATA_DIR / "vocabularies"
HUBS_DIR = DATA_DIR / "hubs"
SAMPLES_DIR = DATA_DIR / "samples"


def read_csv(path: Path, fieldnames: list[str] | None = None) -> list[dict[str, str]]:
    """Rows of a UTF-8 reference CSV as dicts, values stripped."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, fieldnames=fieldnames)
        return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


@lru_cache(maxsize=None)
def vocabulary(name: str) -> tuple[dict[str, str], ...]:
    """A vocabulary file from data/vocabularies by stem (e.g. "award_tiers")."""
    return tuple(read_csv(VOCAB_DIR / f"{name}.csv"))


@lru_cache(maxsize=None)
def urusan_labels() -> dict[str, str]:
    """Urusan key -> Indonesian name."""
    return {row["key"]: row["name"] for row in vocabulary("urusan_pemerintahan")}


@lru_cache(maxsize=None)
def award_labels() -> dict[str, str]:
    """Award tier key -> label."""
    return {row["key"]: row["label"] for row in vocabulary("award_tiers")}


@lru_cache(maxsize=None)
def sdg_labels() -> dict[int, str]:
    """SDG number -> Indonesian name."""
    return {int(row["number"]): row["name_id"] for row in vocabulary("sdgs")}


@lru_cache(maxsize=None)
@lru_cache(maxsize=None)
def category_labels() -> dict[str, str]:
    """Category key -> label (data/vocabularies/categories.csv)."""
    return {row["key"]: row["label"] for row in vocabulary("categories")}


@lru_cache(maxsize=None)
def category_variants() -> dict[str, str]:
    """key(spelling) -> category key: each key, label and listed variant."""
    from_key = {}
    for row in vocabulary("categories"):
        for spelling in [row["key"], row["label"], *row["variants"].split(";")]:
            if spelling.strip():
                from_key[key(spelling)] = row["key"]
    return from_key


def agency_type_labels() -> dict[str, str]:
    """Agency type key -> label."""
    return {row["key"]: row["label"] for row in vocabulary("agency_types")}
