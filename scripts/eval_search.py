"""How well search finds what people ask for, on a corpus written with the variety of real hub
exports (data/eval/search/: corpus.jsonl, queries.jsonl with graded judgments, README.md).

Loads the corpus into a temporary store (through the normal ingest, as the hub "eval"), builds
the index, then runs every query through `/api/search` (and the problem statements through
`/api/suggest`) and, in the same run, through a fixed baseline: SQLite FTS5 `bm25()` with the
unicode61 tokenizer, the query's words ORed, no stemming, the title weighted 2x.

Prints nDCG@10 (gains 2^grade - 1) and recall@20 (grade >= 1) per kind of query and split
(calibrate / test), and for the queries with no relevant record the share answered with
`no_close_match` (the baseline: the share answered with nothing).

    python scripts/eval_search.py [--verbose] [--kind KIND] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.mapping import load_mapping  # noqa: E402
from indexer.pipeline import ingest_files  # noqa: E402
from kms.app import create_app  # noqa: E402
from kms.config import load_config  # noqa: E402
from kms.db import open_db  # noqa: E402
from kms.sync import sync_all  # noqa: E402

EVAL = ROOT / "data" / "eval" / "search"
SECTIONS = ("summary", "background", "goals", "novelty", "implementation", "impact",
            "adaptability", "resources", "sustainability")
MAPPING = """
name = "eval"
format = "jsonl"
id = "id"

