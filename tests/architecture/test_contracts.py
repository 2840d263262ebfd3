"""The architecture contracts hold for the code, and the area contract catches what it must."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

from tests.architecture.contracts import AreaBoundaryContract

ROOT = Path(__file__).resolve().parents[2]


def test_the_code_keeps_every_import_linter_contract():
    result = subprocess.run([Path(sys.executable).parent / "lint-imports", "--no-cache"], cwd=ROOT,  # noqa: S603
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("KEPT") == 4 and "BROKEN" not in result.stdout


def _contract() -> AreaBoundaryContract:
    return AreaBoundaryContract(name="areas", session_options={}, contract_options={
        "areas": ["app.one", "app.two"], "public_layers": ["services", "rules"], "data_layers": ["models"],
        "data_importers": ["services", "models", "cli"]})


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import x")
    return graph


def test_area_contract_allows_services_rules_and_models_for_queries():
    graph = _graph(("app.one.views", "app.two.services"), ("app.one.services.x", "app.two.rules.y"),
                   ("app.one.services.x", "app.two.models"), ("app.one.views", "app.one.models"))
    assert _contract().check(graph, verbose=False).kept


def test_area_contract_refuses_views_models_from_views_and_internals():
    for imported, importer in (("app.two.views", "app.one.services"), ("app.two.models", "app.one.views"),
                               ("app.two.pdf.builder", "app.one.services"), ("app.two.cli", "app.one.cli")):
        check = _contract().check(_graph((importer, imported)), verbose=False)
        assert not check.kept, (importer, imported)
        assert [(c.importer, c.imported) for c in check.metadata["crossings"]] == [(importer, imported)]
