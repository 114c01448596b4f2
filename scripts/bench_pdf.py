"""PDF timings on the bundled samples: a profile rendered from scratch (no cache; median and
p95 over records), and booklets of 50, 100 and 300 records (pages per second).

    python scripts/bench_pdf.py [--profiles 60]
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from kms.booklet import booklet_pdf  # noqa: E402
from kms.config import load_config  # noqa: E402
from kms.db import open_db  # noqa: E402
from kms.profile_pdf import profile_pdf  # noqa: E402
from kms.profiles import profile_inputs, render  # noqa: E402
from kms.schema import SECTIONS  # noqa: E402
from kms.search import engine_for  # noqa: E402
from kms.sync import sync  # noqa: E402
from indexer.pipeline import ingest_samples  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=60)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kms-bench-pdf-"))
    config = load_config({"DATA_DIR": str(folder), "PUBLIC_URL": "https://inovasi.example.go.id"})
    db = open_db(folder / "kms.db")
    ingest_samples(db)
    sync(db, engine_for(config))
    ids = [row[0] for row in db.execute("SELECT id FROM innovations ORDER BY id")]
    times, pages, words = [], [], []
    for record_id in ids[:: max(1, len(ids) // args.profiles)][:args.profiles]:
        started = time.perf_counter()
        inputs = profile_inputs(db, record_id, config)
        data = render(inputs, config)
        times.append(time.perf_counter() - started)
        pages.append(len(PdfReader(io.BytesIO(data)).pages))
        words.append(sum(len(str(inputs["record"].get(k) or "").split()) for k in inputs["record"]))
    times.sort()
    print(f"profile: median {statistics.median(times) * 1000:.0f} ms, p95 {times[int(0.95 * (len(times) - 1))] * 1000:.0f} ms "
          f"over {len(times)} records ({statistics.median(pages):.0f} pages, {statistics.median(words):.0f} words median)")
    words_700 = "pelayanan publik desa warga puskesmas antrian layanan daring dokumen kependudukan".split()
    typical = {"id": "x", "title": "Profil Tujuh Ratus Kata", "agency": "Pemerintah Kabupaten Sinjai", "year": 2020,
               "regency_name": "Kabupaten Sinjai", "province_name": "Sulawesi Selatan",
               **{key: " ".join(words_700[(j + i) % 10] for j in range(78)) for i, key in enumerate(SECTIONS)}}
    runs = []
    for _ in range(15):
        started = time.perf_counter()
        data = profile_pdf(typical, {"original": None, "replicas": []}, 80, [], {}, "https://a.example/inovasi/x",
                           "/inovasi/x", config)
        runs.append(time.perf_counter() - started)
    print(f"profile of 700 words: median {statistics.median(runs) * 1000:.0f} ms "
          f"({len(PdfReader(io.BytesIO(data)).pages)} pages)")
    for size in (50, 100, 300):
        chosen = ids[:size]
        started = time.perf_counter()
        data = booklet_pdf(db, chosen, config, "Bench", "semua")
        seconds = time.perf_counter() - started
        count = len(PdfReader(io.BytesIO(data)).pages)
        print(f"booklet of {size}: {count} pages in {seconds:.1f} s = {count / seconds:.0f} pages/s, "
              f"{len(data) / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