[fields]
title = "title"
agency = "agency"
region = "region"
year = "year"
""" + "".join(f'{name} = "{name}"\n' for name in SECTIONS) + """
[html]
fields = [""" + ", ".join(f'"{name}"' for name in SECTIONS) + "]\n"
KINDS = ("short", "problem", "typo", "agency_region", "english", "none")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def dcg(grades: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg(ranked: list[str], judgments: dict[str, int], k: int = 10) -> float:
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    return dcg([judgments.get(i, 0) for i in ranked[:k]]) / ideal if ideal else 0.0


def recall(ranked: list[str], judgments: dict[str, int], k: int = 20) -> float:
    relevant = {i for i, g in judgments.items() if g >= 1}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


# -- the baseline ----------------------------------------------------------------------------------
def baseline_index(corpus: list[dict]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, body, tokenize='unicode61')")
    for record in corpus:
        body = " ".join(str(record.get(name) or "") for name in (*SECTIONS, "agency", "region"))
        conn.execute("INSERT INTO fts VALUES (?, ?, ?)", [record["id"], record.get("title") or "",
                                                          re.sub(r"<[^>]+>", " ", body)])
    return conn


def baseline(conn, q: str, limit: int = 20) -> list[str]:
    words = re.findall(r"\w+", q.lower())
    if not words:
        return []
    match = " OR ".join(f'"{w}"' for w in words)
    rows = conn.execute("SELECT id FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 0, 2.0, 1.0) LIMIT ?",
                        [match, limit]).fetchall()
    return [r[0] for r in rows]


# -- the project -----------------------------------------------------------------------------------
def build_store(folder: Path, corpus_path: Path):
    mapping_path = folder / "eval.toml"
    mapping_path.write_text(MAPPING, encoding="utf-8")
    db = open_db(folder / "kms.db")
    report = ingest_files(db, [corpus_path], load_mapping(mapping_path))
    config = load_config({"DATA_DIR": str(folder)})
    sync_all(config, db)
    to_corpus: dict[str, set[str]] = defaultdict(set)
    for row in db.query("SELECT source_id, record_id FROM sources WHERE hub = 'eval'"):
        to_corpus[row["record_id"]].add(row["source_id"])
    db.close()
    return config, to_corpus, report


def ranked_corpus_ids(results: list[dict], to_corpus: dict[str, set[str]], judgments: dict) -> list[str]:
    """Stored records -> corpus ids (a record merged from several corpus records counts as its
    best-judged one)."""
    out = []
    for item in results:
        ids = sorted(to_corpus.get(item["id"], ()), key=lambda i: -judgments.get(i, 0))
        if ids:
            out.append(ids[0])
    return out


def evaluate(corpus_path: Path = EVAL / "corpus.jsonl", queries_path: Path = EVAL / "queries.jsonl",
             kind: str | None = None, verbose: bool = False) -> list[dict]:
    """One row of figures per query (ours and the baseline's)."""
    corpus, queries = load(corpus_path), load(queries_path)
    if kind:
        queries = [q for q in queries if q["kind"] == kind]
    conn = baseline_index(corpus)
    with tempfile.TemporaryDirectory() as tmp:
        config, to_corpus, report = build_store(Path(tmp), corpus_path)
        client = create_app({"TESTING": True, "DATA_DIR": config["DATA_DIR"], "RATE_LIMIT": 0}).test_client()   # its load is its own
        merged = sum(1 for ids in to_corpus.values() if len(ids) > 1)
        print(f"corpus: {len(corpus)} records -> {len(to_corpus)} stored ({merged} merged, "
              f"{report.quarantined} quarantined); {len(queries)} queries")
        rows = []
        for query in queries:
            body = client.get("/api/search", query_string={"q": query["q"], "per_page": 20}).get_json()
            ours = ranked_corpus_ids(body.get("results", []), to_corpus, query["judgments"])
            base = baseline(conn, query["q"])
            row = {"id": query["id"], "kind": query["kind"], "split": query["split"], "q": query["q"],
                   "no_close_match": bool(body.get("no_close_match")), "match": body.get("match"),
                   "total": body.get("total"), "corrected_query": body.get("corrected_query"),
                   "ours": ours[:10], "base": base[:10]}
            if query["kind"] == "none":
                row.update(ours_ok=float(body.get("no_close_match", False)), base_ok=float(not base))
            else:
                row.update(ndcg=ndcg(ours, query["judgments"]), recall=recall(ours, query["judgments"]),
                           base_ndcg=ndcg(base, query["judgments"]), base_recall=recall(base, query["judgments"]))
            if query["kind"] == "problem":
                suggested = client.get("/api/suggest", query_string={"problem": query["q"], "limit": 10}).get_json()
                row["suggest_ndcg"] = ndcg(ranked_corpus_ids(suggested.get("results", []), to_corpus,
                                                             query["judgments"]), query["judgments"])
            rows.append(row)
            if verbose:
                figure = (f"ndcg {row['ndcg']:.2f} (base {row['base_ndcg']:.2f})" if "ndcg" in row
                          else f"no_close_match {row['no_close_match']}")
                print(f"{query['id']} [{query['kind']}/{query['split']}] {query['q'][:60]!r}: {figure}; "
                      f"match {row['match']}, total {row['total']}"
                      + (f", corrected {row['corrected_query']!r}" if row["corrected_query"] else ""))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--kind", choices=KINDS)
    parser.add_argument("--json", type=Path, help="also write every query's figures here")
    parser.add_argument("--corpus", type=Path, default=EVAL / "corpus.jsonl")
    parser.add_argument("--queries", type=Path, default=EVAL / "queries.jsonl")
    args = parser.parse_args()
    rows = evaluate(args.corpus, args.queries, args.kind, args.verbose)
    report_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def report_table(rows: list[dict]) -> None:
    print(f"\n{'kind':<14}{'split':<10}{'n':>4}{'nDCG@10':>10}{'base':>8}{'R@20':>8}{'base':>8}")
    for kind in KINDS:
        for split in ("calibrate", "test", "all"):
            chosen = [r for r in rows if r["kind"] == kind and (split == "all" or r["split"] == split)]
            if not chosen:
                continue
            if kind == "none":
                print(f"{kind:<14}{split:<10}{len(chosen):>4}{_mean(r['ours_ok'] for r in chosen):>10.3f}"
                      f"{_mean(r['base_ok'] for r in chosen):>8.3f}   (share answered no_close_match / nothing)")
            else:
                print(f"{kind:<14}{split:<10}{len(chosen):>4}{_mean(r['ndcg'] for r in chosen):>10.3f}"
                      f"{_mean(r['base_ndcg'] for r in chosen):>8.3f}{_mean(r['recall'] for r in chosen):>8.3f}"
                      f"{_mean(r['base_recall'] for r in chosen):>8.3f}")
    judged = [r for r in rows if r["kind"] != "none"]
    for split in ("calibrate", "test", "all"):
        chosen = [r for r in judged if split == "all" or r["split"] == split]
        if chosen:
            print(f"{'overall':<14}{split:<10}{len(chosen):>4}{_mean(r['ndcg'] for r in chosen):>10.3f}"
                  f"{_mean(r['base_ndcg'] for r in chosen):>8.3f}{_mean(r['recall'] for r in chosen):>8.3f}"
                  f"{_mean(r['base_recall'] for r in chosen):>8.3f}")
    suggest = [r["suggest_ndcg"] for r in rows if "suggest_ndcg" in r]
    if suggest:
        print(f"/api/suggest on the problem statements: nDCG@10 {_mean(suggest):.3f} ({len(suggest)} queries)")


if __name__ == "__main__":
    raise SystemExit(main())
