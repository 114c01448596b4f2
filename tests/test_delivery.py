"""The delivery layer: settings documented, parameters declared once (and used by the routes,
the OpenAPI document and the CLI), every /api/* route in one blueprint, backup and restore."""
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kms import params
from kms.app import create_app
from kms.backup import backup_store
from kms.cli import main
from kms.config import SETTINGS, load_config
from kms.db import open_db
from kms.records import count_records, record_ids, records_by_id
from kms.search import engine_for, service
from kms.search.query import SearchQuery
from kms.sync import state, sync

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_setting_is_documented_in_the_readme(name):
    """Datasette's test_settings_are_documented, for ours: a row in the Settings table."""
    section = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"^\| `{name}` \|", section, re.M), f"{name} is not in README's Settings table"


def test_kms_settings_prints_every_setting_and_never_a_secret(monkeypatch):
    monkeypatch.setenv("KMS_SECRET_KEY", "rahasia-jangan-dicetak")
    out = CliRunner().invoke(main, ["settings", "--json"])
    assert out.exit_code == 0, out.output
    rows = {row["name"]: row for row in json.loads(out.stdout)}
    assert set(rows) == set(SETTINGS)
    assert all(row["help"] for row in rows.values())
    assert rows["SECRET_KEY"]["value"] == "(set)"
    assert "rahasia-jangan-dicetak" not in out.output
    text = CliRunner().invoke(main, ["settings"]).output
    assert all(name in text for name in SETTINGS)


def test_every_api_route_lives_in_the_api_blueprint():
    app = create_app({"TESTING": True})
    api_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]
    assert len(api_rules) >= 8
    assert {rule.endpoint.split(".")[0] for rule in api_rules} == {"api"}
    documented = set(app.test_client().get("/api/openapi.json").json["paths"])
    served = {re.sub(r"<(\w+:)?(\w+)>", "{id}", rule.rule) for rule in api_rules}
    assert served == documented


