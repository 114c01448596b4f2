"""The production server: gunicorn processes, one per core by default (at most MAX_WORKERS),
each with its own threads, each loading the app after the fork; `--workers 1` is waitress
threads in one process.

Measured (scripts/bench.py, README "Benchmark"): the tantivy engine releases the GIL while it
searches, so one process with threads serves it well up to the Python work per request (the
page, highlights, JSON); more processes add throughput on more cores, cheaply, since tantivy's
segments and its facet arrays are memory-mapped and shared through the page cache. Whoosh holds
the GIL while it matches: more threads do not help it, more processes do."""
from __future__ import annotations

import os
import secrets

from gunicorn.app.base import BaseApplication
from waitress import serve as waitress_serve

from kms.app import create_app
from kms.search import forget_engines

THREADS = 8
MAX_WORKERS = 4       # the default's ceiling: past it a bigger machine is an operator's choice


def default_workers() -> int:
    """One process per core the server may use (50 clients on 2 cores: p95 0.42 s with two
    Whoosh processes, 0.9 s with one; scripts/bench.py)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self):
        return create_app()      # in each worker, after the fork: no engine handle is shared


def serve(host: str, port: int, workers: int = 1, threads: int = THREADS) -> None:
    """Serve the site until stopped."""
    if workers <= 1:
        waitress_serve(create_app(), host=host, port=port, threads=threads)
        return
    forget_engines()             # the parent's index handles stay out of the children
    if not os.environ.get("KMS_SECRET_KEY"):      # one key for every worker, or sessions hop between keys
        os.environ["KMS_SECRET_KEY"] = secrets.token_hex(32)
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
               "threads": threads, "timeout": 120, "graceful_timeout": 10, "accesslog": None,
               "limit_request_line": 8190,         # gunicorn's largest; a longer URL is a 414
               "preload_app": False}).run()
