import pytest

from dpia.accounts.rules import safe_next_path

# The tricky forms from security.md I4, plus a few of our own.
HOSTILE = [
    "https://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "/%5Cevil.example",
    "/\t/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "\\\\evil.example",
    "/%2F/evil.example",
    "/%09/evil.example",
    "http:/evil.example",
    "/\n/evil.example",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_next_falls_back_to_default(value):
    assert safe_next_path(value, "/home") == "/home"


@pytest.mark.parametrize("value", ["/", "/admin/users", "/assessments/DPIA-2017-004?tab=revisions"])
def test_same_site_paths_are_kept(value):
    assert safe_next_path(value, "/home") == value


@pytest.mark.parametrize("value", [None, ""])
def test_missing_next_gives_default(value):
    assert safe_next_path(value, "/home") == "/home"