def test_openapi_parameters_are_the_declared_ones():
    document = create_app({"TESTING": True}).test_client().get("/api/openapi.json").json
    for path, declared in (("/api/search", params.API_SEARCH), ("/api/suggest", params.SUGGEST),
                           ("/api/gaps", params.GAPS), ("/api/completeness", params.COMPLETENESS)):
        listed = [p["name"] for p in document["paths"][path]["get"]["parameters"] if p["in"] == "query"]
        assert listed == [p.name for p in declared], path
    per_page = next(p for p in document["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == params.MAX_PER_PAGE


@pytest.mark.parametrize("path, parameter", [
    ("/api/search?per_page=0", "per_page"), ("/api/search?year=dua", "year"),
    ("/api/search?sdg=18", "sdg"), ("/api/search?sort=acak", "sort"),
    ("/api/search?province=Sulsel", "province"), ("/api/suggest", "problem"),
    ("/api/gaps", "region"),
    ("/api/gaps?region=73&sector=bukan", "sector"), ("/api/gaps?region=73&limit=51", "limit"),
    ("/api/innovations/x/similar?limit=0", "limit")])
def test_one_400_body_names_the_parameter(client, path, parameter):
    response = client.get(path)
    assert response.status_code == 400
    assert response.json["error"]["parameter"] == parameter
    assert parameter in response.json["error"]["message"]


def test_a_region_nobody_knows_is_404_naming_the_parameter(client):
    response = client.get("/api/suggest?problem=antrian&region=Atlantis")
    assert response.status_code == 404
    assert response.json["error"]["parameter"] == "region" and "Atlantis" in response.json["error"]["message"]


def test_a_page_names_a_bad_parameter_too(client):
    response = client.get("/replikasi?gap_region=Atlantis")
    assert response.status_code == 400
    assert "Atlantis" in response.text


def test_declarations_parse_plain_mappings_pairs_and_multidicts():
    from werkzeug.datastructures import MultiDict

    expected = SearchQuery.from_args(MultiDict([("q", "sampah"), ("year", "2019"), ("year", "2020")]))
    assert SearchQuery.from_args({"q": "sampah", "year": ["2019", "2020"]}) == expected
    assert SearchQuery.from_args([("q", "sampah"), ("year", "2019"), ("year", "2020")]) == expected
    assert expected.filters == {"year": ("2019", "2020")}
    with pytest.raises(params.ParameterError) as caught:
        SearchQuery.from_args({"year_from": "1800"})
    assert caught.value.parameter == "year_from"


def test_cli_options_come_from_the_declarations():
    help_text = CliRunner().invoke(main, ["check", "--help"]).output
    for param in params.FILTERS:
        assert "--" + param.name.replace("_", "-") in help_text
    bad = CliRunner().invoke(main, ["check", "--stage", "selesai"])
    assert bad.exit_code == 2 and "--stage" in bad.output


def _hits(data_dir, q):
    engine = engine_for(load_config({"DATA_DIR": str(data_dir)}))
    found = service.search(engine, SearchQuery(q=q, per_page=100))
    return found.total, sorted(hit.id for hit in found.hits)


def test_backup_then_restore_gives_back_the_store_and_a_matching_index(sample_copy, tmp_path):
    db = open_db(sample_copy / "kms.db")
    engine = engine_for(load_config({"DATA_DIR": str(sample_copy)}))
    before_ids, before_hits = record_ids(db), _hits(sample_copy, "sampah")
    info = backup_store(db, tmp_path / "cadangan.db")
    assert info["records"] == len(before_ids) and info["generation"] == int(state(db, "generation"))
    # after the backup: a record changes its title and another is gone
    victim, changed = before_ids[0], next(i for i in before_ids[1:] if "sampah" in
                                          json.dumps(records_by_id(db, [i])[i]).lower())
    with db.conn:
        db.execute("UPDATE innovations SET title = 'Judul Sesudah Cadangan' WHERE id = ?", [changed])
        db.execute("DELETE FROM sources WHERE record_id = ?", [victim])
        db.execute("DELETE FROM innovations WHERE id = ?", [victim])
    sync(db, engine)
    assert _hits(sample_copy, '"judul sesudah cadangan"')[1] == [changed]   # the live index moved on
    db.close()
    # restore: the copy replaces the store; the index folder is the later one
    shutil.copy(tmp_path / "cadangan.db", sample_copy / "kms.db")
    for extra in ("kms.db-wal", "kms.db-shm"):
        (sample_copy / extra).unlink(missing_ok=True)
    restored = open_db(sample_copy / "kms.db")
    assert record_ids(restored) == before_ids and count_records(restored) == info["records"]
    assert json.loads(state(restored, "backup"))["generation"] == info["generation"]
    report = sync(restored, engine_for(load_config({"DATA_DIR": str(sample_copy)})))
    assert report.rebuilt                       # the copy's mark: the later index is not trusted
    assert _hits(sample_copy, "sampah") == before_hits
    assert _hits(sample_copy, '"judul sesudah cadangan"') == (0, [])
    assert state(restored, "rebuild") is None
    assert not sync(restored, engine_for(load_config({"DATA_DIR": str(sample_copy)}))).rebuilt


def test_backup_refuses_to_overwrite_the_store(sample_copy):
    db = open_db(sample_copy / "kms.db")
    with pytest.raises(ValueError):
        backup_store(db, sample_copy / "kms.db")
    assert count_records(db) > 0


def test_kms_backup_command(sample_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("KMS_DATA_DIR", str(sample_copy))
    out = CliRunner().invoke(main, ["backup", str(tmp_path / "b" / "kms-copy.db")])
    assert out.exit_code == 0, out.output
    copy = open_db(tmp_path / "b" / "kms-copy.db")
    assert count_records(copy) == count_records(open_db(sample_copy / "kms.db"))
    assert not (tmp_path / "b" / "kms-copy.db.part").exists()


def test_status_says_which_engine_built_the_index(sample_copy, monkeypatch):
    monkeypatch.setenv("KMS_DATA_DIR", str(sample_copy))
    monkeypatch.setenv("KMS_SEARCH_ENGINE", "tantivy")
    out = CliRunner().invoke(main, ["status", "--json"])
    report = json.loads(out.stdout)
    assert report["index"]["engine"] == "tantivy" and report["index"]["built_by"] == "whoosh"
    assert not report["ok"] and out.exit_code == 1
    assert CliRunner().invoke(main, ["reindex"]).exit_code == 0
    report = json.loads(CliRunner().invoke(main, ["status", "--json"]).stdout)
    assert report["index"]["built_by"] == "tantivy" and report["ok"]


@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_kms_serve_answers_with_threads_and_with_processes(sample_copy, workers):
    """The production server as `kms serve` starts it: waitress threads, or gunicorn workers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "KMS_DATA_DIR": str(sample_copy), "KMS_SECRET_KEY": "test-only"}
    server = subprocess.Popen([sys.executable, "-c", "from kms.cli import main; main()", "serve", "--port",
                               str(port), "--workers", str(workers), "--threads", "2"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        answers = {}
        deadline = time.time() + 60
        while time.time() < deadline and len(answers) < 2:
            try:
                for path in ("/healthz", "/api/search?q=sampah"):
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    conn.request("GET", path)
                    response = conn.getresponse()
                    answers[path] = (response.status, response.read())
            except OSError:
                time.sleep(0.3)
        assert answers["/healthz"][0] == 200
        status, body = answers["/api/search?q=sampah"]
        assert status == 200 and json.loads(body)["total"] > 0
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert f"{workers} proses" in output
    assert "KMS_SECRET_KEY belum diatur" not in output      # it was set


def test_kms_serve_runs_a_process_per_core_by_default(monkeypatch):
    from kms import server
    monkeypatch.setattr(server.os, "sched_getaffinity", lambda _pid: {0, 1, 2})
    assert server.default_workers() == 3
    monkeypatch.setattr(server.os, "sched_getaffinity", lambda _pid: set(range(32)))
    assert server.default_workers() == server.MAX_WORKERS


def test_the_schemathesis_hooks_know_the_api_range_rule():
    """scripts/schemathesis_hooks.py runs outside the project; its copy of the rule must match."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(__file__).resolve().parent.parent.joinpath("scripts", "schemathesis_hooks.py").read_text())
    copied = next(ast.literal_eval(node.value) for node in tree.body
                  if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "RANGES")
    assert copied == params.RANGES
