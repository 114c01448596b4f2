"""Shared fixtures: a sample store built once per session (copied where a test writes), the
site over it with one account per role (`site`), a read-only API client (`client`), signing in
(`login`), and mapping files (`mapping_file`)."""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

# Tests make many requests from one address: no rate limit unless a test sets one
# (tests/test_reliability.py does); servers started in subprocesses inherit this.
os.environ.setdefault("KMS_RATE_LIMIT", "0")


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run the tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (.ci/run does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)

from indexer.pipeline import ingest_samples  # noqa: E402
from kms import accounts  # noqa: E402
from kms.accounts import create_user  # noqa: E402
from kms.app import create_app  # noqa: E402
from kms.config import load_config  # noqa: E402
from kms.db import open_db  # noqa: E402
from kms.sync import sync_all  # noqa: E402

# scrypt costs 0.1 s a hash and a check: hundreds of accounts and sign-ins made it most of the
# suite's time. The tests' accounts are hashed cheaply (as Django's test settings do); servers
# started as subprocesses, and test_staff's check of the stored method, use the real one.
PRODUCTION_PASSWORD_METHOD = accounts.PASSWORD_METHOD
accounts.PASSWORD_METHOD = "pbkdf2:sha256:1"

PASSWORD = "kata-sandi-uji-123"
EDITOR_AGENCY = "Pemerintah Kabupaten Sinjai"
# name, role, scope: one account per role, and an editor of an agency far from the samples' KUNA
ACCOUNTS = (("admin", "admin", {}), ("operator", "hub_operator", {"hub": "lan"}),
            ("operator-jatim", "hub_operator", {"province": "35"}),
            ("editor", "agency_editor", {"agency": EDITOR_AGENCY}),
            ("luar", "agency_editor", {"agency": "Pemerintah Kabupaten Sragen"}))


def load_all_samples(db):
    """Ingest every bundled sample (innovations, then replication exports) into `db`."""
    ingest_samples(db)


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """A data dir holding the sample store (and, once search exists, its index). Read only."""
    data_dir = tmp_path_factory.mktemp("samples")
    db = open_db(data_dir / "kms.db")
    load_all_samples(db)
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


@pytest.fixture
def mapping_file(tmp_path):
    """Write a mapping file into the test's folder: mapping_file(text, name="hub.toml") -> path."""
    return lambda text, name="hub.toml": write_mapping(tmp_path, text, name)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    """Sign in through the form (with its CSRF token); answers the POST's response."""
    page = client.get("/masuk")
    return client.post("/masuk", data={"name": name, "password": password,
                                       "csrf_token": csrf_token(page.text)})


@pytest.fixture
def login():
    return sign_in


@dataclass
class Site:
    app: object
    dir: Path
    own: str        # a record the editor may edit
    other: str      # a record no scoped account may edit

    def client(self, name: str | None = None):
        """A test client, signed in as `name` (one of ACCOUNTS) unless None."""
        client = self.app.test_client()
        if name not in (None, "anonymous"):
            assert sign_in(client, name).status_code == 302, name
        return client

    def login(self, client, name: str, password: str = PASSWORD):
        return sign_in(client, name, password)

    token = staticmethod(csrf_token)

    def db(self):
        return open_db(self.dir / "kms.db")


@pytest.fixture
def site(sample_copy) -> Site:
    """The app over a private copy of the samples, with one account per role (ACCOUNTS)."""
    db = open_db(sample_copy / "kms.db")
    for name, role, scope in ACCOUNTS:
        create_user(db, name, role, PASSWORD, **scope)
    own = [r["id"] for r in db.query("SELECT id FROM innovations WHERE agency = ? ORDER BY id", [EDITOR_AGENCY])]
    other = [r["id"] for r in db.query(
        "SELECT i.id FROM innovations i WHERE agency != ? AND province_code != '35' "
        "AND NOT EXISTS (SELECT 1 FROM sources s WHERE s.record_id = i.id AND s.hub = 'lan') "
        "ORDER BY id", [EDITOR_AGENCY])]
    db.close()
    app = create_app({"TESTING": True, "DATA_DIR": str(sample_copy), "SECRET_KEY": "uji"})
    return Site(app, sample_copy, own[0], other[0])


@pytest.fixture(scope="session")
def client(sample_dir, tmp_path_factory):
    """A client of the app over its own copy of the sample store, shared by the tests that
    only read (searches still count failed ones, which must not leak into `sample_dir`)."""
    target = tmp_path_factory.mktemp("client") / "data"
    shutil.copytree(sample_dir, target)
    return create_app({"TESTING": True, "DATA_DIR": str(target)}).test_client()
