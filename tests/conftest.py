"""Shared fixtures: a sample store built once per session, copied where a test writes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run the tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (.ci/run does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)

from indexer.pipeline import ingest_samples
from kms.db import open_db


def load_all_samples(db):
    """Ingest every bundled sample (innovations, then replication exports) into `db`."""
    ingest_samples(db)


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """A data dir holding the sample store (and, once search exists, its index). Read only."""
    data_dir = tmp_path_factory.mktemp("samples")
    db = open_db(data_dir / "kms.db")
    load_all_samples(db)
    from kms.config import load_config
    from kms.sync import sync_all

    sync_all(load_config({"DATA_DIR": str(data_dir)}), db)     # index, signatures, candidates
    db.close()
    return data_dir


@pytest.fixture
def sample_copy(sample_dir, tmp_path) -> Path:
    """A private, writable copy of the sample data dir."""
    target = tmp_path / "data"
    shutil.copytree(sample_dir, target)
    return target


@pytest.fixture
def db(tmp_path):
    """An empty migrated store."""
    store = open_db(tmp_path / "kms.db")
    yield store
    store.close()


def write_mapping(folder: Path, text: str, name: str = "hub.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
