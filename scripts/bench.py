"""One benchmark for the national scale: ingest, index, search, similar items, suggestions,
completeness and the HTTP server, per engine, next to a bare SQLite FTS5 baseline.

    python scripts/bench.py --sizes 10000 100000             # whoosh and tantivy
    python scripts/bench.py --sizes 1000000 --engines tantivy --million
    python scripts/bench.py --sizes 100000 --store /tmp/kms-bench   # reuse a built corpus

For each size N it writes a hub export of N synthetic records (the sample archetypes with real
region codes, years, sectors, awards, SDGs) and ingests it through the real pipeline into an
empty store (throughput), merges a fixed 2,000-row second hub onto a copy of the full store
(half re-sends written differently, half new), then for each engine: builds the index (time,
size), times a fixed query mix (top 20 with highlights and every facet count: median, p95,
p99), similar items, suggestions, the completeness dashboard right after an edit and `kms
check`, and serves the store with `kms serve` on 127.0.0.1 under 1, 10 and 50 concurrent
clients (throughput, latency, errors, the server's peak RSS). Results go to JSON and a
Markdown table (--out), with the ratios to the FTS5 baseline. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.client
import json
import os
import platform
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from click.testing import CliRunner  # noqa: E402
from sample_archetypes import ARCHETYPES  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from indexer.mapping import load_mapping  # noqa: E402
from indexer.pipeline import ingest_files  # noqa: E402
from indexer.reference import read_csv  # noqa: E402
from kms.accounts import AccountError, create_user  # noqa: E402
from kms.app import create_app  # noqa: E402
from kms.cli import main as kms_main  # noqa: E402
from kms.config import load_config  # noqa: E402
from kms.db import open_db  # noqa: E402
from kms.indexing import index_current  # noqa: E402
from kms.records import count_records, records_by_id  # noqa: E402
from kms.search import engine_for, index_engine, service  # noqa: E402
from kms.search.present import present  # noqa: E402
from kms.search.query import SearchQuery  # noqa: E402
from kms.similar import similar_to  # noqa: E402
from kms.suggest import suggest  # noqa: E402
from kms.sync import pending_ids, sync  # noqa: E402

PROBLEM = ("di desa kami warga harus menempuh perjalanan jauh ke puskesmas untuk berobat dan sering "
           "kehabisan obat, antrian pasien panjang sejak subuh, ibu hamil dan balita sulit mendapat "
           "layanan kesehatan, petugas kurang, jalan rusak saat musim hujan dan tidak ada ambulans "
           "untuk rujukan ke rumah sakit umum daerah")
QUERIES = [   # (kind, parameters)
    ("common word", {"q": "pelayanan"}),
    ("common words", {"q": "layanan kesehatan"}),
    ("rare word", {"q": "ambulans"}),
    ("two words", {"q": "antrian puskesmas"}),
    ("three words", {"q": "akta kelahiran desa"}),
    ("five words", {"q": "pelayanan kesehatan puskesmas desa terpencil"}),
    ("twelve words", {"q": "sistem informasi pengaduan masyarakat berbasis aplikasi android untuk "
                           "pelayanan publik kota cepat"}),
    ("problem", {"q": "warga desa harus menempuh jarak jauh untuk mengurus akta kelahiran"}),
    ("long problem", {"q": PROBLEM}),
    ("phrase", {"q": '"puskesmas keliling"'}),
    ("typos", {"q": "puskesmsa antiran"}),
    ("informal spelling", {"q": "perijinan onlen"}),
    ("english", {"q": "waste bank"}),
    ("english words", {"q": "birth certificate online"}),
    ("word + province", {"q": "sampah", "province": "73"}),
    ("words + year", {"q": "perizinan online", "year_from": "2018"}),
    ("word + sdg + type", {"q": "layanan", "sdg": "3", "agency_type": "pemkab"}),
    ("filters only", {"province": "35", "sector": "kesehatan"}),
    ("filters only, years", {"year": ["2019", "2020"], "award": "top45"}),
]
PROBLEMS = ["warga desa harus menempuh jarak jauh untuk mengurus akta kelahiran",
            "antrian pasien puskesmas mengular sejak subuh", "sampah menumpuk di sungai",
            "angka stunting balita tinggi", "pengelolaan limbah nuklir di stasiun luar angkasa"]
FACET_SQL = ["province_code", "regency_code", "year", "agency_type", "sector", "award", "stage", "status"]
EXPORT_COLUMNS = ["id", "title", "agency", "regency_name", "year", "sector", "sdgs", "award", "stage",
                  "status", "summary", "impact", "background", "resources", "sustainability", "updated_at"]
MAPPING = """name = "{name}"
format = "csv"
id = "id"
[fields]
title = "title"
agency = "agency"
region = "regency_name"
year = "year"
sector = "sector"
sdgs = "sdgs"
award = "award"
stage = "stage"
status = "status"
summary = "summary"
impact = "impact"
background = "background"
resources = "resources"
sustainability = "sustainability"
updated_at = "updated_at"
"""
MERGE_ROWS = 2000
PASSWORD = "bench-password-123"


# -- the corpus -------------------------------------------------------------------------


def corpus(n: int, seed: int = 7):
    """N hub rows: archetype titles and narratives in real regions, years, sectors, awards."""
    rng = random.Random(seed)
    regions = [r for r in read_csv(ROOT / "data" / "regions" / "wilayah_prov_kabkota_2025.csv") if "." in r["kode"]]
    awards = ["", "", "", "", "", "", "", "", "Top 99", "Top 45", "Top 40", "Terpuji"]
    for i in range(n):
        a = rng.choice(ARCHETYPES)
        region = rng.choice(regions)
        place = region["nama"].replace("Kabupaten ", "").replace("Kota ", "")
        year = rng.randint(2014, 2024)
        title = rng.choice(a["titles"]).replace("{acr}", f"SI{i % 977}").replace("{place}", place)
        yield {"id": f"b{i:07d}", "title": title,
               "summary": f"{title} mengatasi {a['problem']} melalui {a['solution']}.",
               "impact": a["impact"], "background": a["problem"], "resources": a["resources"],
               "sustainability": a["sustain"], "year": year, "agency": f"Pemerintah {region['nama']}",
               "regency_name": region["nama"], "sector": a["sector"],
               "sdgs": ", ".join(str(s) for s in a["sdgs"]), "award": rng.choice(awards),
               "stage": rng.choice(["Penerapan", "Uji Coba", "Inisiatif"]),
               "status": rng.choice(["Berlanjut", "Berhenti", ""]),
               "updated_at": f"{year}-06-{rng.randint(1, 28):02d}"}


def write_export(path: Path, rows) -> int:
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([row[c] for c in EXPORT_COLUMNS])
            count += 1
    return count


def second_hub(n: int, rows: int = MERGE_ROWS, seed: int = 3):
    """A second hub: half re-sends of records the store holds (written in other case), half
    innovations it does not hold."""
    rng = random.Random(seed)
    chosen = set(rng.sample(range(n), rows))
    for k, row in enumerate(r for i, r in enumerate(corpus(n)) if i in chosen):
        row = dict(row, id=f"h2-{k}")
        if k % 2:
            row["title"] = f"Gerakan Baru {k} Warga Sejahtera"
            row["summary"] = f"Program baru nomor {k} untuk warga."
        else:
            row["title"] = row["title"].upper() if k % 4 == 0 else row["title"].lower()
        yield row


def ingest(db, folder: Path, name: str, rows) -> dict:
    export = folder / f"{name}.csv"
    count = write_export(export, rows)
    mapping_file = folder / f"{name}.toml"
    mapping_file.write_text(MAPPING.format(name=name), encoding="utf-8")
    start = time.perf_counter()
    report = ingest_files(db, [export], load_mapping(mapping_file))
    seconds = time.perf_counter() - start
    return {"rows": count, "seconds": round(seconds, 2), "rows_per_s": round(count / seconds),
            "new": report.new, "merged": report.merged, "quarantined": report.quarantined}


def build_store(folder: Path, n: int) -> dict:
    """The store of N records, through the pipeline (reused when --store holds it)."""
    meta_file = folder / "bench-store.json"
    db_file = folder / "kms.db"
    if meta_file.exists() and db_file.exists():
        meta = json.loads(meta_file.read_text())
        if meta.get("records") == n:
            return {**meta["ingest"], "reused": True}
    for stale in (db_file, folder / "kms.db-wal", folder / "kms.db-shm"):
        stale.unlink(missing_ok=True)
    shutil.rmtree(folder / "index", ignore_errors=True)
    db = open_db(db_file)
    figures = ingest(db, folder, "bench", corpus(n))
    db.close()
    (folder / "bench.csv").unlink()
    meta_file.write_text(json.dumps({"records": n, "ingest": figures}))
    return figures


def merge_slice(folder: Path, n: int) -> dict:
    """The second hub onto a copy of the full store (the store itself stays as built)."""
    copy = folder / "merge.db"
    copy.unlink(missing_ok=True)
    source = sqlite3.connect(folder / "kms.db")
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    db = open_db(copy)
    try:
        return ingest(db, folder, "bench-merge", second_hub(n))
    finally:
        db.close()
        for path in folder.glob("merge.db*"):
            path.unlink()
        (folder / "bench-merge.csv").unlink(missing_ok=True)


# -- timing -----------------------------------------------------------------------------


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def figures(samples: list[float]) -> dict:
    return {"median_ms": round(statistics.median(samples), 1), "p95_ms": round(percentile(samples, 0.95), 1),
            "p99_ms": round(percentile(samples, 0.99), 1), "samples": len(samples)}


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def search_query(params: dict) -> SearchQuery:
    return SearchQuery.from_args(MultiDict([(k, v) for k, vs in params.items()
                                            for v in (vs if isinstance(vs, list) else [vs])]))


def search_bench(db, engine, repeat: int) -> dict:
    """What a search page does: search, its records, highlights, labels."""
    def page(query):
        result = service.search(engine, query)
        return present(result, records_by_id(db, [hit.id for hit in result.hits]))

    queries = [search_query(params) for _kind, params in QUERIES]
    page(queries[0])          # the first search loads the facet arrays
    samples, by_kind = [], {}
    for (kind, _params), query in zip(QUERIES, queries):
        times = timed(lambda: page(query), repeat)
        samples += times
        by_kind[kind] = round(statistics.median(times), 1)
    return {**figures(samples), "by_kind": by_kind}


def fts_bench(folder: Path, repeat: int) -> dict:
    """The same words ORed through a bare FTS5 index, facets by GROUP BY (in a scratch copy of
    the records, so the store keeps no trace of it)."""
    scratch = folder / "fts5.db"
    scratch.unlink(missing_ok=True)
    conn = sqlite3.connect(scratch)
    conn.execute("ATTACH DATABASE ? AS store", [str(folder / "kms.db")])
    conn.execute("CREATE TABLE innovations AS SELECT * FROM store.innovations")
    conn.execute("DETACH DATABASE store")
    conn.execute("CREATE VIRTUAL TABLE fts USING fts5(title, summary, impact, content='innovations', "
                 "content_rowid='rowid')")
    conn.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
    samples = []
    for _kind, params in QUERIES:
        samples += timed(lambda: fts_query(conn, params), repeat)
    conn.close()
    scratch.unlink()
    return figures(samples)


def fts_query(conn, q: dict) -> None:
    where, params = ["1=1"], []
    if q.get("q"):
        words = " OR ".join(f'"{w}"' for w in re.findall(r"\w+", q["q"]))
        where.append("i.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
        params.append(words)
    for key, column in (("province", "province_code"), ("sector", "sector"), ("award", "award"),
                        ("agency_type", "agency_type")):
        if q.get(key):
            where.append(f"i.{column} = ?")
            params.append(q[key])
    sql = " AND ".join(where)
    if q.get("q"):
        conn.execute(f"SELECT i.id, i.title, snippet(fts, 1, '<mark>', '</mark>', '…', 20) FROM fts "
                     f"JOIN innovations i ON fts.rowid = i.rowid WHERE fts MATCH ? AND "
                     f"{' AND '.join(where[2:]) or '1=1'} ORDER BY rank LIMIT 20", params).fetchall()
    else:
        conn.execute(f"SELECT id, title FROM innovations i WHERE {sql} ORDER BY year DESC LIMIT 20",
                     params).fetchall()
    for column in FACET_SQL:
        conn.execute(f"SELECT {column}, count(*) FROM innovations i WHERE {sql} GROUP BY {column}",
                     params).fetchall()


def similar_bench(db, engine, samples: int = 60) -> tuple[dict, dict]:
    """Similar items for `samples` different records, then each problem through suggestions."""
    ids = [row[0] for row in db.execute("SELECT id FROM innovations ORDER BY random() LIMIT ?", [samples])]
    records = records_by_id(db, ids)
    similar_to(db, engine, records[ids[0]], 10)
    times = []
    for record_id in ids[1:]:
        times += timed(lambda: similar_to(db, engine, records[record_id], 10), 1)
    suggest_times = []
    for problem in PROBLEMS:
        suggest_times += timed(lambda: suggest(db, engine, problem, "73.07"), 3)
    return figures(times), figures(suggest_times)


def completeness_bench(folder: Path, engine_name: str, repeat: int) -> dict:
    """The dashboard right after an edit (through the site, signed in) and `kms check`."""
    db = open_db(folder / "kms.db")
    try:
        create_user(db, "bench-admin", "admin", PASSWORD)
    except AccountError:
        pass
    app = create_app({"DATA_DIR": str(folder), "SEARCH_ENGINE": engine_name, "TESTING": True, "RATE_LIMIT": 0})
    client = app.test_client()
    page = client.get("/masuk").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/masuk", data={"name": "bench-admin", "password": PASSWORD, "csrf_token": token})
    ids = [row[0] for row in db.execute("SELECT id FROM innovations ORDER BY random() LIMIT ?", [repeat])]
    db.close()
    after_edit, status = [], set()
    for number, record_id in enumerate(ids):
        edit = client.get(f"/inovasi/{record_id}/ubah").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', edit).group(1)
        saved = client.post(f"/inovasi/{record_id}/ubah", data={"csrf_token": token,
                                                      "impact": f"Dampak diperbarui {number} untuk warga."})
        status.add(saved.status_code)     # 302: saved
        start = time.perf_counter()
        response = client.get("/kampanye")
        after_edit.append((time.perf_counter() - start) * 1000)
        status.add(response.status_code)
    os.environ.update({"KMS_DATA_DIR": str(folder), "KMS_SEARCH_ENGINE": engine_name})
    check_times = []
    for _ in range(max(1, repeat // 2)):
        start = time.perf_counter()
        result = CliRunner().invoke(kms_main, ["check", "--json"])
        check_times.append((time.perf_counter() - start) * 1000)
        status.add(200 if result.exit_code == 0 else 500)
    return {"dashboard_after_edit": figures(after_edit), "kms_check": figures(check_times),
            "statuses": sorted(status)}


STATS_ROUTES = ("/statistik", "/statistik?q=layanan", "/peta", "/peta?tingkat=kabupaten", "/wilayah/73",
                "/wilayah/73.71", "/bandingkan?region=73&region=35&region=73.71", "/api/stats/regions",
                "/api/stats/regions?by=regency", "/api/stats/regions?sector=kesehatan&format=csv",
                "/api/stats/years", "/api/stats/flows", "/api/stats/matrix?rows=province&cols=sector",
                "/api/stats/matrix?rows=province&cols=year&q=layanan")


def stats_bench(folder: Path, engine_name: str, repeat: int) -> dict:
    """Every statistics page and endpoint, anonymous, through the app (one warm-up each)."""
    app = create_app({"DATA_DIR": str(folder), "SEARCH_ENGINE": engine_name, "TESTING": True, "RATE_LIMIT": 0})
    client = app.test_client()
    out = {}
    for route in STATS_ROUTES:
        status = client.get(route).status_code          # warm-up (scores, caches)
        samples = timed(lambda: client.get(route), repeat)
        out[route] = {**figures(samples), "status": status}
    return out


# -- the server under load ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(folder: Path, engine_name: str, workers: int = 1):
    port = free_port()
    env = {**os.environ, "KMS_DATA_DIR": str(folder), "KMS_SEARCH_ENGINE": engine_name,
           "KMS_SECRET_KEY": "bench-only", "KMS_RATE_LIMIT": "0"}     # the load is ours
    server = subprocess.Popen([sys.executable, "-c", "from kms.cli import main; main()", "serve",
                               "--port", str(port), "--workers", str(workers)], env=env,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.time() + 600
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 503):
                break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        raise RuntimeError("the server did not start")
    return server, port


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of the server: its process and its workers, added up (pages
    they share, like a memory-mapped index, counted in each)."""
    total = 0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for process in [pid] + [int(c) for c in (children.read_text().split() if children.exists() else [])]:
        for line in Path(f"/proc/{process}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return round(total / 1024, 1)


def load(port: int, clients: int, seconds: float) -> dict:
    """`clients` threads cycling the query mix against /api/search for `seconds`; any answer
    but 200 counts as an error."""
    paths = ["/api/search?" + urlencode([(k, v) for k, vs in params.items()
                                          for v in (vs if isinstance(vs, list) else [vs])])
             for _kind, params in QUERIES]
    latencies, errors, lock = [], [0], threading.Lock()
    stop = time.perf_counter() + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        number = offset
        while time.perf_counter() < stop:
            path = paths[number % len(paths)]
            number += 1
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok

    threads = [threading.Thread(target=client, args=(i * 3,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"clients": clients, "requests": len(latencies), "requests_per_s": round(len(latencies) / wall, 1),
            "errors": errors[0], **(figures(latencies) if latencies else {})}


def http_bench(folder: Path, engine_name: str, seconds: float, levels: list[int], workers: int) -> dict:
    server, port = start_server(folder, engine_name, workers)
    try:
        load(port, 2 * workers, 3)            # warm every worker: facet arrays, caches
        results = [load(port, clients, seconds) for clients in levels]
        return {"workers": workers, "levels": results, "server_peak_rss_mb": peak_rss_mb(server.pid)}
    finally:
        server.terminate()
        server.wait(30)


# -- one size, all engines --------------------------------------------------------------


def bench_size(n: int, engines: list[str], args, folder: Path) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    result = {"records": n, "ingest_empty_store": build_store(folder, n)}
    print(f"N={n}: ingest into an empty store {result['ingest_empty_store']['rows_per_s']} rows/s"
          f"{' (reused)' if result['ingest_empty_store'].get('reused') else ''}", flush=True)
    if not args.skip_merge:
        result["ingest_merge_2000"] = merge_slice(folder, n)
        print(f"  merge {MERGE_ROWS} rows of a second hub: {result['ingest_merge_2000']['rows_per_s']} rows/s "
              f"({result['ingest_merge_2000']['merged']} merged)", flush=True)
    db = open_db(folder / "kms.db")
    held = count_records(db)
    if held != n:       # a store built before record ids grew past ten digits on a clash holds fewer
        print(f"  (the store holds {held} records, not {n})", flush=True)
    n = held
    result["db_mb"] = round((folder / "kms.db").stat().st_size / 2**20, 1)
    result["fts5"] = fts_bench(folder, args.repeat) if args.only != "stats" else None
    if result["fts5"]:
        print(f"  fts5+group by        median {result['fts5']['median_ms']} ms  p95 {result['fts5']['p95_ms']} ms",
              flush=True)
    result["engines"] = {}
    for name in engines:
        config = load_config({"DATA_DIR": str(folder), "SEARCH_ENGINE": name})
        engine = engine_for(config)
        out = {"build_s": None, "scores_s": None}
        if not (index_engine(config) == name and index_current(engine) and engine.document_count() == held
                and not pending_ids(db)):
            report = sync(db, engine, detect=False, rebuild=True)   # clears the ingest's journal
            out["build_s"], out["scores_s"] = round(report.index_seconds, 1), round(report.score_seconds, 1)
        out["index_mb"] = round(folder_bytes(folder / "index") / 2**20, 1)
        if args.only == "stats":
            out["stats"] = stats_bench(folder, name, args.repeat)
            print("  statistics (median / p95 ms): " + "; ".join(
                f"{route} {f['median_ms']}/{f['p95_ms']}" for route, f in out["stats"].items()), flush=True)
            result["engines"][name] = out
            continue
        out["search"] = search_bench(db, engine, args.repeat)
        out["ratio_to_fts5"] = {"median": round(out["search"]["median_ms"] / result["fts5"]["median_ms"], 2),
                                "p95": round(out["search"]["p95_ms"] / result["fts5"]["p95_ms"], 2)}
        out["stats"] = stats_bench(folder, name, args.repeat)
        out["similar"], out["suggest"] = similar_bench(db, engine)
        out["completeness"] = completeness_bench(folder, name, args.repeat)
        if args.http_seconds > 0:
            out["http"] = {f"workers={w}": http_bench(folder, name, args.http_seconds, args.clients, w)
                           for w in args.workers}
        result["engines"][name] = out
        print_engine(name, out)
    db.close()
    return result


def print_engine(name: str, out: dict) -> None:
    s = out["search"]
    print(f"  {name}: index build {out['build_s'] if out['build_s'] is not None else 'reused'} s "
          f"(+ scores {out['scores_s']} s), index {out['index_mb']} MB", flush=True)
    print(f"    search page   median {s['median_ms']} ms  p95 {s['p95_ms']} ms  p99 {s['p99_ms']} ms  "
          f"({out['ratio_to_fts5']['median']}x / {out['ratio_to_fts5']['p95']}x fts5)")
    print(f"    similar       median {out['similar']['median_ms']} ms  p95 {out['similar']['p95_ms']} ms")
    print(f"    suggest       median {out['suggest']['median_ms']} ms  p95 {out['suggest']['p95_ms']} ms")
    c = out["completeness"]
    print(f"    dashboard     median {c['dashboard_after_edit']['median_ms']} ms after an edit; "
          f"kms check {c['kms_check']['median_ms']} ms")
    print("    statistics    " + "; ".join(f"{route} {f['median_ms']}/{f['p95_ms']} ms"
                                          for route, f in out.get("stats", {}).items()))
    for model, http in out.get("http", {}).items():
        for level in http["levels"]:
            print(f"    http {model} {level['clients']:>2} clients  {level['requests_per_s']} req/s  median "
                  f"{level.get('median_ms')} ms  p95 {level.get('p95_ms')} ms  errors {level['errors']}")
        print(f"    http {model} server peak RSS {http['server_peak_rss_mb']} MB", flush=True)


def markdown(run: dict) -> str:
    lines = [f"# Benchmark {run['started']}", "", f"Machine: {run['machine']}", "",
             "| N | engine | ingest rows/s (empty / merge) | build s | index MB | search median / p95 / p99 ms "
             "| x fts5 (median / p95) | similar p95 ms | suggest p95 ms | dashboard ms | kms check ms "
             "| http req/s (1/10/50) | http p95 ms (1/10/50) | errors | RSS MB |",
             "| --- " * 15 + "|"]
    for size in run["sizes"]:
        ingest = size["ingest_empty_store"]["rows_per_s"]
        merge = size.get("ingest_merge_2000", {}).get("rows_per_s", "-")
        for name, out in size["engines"].items():
            if "search" not in out:         # --only stats
                continue
            s = out["search"]
            for model, http in (out.get("http") or {"-": {}}).items():
                levels = http.get("levels", [])
                lines.append(
                    f"| {size['records']} | {name} {model if model != '-' else ''} | {ingest} / {merge} | {out['build_s'] if out['build_s'] is not None else 'reused'} "
                    f"| {out['index_mb']} | {s['median_ms']} / {s['p95_ms']} / {s['p99_ms']} "
                    f"| {out['ratio_to_fts5']['median']} / {out['ratio_to_fts5']['p95']} | {out['similar']['p95_ms']} "
                    f"| {out['suggest']['p95_ms']} | {out['completeness']['dashboard_after_edit']['median_ms']} "
                    f"| {out['completeness']['kms_check']['median_ms']} "
                    f"| {' / '.join(str(level['requests_per_s']) for level in levels) or '-'} "
                    f"| {' / '.join(str(level.get('p95_ms')) for level in levels) or '-'} "
                    f"| {sum(level['errors'] for level in levels) if levels else '-'} "
                    f"| {http.get('server_peak_rss_mb', '-')} |")
        fts = size["fts5"]
        if fts:
            lines.append(f"| {size['records']} | fts5 baseline | | | | {fts['median_ms']} / {fts['p95_ms']} / "
                         f"{fts['p99_ms']} | 1 / 1 | | | | | | | | |")
    lines += ["", "Statistics pages and endpoints (median / p95 ms):", "",
              "| N | engine | route | median ms | p95 ms | status |", "| --- " * 6 + "|"]
    for size in run["sizes"]:
        for name, out in size["engines"].items():
            for route, f in out.get("stats", {}).items():
                lines.append(f"| {size['records']} | {name} | `{route}` | {f['median_ms']} | {f['p95_ms']} | {f['status']} |")
    return "\n".join(lines) + "\n"


def machine() -> str:
    load1, load5, _ = os.getloadavg()
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return (f"{os.cpu_count()} cores {cpu}, {memory} MiB, Python {platform.python_version()}, "
            f"load average at start {load1:.2f} / {load5:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--engines", nargs="+", default=["whoosh", "tantivy"])
    parser.add_argument("--store", type=Path, help="Folder that keeps (and reuses) each size's store and index.")
    parser.add_argument("--repeat", type=int, default=5, help="Runs of each query (and dashboard edits).")
    parser.add_argument("--http-seconds", type=float, default=15, help="Seconds per client level (0: no HTTP).")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="Server models to load: 1 = waitress threads, more = gunicorn processes.")
    parser.add_argument("--million", action="store_true", help="Allow sizes of 1,000,000 (tantivy only).")
    parser.add_argument("--skip-merge", action="store_true", help="Leave out the second hub's merge.")
    parser.add_argument("--only", choices=["all", "stats"], default="all",
                        help="stats: after the index, only the statistics pages and endpoints.")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench", help="Folder for JSON and Markdown.")
    args = parser.parse_args()
    if any(n >= 1_000_000 for n in args.sizes) and (not args.million or args.engines != ["tantivy"]):
        parser.error("1,000,000 records needs --million and --engines tantivy")
    started = dt.datetime.now().strftime("%Y-%m-%dT%H%M")
    run = {"started": started, "machine": machine(), "sizes": []}
    base = args.store or Path(tempfile.mkdtemp(prefix="kms-bench-"))
    try:
        for n in args.sizes:
            run["sizes"].append(bench_size(n, args.engines, args, base / str(n)))
    finally:
        if args.store is None:
            shutil.rmtree(base, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"bench-{started}.json").write_text(json.dumps(run, indent=1))
    (args.out / f"bench-{started}.md").write_text(markdown(run))
    print(f"\n{markdown(run)}\nwritten to {args.out}/bench-{started}.json and .md")


if __name__ == "__main__":
    main()
