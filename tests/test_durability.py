"""Crashes and damage: an ingest killed at any stage, then re-run or followed by a server start,
leaves search exactly as an uninterrupted run; damaged index files answer 503 and are rebuilt,
never a dead process. Every run here is a real `kms` subprocess."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from kms.config import load_config
from kms.search import ENGINES, engine_for, service
from kms.search.query import SearchQuery

MAPPING = """
name = "uji"
format = "json"
id = "id"
[fields]
title = "judul"
summary = "ringkasan"
region = "daerah"
year = "tahun"
agency = "instansi"
"""
REGIONS = ["Kota Makassar", "Kabupaten Gowa", "Kota Surabaya", "Kabupaten Sleman", "Kota Medan"]
TOPICS = ["antrian puskesmas", "bank sampah", "perizinan online", "akta kelahiran", "air bersih",
          "beasiswa sekolah", "pasar rakyat", "posyandu balita"]
QUERIES = [{}, {"q": "layanan"}, {"q": "sampah"}, {"q": "puskesmas", "year_from": "2019"},
           {"q": "perizinan online"}]


def export(path: Path, count: int) -> Path:
    rows = []
    for i in range(count):
        topic = TOPICS[i % len(TOPICS)]
        rows.append({"id": f"u{i:05d}", "judul": f"Inovasi {topic} nomor {i}",
                     "ringkasan": f"Layanan {topic} untuk warga, percobaan {i % 7}.",
                     "daerah": REGIONS[i % len(REGIONS)], "tahun": 2015 + i % 9,
                     "instansi": f"Dinas {i % 11}"})
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def kms(data_dir: Path, *args, fault: str | None = None, wait: bool = True, engine: str | None = None):
    env = {**os.environ, "KMS_DATA_DIR": str(data_dir)}
    if engine:
        env["KMS_SEARCH_ENGINE"] = engine
    env.pop("KMS_FAULT", None)
    if fault:
        env["KMS_FAULT"] = fault
    command = [sys.executable, "-c", "from kms.cli import main; main()", *args]
    if not wait:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def snapshot(data_dir: Path) -> list:
    """Hit sets, totals and facet counts of a few searches (in this process, read only)."""
    engine = engine_for(load_config({"DATA_DIR": str(data_dir)}))
    out = []
    for params in QUERIES:
        query = SearchQuery.from_args(MultiDict(params), 100)
        found = service.search(engine, query)
        out.append((found.total, sorted(service.matching_ids(engine, query)), found.facets))
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    (folder / "uji.toml").write_text(MAPPING, encoding="utf-8")
    return export(folder / "uji.json", 450), folder / "uji.toml"


@pytest.fixture(scope="module")
def uninterrupted(exported, tmp_path_factory):
    data, mapping = exported
    folder = tmp_path_factory.mktemp("whole")
    result = kms(folder, "ingest", str(data), "--mapping", str(mapping))
    assert result.returncode == 0, result.stderr
    expected = snapshot(folder)
    assert expected[0][0] == 450 and expected[2][0] > 0
    return expected


SLOW = pytest.mark.slow     # the default run keeps one case of each kind; .ci/run runs every one


@pytest.mark.parametrize("point", [pytest.param("read", marks=SLOW), "mid-batch",
                                   pytest.param("before-index", marks=SLOW),
                                   pytest.param("index-commit", marks=SLOW)])
def test_an_ingest_killed_at_any_stage_then_re_run_loses_nothing(point, exported, uninterrupted, tmp_path):
    data, mapping = exported
    first = kms(tmp_path, "ingest", str(data), "--mapping", str(mapping), fault=point)
    assert first.returncode == -signal.SIGKILL, (first.returncode, first.stderr)
    again = kms(tmp_path, "ingest", str(data), "--mapping", str(mapping))
    assert again.returncode == 0, again.stderr
    assert snapshot(tmp_path) == uninterrupted
    status = json.loads(kms(tmp_path, "status", "--json").stdout)
    assert status["ok"] and status["index"]["pending"] == 0 and status["index"]["documents"] == 450


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read() or b"null")


class Server:
    def __init__(self, data_dir: Path, engine: str | None = None):
        self.port = free_port()
        # one process: what a request sees right after a fault is then that process's view
        self.process = kms(data_dir, "serve", "--port", str(self.port), "--workers", "1", wait=False,
                           engine=engine)
        self.base = f"http://127.0.0.1:{self.port}"

    def wait(self, limit: float = 120) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            assert self.process.poll() is None, self.process.stderr.read().decode()
            try:
                get(self.base + "/healthz")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise AssertionError("server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def api_snapshot(base: str) -> list:
    out = []
    for params in QUERIES:
        code, _headers, body = get(base + "/api/search?" + "&".join(f"{k}={v}" for k, v in params.items()).replace(" ", "+")
                                   + "&per_page=100")
        assert code == 200, body
        out.append((body["total"], sorted(r["id"] for r in body["results"]),
                    {name: {v["value"]: v["count"] for v in values} for name, values in body["facets"].items()}))
    return out


def as_api(snap: list) -> list:
    return [(total, ids[:100] if total <= 100 else None, facets) for total, ids, facets in snap]


def comparable(snap: list) -> list:
    """Snapshots side by side: ids when they fit on a page, facets as the API lists them (every
    value)."""
    return [(total, ids if total <= 100 else None, dict(facets)) for total, ids, facets in snap]


def test_an_ingest_killed_before_the_index_is_repaired_by_the_server_start(exported, uninterrupted, tmp_path):
    data, mapping = exported
    first = kms(tmp_path, "ingest", str(data), "--mapping", str(mapping), fault="before-index")
    assert first.returncode == -signal.SIGKILL
    server = Server(tmp_path)
    try:
        server.wait()
        assert comparable(api_snapshot(server.base)) == comparable(uninterrupted)
    finally:
        server.stop()


@pytest.mark.slow
def test_a_real_kill_during_an_ingest_then_re_run(tmp_path, exported):
    _data, mapping = exported
    big = export(tmp_path / "besar.json", 1200)
    whole = tmp_path / "whole"
    assert kms(whole, "ingest", str(big), "--mapping", str(mapping)).returncode == 0
    killed = tmp_path / "killed"
    process = kms(killed, "ingest", str(big), "--mapping", str(mapping), wait=False)
    time.sleep(3.0)              # some batches stored, others not
    process.kill()
    process.wait()
    assert kms(killed, "ingest", str(big), "--mapping", str(mapping)).returncode == 0
    assert snapshot(killed) == snapshot(whole)


def test_deleting_the_index_then_serving_rebuilds_it_before_the_first_answer(sample_copy):
    before = snapshot(sample_copy)
    shutil.rmtree(sample_copy / "index")
    server = Server(sample_copy)
    try:
        server.wait()
        code, _h, health = get(server.base + "/healthz")
        assert code == 200 and health["index"]["documents"] == 325
        assert comparable(api_snapshot(server.base)) == comparable(before)
    finally:
        server.stop()


def _damage(folder: Path, how: str) -> None:
    # Whoosh's segments, or tantivy's (terms, postings, store)
    segments = sorted([*folder.glob("*.seg"), *folder.glob("*.term"), *folder.glob("*.idx"),
                       *folder.glob("*.store")], key=lambda p: p.stat().st_size)
    assert segments
    rng = random.Random(7)
    for path in segments:
        size = path.stat().st_size
        if how == "truncated":
            with open(path, "r+b") as handle:
                handle.truncate(size // 3)
        elif how == "zeroed":
            path.write_bytes(b"\0" * size)
        else:
            path.write_bytes(bytes(rng.randrange(256) for _ in range(size)))


@pytest.mark.parametrize("engine,how", [
    (engine, how) if (engine, how) in (("whoosh", "truncated"), ("tantivy", "zeroed"))
    else pytest.param(engine, how, marks=SLOW)
    for how in ("truncated", "zeroed", "random") for engine in sorted(ENGINES)])
def test_damaged_index_files_give_503_then_correct_results(sample_copy, how, engine):
    server = Server(sample_copy, engine)     # another engine than the store's index: built at start
    try:
        server.wait()
        before = comparable(api_snapshot(server.base))
        assert any(total for total, _ids, _facets in before)     # the queries find something
        _damage(sample_copy / "index", how)
        code, headers, body = get(server.base + "/api/search?q=kependudukan")
        assert code == 503 and headers.get("Retry-After") and "rebuilt" in body["error"]["message"]
        end = time.monotonic() + 120
        while time.monotonic() < end:
            assert server.process.poll() is None        # never a dead process
            code, _h, _body = get(server.base + "/api/search?q=layanan")
            if code == 200:
                break
            time.sleep(0.3)
        assert code == 200
        assert comparable(api_snapshot(server.base)) == before
        assert get(server.base + "/healthz")[0] == 200
    finally:
        server.stop()
