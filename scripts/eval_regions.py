"""Region resolution against real spellings: tests/fixtures/region_spellings*.csv (each row a
spelling as a public document wrote it, the Kemendagri 2025 code it names or none, and its
source; table b was assembled by a second helper who saw neither the resolver nor table a). Prints accuracy overall and per kind, wrong codes (worse than none), the answers that
would be flagged for review, and every miss.

    python3 scripts/eval_regions.py [--misses] [--json]
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.regions import REVIEW, resolve_region  # noqa: E402

TABLES = sorted((ROOT / "tests" / "fixtures").glob("region_spellings*.csv"))


def evaluate(rows: list[dict]) -> dict:
    kinds, right, wrong, flagged, misses = Counter(), Counter(), [], [], []
    for row in rows:
        expected = row["expected_code"] or None
        found = resolve_region(row["spelling"])
        kinds[row["kind"]] += 1
        if found.code == expected:
            right[row["kind"]] += 1
            if expected and found.confidence < REVIEW:
                flagged.append((row["spelling"], found.code, round(found.confidence, 2), found.reason))
            continue
        entry = (row["kind"], row["spelling"], expected, found.code, round(found.confidence, 2), found.reason)
        (wrong if found.code else misses).append(entry)
    total = sum(kinds.values())
    return {"rows": total, "accuracy": round(sum(right.values()) / total, 3),
            "by_kind": {k: {"rows": n, "accuracy": round(right[k] / n, 3)} for k, n in sorted(kinds.items())},
            "wrong_codes": wrong, "missed": misses, "right_but_flagged": flagged}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="List every miss and wrong code.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {}
    for table in TABLES:
        with open(table, encoding="utf-8", newline="") as handle:
            results[table.name] = evaluate(list(csv.DictReader(handle)))
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return 0
    for name, result in results.items():
        print(f"== {name}")
        show(result, args.misses)
    return 0


def show(result: dict, misses: bool) -> None:
    print(f"{result['rows']} spellings: accuracy {result['accuracy']:.3f}; wrong codes {len(result['wrong_codes'])}; "
          f"missed {len(result['missed'])}; right but below {REVIEW} (flagged) {len(result['right_but_flagged'])}")
    for kind, figures in result["by_kind"].items():
        print(f"  {kind:13} {figures['rows']:4}  {figures['accuracy']:.3f}")
    if misses:
        for title, entries in (("wrong", result["wrong_codes"]), ("missed", result["missed"]),
                               ("flagged", result["right_but_flagged"])):
            print(f"-- {title}")
            for entry in entries:
                print("  ", " | ".join(str(e) for e in entry))


if __name__ == "__main__":
    raise SystemExit(main())
