"""Project-wide rules that a grep can prove (security.md I2)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SANITISER = ROOT / "dpia" / "core" / "markdown.py"
SINKS = re.compile(r"\|\s*safe\b|Markup\(|autoescape\s+false|render_template_string", re.IGNORECASE)


def project_files(*patterns):
    for folder in ("dpia", "forms", "templates"):
        for pattern in patterns:
            yield from (ROOT / folder).rglob(pattern)


def test_the_sanitiser_is_the_only_unescaped_output():
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for path in project_files("*.py", "*.html") if path != SANITISER
                 for number, line in enumerate(path.read_text().splitlines(), start=1) if SINKS.search(line)]
    assert offenders == []
    assert "Markup(" in SANITISER.read_text()


def test_every_template_is_autoescaped_html():
    names = [p.name for p in (ROOT / "templates").rglob("*") if p.is_file()]
    assert names and all(name.endswith(".html") for name in names)


def test_domain_never_imports_flask():
    for path in (ROOT / "dpia" / "domain").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"^\s*(from|import) flask", text, re.MULTILINE), path


def test_services_never_touch_the_request():
    for path in (ROOT / "dpia" / "services").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"\b(request|session|current_user)\b\s*[\.\[]", text.replace("db.session", "")), path
        assert ".commit()" not in text, f"{path}: services flush; the caller commits"
