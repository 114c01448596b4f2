"""How well similar-innovations ranking and candidate detection find known replications.

Loads every bundled innovation sample (not the replication export, so detection is judged on
its own), builds the index, then, with data/samples/labels/similar.csv:
  recall@10       share of true (original, replica) pairs whose replica is in the original's
                  top 10 similar innovations
  MRR             mean reciprocal rank of the replica
  look-alikes above  share of labelled look-alikes (same words for another service, same agency
                  with another innovation, same title in another sector) ranked above the
                  true replica of the same original
  detection       candidate replications detected over the whole store against the labelled
                  pairs (precision, recall)

    python scripts/eval_similar.py [--verbose]
"""
from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.pipeline import ingest_samples  # noqa: E402
from indexer.reference import SAMPLES_DIR  # noqa: E402
from kms.config import load_config  # noqa: E402
from kms.db import open_db  # noqa: E402
from kms.records import records_by_id  # noqa: E402
from kms.replication import detect_candidates  # noqa: E402
from kms.indexing import rebuild_index  # noqa: E402
from kms.search import engine_for  # noqa: E402
from kms.similar import similar_to  # noqa: E402

DEPTH = 50


def uid_to_record(db) -> dict[str, str]:
    """Sample innovation uid -> stored record id (through the hubs' source ids)."""
    sources = {(r["hub"], r["source_id"]): r["record_id"] for r in db.query(
        "SELECT hub, source_id, record_id FROM sources")}
    out = {}
    with open(SAMPLES_DIR / "labels" / "same_innovation.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            record = sources.get((row["hub"], row["source_id"]))
            if record:
                out[row["innovation"]] = record
    return out


def evaluate(db, engine, verbose: bool = False) -> dict:
    ids = uid_to_record(db)
    with open(SAMPLES_DIR / "labels" / "similar.csv", encoding="utf-8") as handle:
        labels = list(csv.DictReader(handle))
    replicas = {row["anchor"]: row["other"] for row in labels if row["relation"] == "replica"}
    lookalikes = [row for row in labels if row["relation"] == "lookalike"]
    ranks: dict[str, list[str]] = {}
    for anchor in {*replicas, *(row["anchor"] for row in lookalikes)}:
        record = records_by_id(db, [ids[anchor]])[ids[anchor]]
        ranks[anchor] = [s.id for s in similar_to(db, engine, record, limit=DEPTH)]

    def rank(anchor: str, uid: str) -> int | None:
        order = ranks[anchor]
        return order.index(ids[uid]) + 1 if ids.get(uid) in order else None

    found = [rank(anchor, replica) for anchor, replica in replicas.items()]
    recall = sum(1 for r in found if r and r <= 10) / len(found)
    mrr = sum(1 / r for r in found if r) / len(found)
    above = 0
    for row in lookalikes:
        true_rank = rank(row["anchor"], replicas[row["anchor"]]) or DEPTH + 1
        look_rank = rank(row["anchor"], row["other"]) or DEPTH + 2
        above += look_rank < true_rank
        if verbose:
            print(f"  {row['anchor']} {row['kind']}: replika #{true_rank}, mirip #{look_rank}")
    if verbose:
        for (anchor, replica), r in zip(replicas.items(), found):
            print(f"  {anchor} -> {replica}: peringkat {r}")
    detect_candidates(db, engine)
    detected = {(r["original_id"], r["replica_id"]) for r in db.query(
        "SELECT original_id, replica_id FROM replications WHERE status = 'candidate'")}
    truth = {(ids[a], ids[r]) for a, r in replicas.items()}
    hits = detected & truth
    return {"pairs": len(found), "recall_at_10": recall, "mrr": mrr,
            "lookalikes": len(lookalikes), "lookalikes_above": above / len(lookalikes) if lookalikes else 0.0,
            "candidates": len(detected), "detected_true": len(hits),
            "detection_precision": len(hits) / len(detected) if detected else 1.0,
            "detection_recall": len(hits) / len(truth)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "kms.db")
        ingest_samples(db, kinds=("innovations",))
        engine = engine_for(load_config({"DATA_DIR": tmp}))
        rebuild_index(db, engine)
        result = evaluate(db, engine, "--verbose" in sys.argv)
    print(f"pasangan replikasi berlabel: {result['pairs']}; tiruan berlabel: {result['lookalikes']}")
    print(f"recall@10 {result['recall_at_10']:.3f}  MRR {result['mrr']:.3f}  "
          f"tiruan di atas replika {result['lookalikes_above']:.3f}")
    print(f"deteksi kandidat: {result['candidates']} kandidat, {result['detected_true']} benar; "
          f"precision {result['detection_precision']:.3f}  recall {result['detection_recall']:.3f}")


if __name__ == "__main__":
    main()
