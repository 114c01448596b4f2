"""Record what search shows on the bundled samples, to compare across refactors.

Builds a temporary store and index from the samples, then asks the JSON API (the same
answers the pages render) for search results and facet counts over a fixed set of queries,
filters, sorts and pages, for the similar items of every record and for replication
suggestions to a set of problem sentences. Writes one JSON file, or compares with one.

    python scripts/search_reference.py --write scripts/reference/search.json
    python scripts/search_reference.py --compare scripts/reference/search.json
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.pipeline import ingest_samples  # noqa: E402
from kms.app import create_app  # noqa: E402
from kms.db import open_db  # noqa: E402

QUERIES = [
    "", "puskesmas", "pelayanan", "layanan kesehatan", "antrian pasien", "stunting",
    "\"kartu identitas anak\"", "\"layanan keliling\"", "kependudukan", "e-budgeting",
    "sampah", "pendidikan sekolah", "desa", "posyandu balita", "pajak daerah online",
    "puskesmaas", "pelayann", "kesehtan", "digitalisasi", "aplikasi", "yang dan di",
    "\"", "kesehatan \"ibu hamil", "replikasi", "air bersih", "SAKIP", "umkm", "perizinan",
    "ktp", "inov", "pendud", "bencana banjir", "jalan rusak", "petani", "kopi",
    "smart city", "website", "whatsapp", "e-KTP", "GO-SAKIP", "bpjs",
]
FILTER_SETS = [
    {}, {"province": "35"}, {"province": ["35", "73"]}, {"year": "2021"},
    {"sector": "kesehatan"}, {"award": "top45"}, {"sdg": "3"}, {"hub": "jippnas"},
    {"stage": "penerapan"}, {"agency_type": "pemkab", "year_from": "2019", "year_to": "2021"},
    {"status": "berhenti"}, {"regency": "73.71"},
]
PROBLEMS = [
    "puskesmas di desa kami sering kehabisan obat dan warga harus ke kota",
    "antrian panjang di rumah sakit",
    "angka stunting tinggi pada balita",
    "sampah menumpuk di pasar",
    "warga sulit mengurus akta kelahiran dan KTP",
    "anak putus sekolah",
    "jalan desa rusak",
    "petani kesulitan menjual hasil panen",
    "xyzzy qwerty",
]


def build(folder: Path):
    """A store and index of every bundled sample in `folder`; returns a test client."""
    db = open_db(folder / "kms.db")
    ingest_samples(db)
    app = create_app({"DATA_DIR": str(folder), "TESTING": True, "RATE_LIMIT": 0})
    _prepare(app, db)
    db.close()
    return app.test_client()


def _prepare(app, db) -> None:
    """Bring the index (and candidate detection) in step with the store. (The reference in
    scripts/reference/ was written by this script's first version, at commit 13c7956.)"""
    from kms.sync import sync_all
    sync_all(app.config, db)


def _args(q: str, filters: dict, **extra) -> list[tuple[str, str]]:
    pairs = [("q", q)] if q else []
    for name, value in filters.items():
        for v in (value if isinstance(value, list) else [value]):
            pairs.append((name, v))
    pairs += [(k, str(v)) for k, v in extra.items()]
    return pairs


def record(client) -> dict:
    out = {"search": {}, "similar": {}, "suggest": {}}
    cases = [(q, {}, {}) for q in QUERIES]
    cases += [(q, f, {}) for q in ("", "layanan", "kesehatan") for f in FILTER_SETS[1:]]
    cases += [(q, {}, {"sort": s}) for q in ("", "layanan") for s in ("newest", "title")]
    cases += [(q, {}, {"page": p, "per_page": 7}) for q in ("", "layanan") for p in (1, 2, 5)]
    for q, filters, extra in cases:
        args = _args(q, filters, **extra)
        response = client.get("/api/search", query_string=args)
        body = response.get_json()
        key = "&".join(f"{k}={v}" for k, v in args) or "(empty)"
        if response.status_code != 200:
            out["search"][key] = {"status": response.status_code, "error": body}
            continue
        out["search"][key] = {
            "total": body["total"], "corrected_query": body["corrected_query"],
            "corrected": body["corrected"],
            "ids": [r["id"] for r in body["results"]],
            "scores": [r["score"] for r in body["results"]],
            "snippets": [r["snippet"] for r in body["results"][:3]],
            "facets": {name: {v["value"]: v["count"] for v in values}
                       for name, values in body["facets"].items()},
            "labels": {name: [v["label"] for v in values][:3] for name, values in body["facets"].items()},
        }
    ids = [r["id"] for r in client.get("/api/search", query_string={"per_page": 100, "sort": "title"})
           .get_json()["results"]]
    page = 2
    while True:
        more = client.get("/api/search", query_string={"per_page": 100, "sort": "title", "page": page}
                          ).get_json()["results"]
        if not more:
            break
        ids += [r["id"] for r in more]
        page += 1
    for record_id in sorted(ids):
        body = client.get(f"/api/innovations/{record_id}/similar", query_string={"limit": 5}).get_json()
        out["similar"][record_id] = [(r["id"], r["score"], r.get("reasons")) for r in body["results"]]
    for problem in PROBLEMS:
        body = client.get("/api/suggest", query_string={"problem": problem}).get_json()
        out["suggest"][problem] = {"no_close_match": body.get("no_close_match"),
                                   "ids": [(r["id"], r["score"]) for r in body.get("results", [])]}
    return out


def _shared_words_sorted(value):
    """Similar lists with the words of "kata yang sama" sorted: words of equal weight came in
    set order before the tie was broken by the word itself."""
    if not isinstance(value, list):
        return value
    return [[i, score, [("kata yang sama: " + ", ".join(sorted(r[16:].split(", "))))
                        if r.startswith("kata yang sama: ") else r for r in reasons]]
            for i, score, reasons in value]


def compare(old: dict, new: dict) -> list[str]:
    """Differences in a readable form, one line each."""
    lines = []
    for part in ("search", "similar", "suggest"):
        for key in sorted(set(old[part]) | set(new[part])):
            a, b = old[part].get(key), new[part].get(key)
            if a == b:
                continue
            if a is None or b is None:
                lines.append(f"{part} {key}: only in {'new' if a is None else 'old'}")
                continue
            if isinstance(a, dict):
                for field in sorted(set(a) | set(b)):
                    if a.get(field) != b.get(field):
                        lines.append(f"{part} {key} [{field}]: {_short(a.get(field))} -> {_short(b.get(field))}")
            else:
                lines.append(f"{part} {key}: {_short(a)} -> {_short(b)}")
    return lines


def _short(value, limit: int = 300) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "…"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path)
    group.add_argument("--compare", type=Path)
    parser.add_argument("--loose-ties", action="store_true",
                        help="compare the shared words of similar items as sets")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = record(build(Path(tmp)))
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                              encoding="utf-8")
        print(f"written {args.write}: {len(result['search'])} searches, {len(result['similar'])} "
              f"similar lists, {len(result['suggest'])} suggestions")
        return 0
    old = json.loads(args.compare.read_text(encoding="utf-8"))
    new = json.loads(json.dumps(result, ensure_ascii=False))
    if args.loose_ties:
        old = {**old, "similar": {k: _shared_words_sorted(v) for k, v in old["similar"].items()}}
        new = {**new, "similar": {k: _shared_words_sorted(v) for k, v in new["similar"].items()}}
    lines = compare(old, new)
    for line in lines:
        print(line)
    print(f"{len(lines)} differences")
    for part in ("search", "similar", "suggest"):
        changed = sum(old[part].get(k) != new[part].get(k) for k in set(old[part]) | set(new[part]))
        print(f"  {part}: {changed} of {len(new[part])} differ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
