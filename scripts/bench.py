"""Search latency on a synthetic Indonesian corpus, next to a bare SQLite FTS5 baseline.

    python scripts/bench.py --sizes 10000 100000 [--repeat 5]

Builds a store of N records from the sample archetypes (real region codes, years, sectors,
awards, SDGs), builds the Whoosh index, and times a fixed query mix: top 20 with highlights and
every facet count. The baseline runs the same words through FTS5 with facets by GROUP BY.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from sample_archetypes import ARCHETYPES  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from indexer.reference import read_csv  # noqa: E402
from kms.config import load_config  # noqa: E402
from kms.db import open_db  # noqa: E402
from kms.indexing import rebuild_index  # noqa: E402
from kms.records import records_by_id  # noqa: E402
from kms.search import engine_for, service  # noqa: E402
from kms.search.query import SearchQuery  # noqa: E402
from kms.search.present import present  # noqa: E402

QUERIES = [{"q": "pelayanan"}, {"q": "antrian puskesmas"}, {"q": "sampah", "province": "73"},
           {"q": "perizinan online", "year_from": "2018"}, {"q": "akta kelahiran desa"},
           {"q": '"puskesmas keliling"'}, {"province": "35", "sector": "kesehatan"},
           {"year": ["2019", "2020"], "award": "top45"}, {"q": "layanan", "sdg": "3", "agency_type": "pemkab"},
           {"q": "pelayanan kesehatan puskesmas desa terpencil"},
           {"q": "di desa kami warga harus menempuh perjalanan jauh ke puskesmas untuk berobat dan sering "
                 "kehabisan obat, antrian pasien panjang sejak subuh, ibu hamil dan balita sulit mendapat "
                 "layanan kesehatan, petugas kurang, jalan rusak saat musim hujan dan tidak ada ambulans "
                 "untuk rujukan ke rumah sakit umum daerah"}]   # 40 words
FACET_SQL = ["province_code", "regency_code", "year", "agency_type", "sector", "award", "stage", "status"]


def corpus(n: int, seed: int = 7):
    rng = random.Random(seed)
    regions = [r for r in read_csv(ROOT / "data" / "regions" / "wilayah_prov_kabkota_2025.csv") if "." in r["kode"]]
    awards = ["none"] * 8 + ["top99", "top45", "top40", "terpuji"]
    for i in range(n):
        a = rng.choice(ARCHETYPES)
        region = rng.choice(regions)
        place = region["nama"].replace("Kabupaten ", "").replace("Kota ", "")
        year = rng.randint(2014, 2024)
        title = rng.choice(a["titles"]).replace("{acr}", f"SI{i % 977}").replace("{place}", place)
        yield {"id": f"b{i:06d}", "title": title,
               "summary": f"{title} mengatasi {a['problem']} melalui {a['solution']}.",
               "impact": a["impact"], "background": a["problem"], "resources": a["resources"],
               "sustainability": a["sustain"], "year": year, "agency": f"Pemerintah {region['nama']}",
               "agency_type": "pemkot" if region["nama"].startswith("Kota") else "pemkab",
               "province_code": region["kode_prov"], "regency_code": region["kode"],
               "regency_name": region["nama"], "sector": a["sector"], "sdgs": json.dumps(a["sdgs"]),
               "award": rng.choice(awards), "stage": rng.choice(["penerapan", "uji_coba", "inisiatif"]),
               "status": rng.choice(["berlanjut", "berhenti", "unknown"]), "photos": "[]",
               "updated_at": f"{year}-06-01", "content_hash": str(i)}


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return f"median {statistics.median(samples):7.1f} ms  p95 {p95:7.1f} ms"


def bench(n: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "kms.db")
        with db.atomic():
            db["innovations"].insert_all(corpus(n), batch_size=2000)
            db["sources"].insert_all(({"hub": "bench", "source_id": f"s{i}", "record_id": f"b{i:06d}"}
                                      for i in range(n)), batch_size=5000)
        engine = engine_for(load_config({"DATA_DIR": tmp}))
        start = time.perf_counter()
        rebuild_index(db, engine)
        build = time.perf_counter() - start
        queries = [SearchQuery.from_args(MultiDict([(k, v) for k, vs in q.items()
                                                    for v in (vs if isinstance(vs, list) else [vs])]))
                   for q in QUERIES]
        def page(query):   # what a search page does: search, its records, highlights, labels
            result = service.search(engine, query)
            return present(result, records_by_id(db, [hit.id for hit in result.hits]))

        page(queries[0])   # first search loads the facet arrays
        whoosh_times = []
        for query in queries:
            whoosh_times += timed(lambda: page(query), repeat)
        db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, summary, impact, content='innovations', "
                   "content_rowid='rowid')")
        db.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
        fts_times = []
        for q in QUERIES:
            fts_times += timed(lambda: fts_query(db, q), repeat)
        print(f"N={n:>7}: index build {build:6.1f} s")
        print(f"  {engine.name + '+facets':<14} {summary(whoosh_times)}")
        print(f"  fts5+group by  {summary(fts_times)}")
        print(f"  ratio (median) {statistics.median(whoosh_times) / statistics.median(fts_times):.1f}x")
        similar_times, suggest_times = similar_bench(db, engine, n)
        print(f"  similar items  {summary(similar_times)}  ({len(similar_times)} records, top 10 with reasons)")
        print(f"  suggest        {summary(suggest_times)}  ({len(suggest_times)} calls, {len(PROBLEMS)} problems)")


PROBLEMS = ["warga desa harus menempuh jarak jauh untuk mengurus akta kelahiran",
            "antrian pasien puskesmas mengular sejak subuh", "sampah menumpuk di sungai",
            "angka stunting balita tinggi", "pengelolaan limbah nuklir di stasiun luar angkasa"]


def similar_bench(db, engine, n: int, samples: int = 60) -> tuple[list[float], list[float]]:
    """One similar-items call per record for `samples` different records (nothing cached
    between them but stems), then each problem sentence through the suggestions."""
    from kms.records import records_by_id
    from kms.similar import similar_to
    from kms.suggest import suggest

    rng = random.Random(11)
    ids = [f"b{rng.randrange(n):06d}" for _ in range(samples)]
    records = records_by_id(db, ids)
    similar_to(db, engine, records[ids[0]], 10)   # warm the searcher and the stemmer
    times = []
    for record_id in ids[1:]:
        times += timed(lambda: similar_to(db, engine, records[record_id], 10), 1)
    suggest_times = []
    for problem in PROBLEMS:
        suggest_times += timed(lambda: suggest(db, engine, problem, "73.07"), 3)
    return times, suggest_times


def fts_query(db, q: dict) -> None:
    where, params = ["1=1"], []
    if q.get("q"):
        words = " OR ".join(f'"{w}"' for w in re.findall(r"\w+", q["q"]))   # the words ORed
        where.append("rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
        params.append(words)
    for key, column in (("province", "province_code"), ("sector", "sector"), ("award", "award"),
                        ("agency_type", "agency_type")):
        if q.get(key):
            where.append(f"{column} = ?")
            params.append(q[key])
    sql = " AND ".join(where)
    if q.get("q"):
        list(db.query(f"SELECT i.id, i.title, snippet(fts, 1, '<mark>', '</mark>', '…', 20) FROM fts "
                      f"JOIN innovations i ON fts.rowid = i.rowid WHERE fts MATCH ? AND "
                      f"{' AND '.join(where[2:]) or '1=1'} ORDER BY rank LIMIT 20", params))
    else:
        list(db.query(f"SELECT id, title FROM innovations WHERE {sql} ORDER BY year DESC LIMIT 20", params))
    for column in FACET_SQL:
        list(db.query(f"SELECT {column}, count(*) FROM innovations WHERE {sql} GROUP BY {column}", params))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for n in args.sizes:
        bench(n, args.repeat)


if __name__ == "__main__":
    main()
