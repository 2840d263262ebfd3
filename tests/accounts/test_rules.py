"""Account rules on plain values: password problems, and where `next` may send someone after sign-in."""

import pytest

from dpia.accounts.rules import MAX_LENGTH, MIN_LENGTH, password_problems, safe_next_path


@pytest.mark.parametrize("length", [MIN_LENGTH, 64, MAX_LENGTH])
def test_long_enough_passwords_are_accepted(length):
    assert password_problems(("river lamp " * 20)[:length]) == []


@pytest.mark.parametrize("length", [0, 8, MIN_LENGTH - 1])
def test_short_passwords_are_refused(length):
    assert any("characters or more" in p for p in password_problems(("abc1" * 10)[:length]))


def test_over_long_passwords_are_refused():
    assert any("or fewer" in p for p in password_problems("river lamp " * 20))


@pytest.mark.parametrize("password", ["passwordpassword", "aaaaaaaaaaaaaaaaaa", "abababababababab"])
def test_obvious_passwords_are_refused(password):
    assert any("too easy" in p for p in password_problems(password))


def test_no_composition_rules():
    assert password_problems("only lower case letters here") == []


def test_email_as_password_is_refused():
    assert password_problems("someone@example.org", email="Someone@example.org")


# The tricky forms from docs/security.md I4, plus a few of our own.
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
