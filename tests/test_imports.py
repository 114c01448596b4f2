"""What may import what: checked in a fresh interpreter, so nothing loaded by other tests hides
an import."""
import subprocess
import sys

import pytest


def loaded_by(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", ["kms.search.whoosh_engine"])
def test_an_engine_knows_nothing_above_the_seam(module):
    loaded = loaded_by(module)
    forbidden = {"kms.records", "kms.similar", "kms.suggest", "markupsafe", "kms.search.labels",
                 "kms.search.present", "kms.search.analysis", "kms.indexing", "flask"}
    assert not forbidden & loaded, forbidden & loaded


def test_the_ingestion_pipeline_loads_no_web_layer():
    loaded = loaded_by("indexer.pipeline")
    assert not {"flask", "werkzeug", "flask_wtf", "kms.app"} & loaded, {"flask", "werkzeug"} & loaded
