"""Precision and recall of cross-hub de-duplication on the labelled samples.

Loads every bundled sample into a temporary store, then compares pairs of sources that
ended in one canonical record with pairs the labels say are the same innovation.

    python scripts/eval_dedupe.py [--verbose]
"""
from __future__ import annotations

import csv
import itertools
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.pipeline import ingest_samples  # noqa: E402
from indexer.reference import SAMPLES_DIR  # noqa: E402
from kms.db import open_db  # noqa: E402


def pairs(groups: dict[str, set]) -> set[frozenset]:
    return {frozenset(p) for members in groups.values() for p in itertools.combinations(sorted(members), 2)}


def evaluate(db) -> dict:
    labels = {}
    with open(SAMPLES_DIR / "labels" / "same_innovation.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            labels[(row["hub"], row["source_id"])] = row["innovation"]
    found: dict[str, set] = {}
    truth: dict[str, set] = {}
    for row in db.query("SELECT hub, source_id, record_id FROM sources WHERE dropped_at IS NULL"):
        source = (row["hub"], row["source_id"])
        if source not in labels:
            continue
        found.setdefault(row["record_id"], set()).add(source)
        truth.setdefault(labels[source], set()).add(source)
    predicted, actual = pairs(found), pairs(truth)
    hits = predicted & actual
    return {"precision": len(hits) / len(predicted) if predicted else 1.0,
            "recall": len(hits) / len(actual) if actual else 1.0,
            "predicted_pairs": len(predicted), "true_pairs": len(actual),
            "false_merges": sorted(tuple(sorted(p)) for p in predicted - actual),
            "missed": sorted(tuple(sorted(p)) for p in actual - predicted)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "kms.db")
        ingest_samples(db, kinds=("innovations",))
        result = evaluate(db)
    print(f"pasangan benar: {result['true_pairs']}, pasangan digabung: {result['predicted_pairs']}")
    print(f"precision {result['precision']:.3f}  recall {result['recall']:.3f}")
    if "--verbose" in sys.argv:
        for pair in result["false_merges"]:
            print("  salah gabung:", pair)
        for pair in result["missed"]:
            print("  terlewat:", pair)


if __name__ == "__main__":
    main()
