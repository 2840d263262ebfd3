"""Project-wide rules that a grep can prove (docs/docs/security.md I2, docs/architecture.md). The import rules
are import-linter contracts (test_contracts.py); these are the ones a contract cannot express."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SANITISER = ROOT / "dpia" / "core" / "markdown.py"
SINKS = re.compile(r"\|\s*safe\b|Markup\(|autoescape\s+false|render_template_string", re.IGNORECASE)
MAX_MODULE_LINES = 500


def project_files(*patterns):
    for folder in ("dpia", "forms", "templates"):
        for pattern in patterns:
            yield from (ROOT / folder).rglob(pattern)


def layer_modules(layer: str) -> list[Path]:
    """Every module of one layer in every area: `<area>/<layer>.py` and `<area>/<layer>/**.py`."""
    modules = [*(ROOT / "dpia").glob(f"**/{layer}.py"), *(ROOT / "dpia").glob(f"**/{layer}/**/*.py")]
    assert modules, f"no {layer} modules found"
    return sorted(modules)


def test_the_sanitiser_is_the_only_unescaped_output():
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for path in project_files("*.py", "*.html") if path != SANITISER
                 for number, line in enumerate(path.read_text().splitlines(), start=1) if SINKS.search(line)]
    assert offenders == []
    assert "Markup(" in SANITISER.read_text()


def test_every_template_is_autoescaped_html():
    """Except the plain-text part of an e-mail, which is never served as HTML and must not be escaped."""
    paths = [p.relative_to(ROOT / "templates") for p in (ROOT / "templates").rglob("*") if p.is_file()]
    assert paths and all(path.suffix == ".html" or (path.parts[0] == "mail" and path.suffix == ".txt")
                         for path in paths)


def test_domain_never_imports_flask():
    """Rules are pure (the `pure` contract says so too; this also catches an import hidden in a string)."""
    for path in layer_modules("rules"):
        text = path.read_text()
        assert not re.search(r"^\s*(from|import) (flask|sqlalchemy)", text, re.MULTILINE), path


def test_services_never_touch_the_request():
    for path in layer_modules("services"):
        text = path.read_text()
        assert not re.search(r"\b(request|session|current_user)\b\s*[\.\[]", text.replace("db.session", "")), path
        assert ".commit()" not in text, f"{path}: services flush; the request or command commits"


def test_views_and_commands_never_end_the_transaction():
    """One transaction per request and per command (dpia.core.transaction): no view or command commits
    or rolls back by hand."""
    for path in [*layer_modules("views"), *layer_modules("cli")]:
        text = path.read_text()
        assert not re.search(r"\.(commit|rollback)\(", text), f"{path}: the request or command commits once"


def test_no_template_formats_dates_by_hand():
    offenders = [f"{path.relative_to(ROOT)}:{number}" for path in (ROOT / "templates").rglob("*.html")
                 for number, line in enumerate(path.read_text().splitlines(), start=1) if "strftime" in line]
    assert offenders == [], "use the `day` and `utc_datetime` filters"


def test_no_module_is_longer_than_500_lines():
    lengths = {str(path.relative_to(ROOT)): len(path.read_text().splitlines())
               for path in (ROOT / "dpia").rglob("*.py")}
    assert len(lengths) > 50
    assert {path: n for path, n in lengths.items() if n > MAX_MODULE_LINES} == {}
