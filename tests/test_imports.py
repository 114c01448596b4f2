"""What may import what: checked in a fresh interpreter, so nothing loaded by other tests hides
an import."""
import subprocess
import sys

import pytest


def loaded_by(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", ["kms.search.whoosh_engine", "kms.search.tantivy_engine"])
def test_an_engine_knows_nothing_above_the_seam(module):
    loaded = loaded_by(module)
    forbidden = {"kms.records", "kms.similar", "kms.suggest", "markupsafe", "kms.search.labels",
                 "kms.search.present", "kms.search.analysis", "kms.indexing", "flask"}
    assert not forbidden & loaded, forbidden & loaded


def test_with_tantivy_chosen_whoosh_is_never_imported(tmp_path):
    code = ("import sys; from kms.search import engine_for; "
            f"e = engine_for({{'SEARCH_ENGINE': 'tantivy', 'DATA_DIR': {str(tmp_path)!r}}}); "
            "e.exists(); print('whoosh' in sys.modules, 'tantivy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_the_ingestion_pipeline_loads_no_web_layer():
    loaded = loaded_by("indexer.pipeline")
    assert not {"flask", "werkzeug", "flask_wtf", "kms.app"} & loaded, {"flask", "werkzeug"} & loaded


# -- the import graph, read from the source (imports inside functions included) -------------
import ast  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kms", "indexer")


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def imports_of(name: str, path: Path, modules: dict) -> list[tuple[str, int, bool]]:
    """(imported project module, line, inside a function?) for every import statement."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        else:
            continue
        nested = id(node) not in top_level
        found += [(target, node.lineno, nested) for target in targets if target in modules]
    return found


def import_graph():
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if state.get(other) == 1:
                return stack[stack.index(other):] + [other]
            if other not in state:
                cycle = visit(other)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_find_cycle_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_circles_counting_imports_inside_functions():
    graph = {name: {target for target, _line, _nested in edges if target != name}
             for name, edges in import_graph().items()}
    assert len(graph) > 40                      # the walk found the project
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_no_imports_inside_functions():
    """An import inside a function hides a dependency (usually a circle); engines that load
    on demand go through the plugin table in kms.search, by name."""
    nested = [f"{name}:{line} imports {target}" for name, edges in import_graph().items()
              for target, line, inside in edges if inside]
    assert nested == []


def test_views_do_not_import_each_other():
    graph = import_graph()
    crossing = [f"{name} -> {target}" for name, edges in graph.items() if name.startswith("kms.views.")
                for target, _line, _nested in edges if target.startswith("kms.views")]
    assert crossing == []


def test_the_indexer_depends_only_on_the_domain_core():
    """indexer/ may use the record contract and the records group, never the web layer."""
    allowed = {"kms", "kms.schema", "kms.records", "kms.links", "kms.audit", "kms.faults", "kms.db",
               "kms.search", "kms.search.analysis", "kms.config"}
    used = {target for name, edges in import_graph().items() if name.startswith("indexer")
            for target, _line, _nested in edges if target.startswith("kms")}
    assert used and used <= allowed, used - allowed


def test_no_sql_outside_the_table_owners():
    """Views, the CLI and the app hold no SQL: each table group has one owner module."""
    import re
    sql = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b|\bdb\[\"")
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for path in [ROOT / "kms" / "cli.py", ROOT / "kms" / "app.py", ROOT / "kms" / "web.py",
                              *(ROOT / "kms" / "views").glob("*.py")]
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if sql.search(line) or ".query(" in line and "db" in line or "db.execute(" in line]
    assert offenders == []
