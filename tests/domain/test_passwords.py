import pytest

from dpia.accounts.rules import MAX_LENGTH, MIN_LENGTH, password_problems


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
