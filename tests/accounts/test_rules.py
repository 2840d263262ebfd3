"""Account rules on plain values: password problems, and where `next` may send someone after sign-in."""

import pytest

from dpia.accounts import rules
from dpia.accounts.rules import (
    MAX_LENGTH,
    MIN_LENGTH,
    WHAT_TO_DO,
    common_passwords,
    password_problems,
    safe_next_path,
)

PHRASE = ("Northshire retention rule 30 days! orbit velvet turnip lantern quiet marble fox under seven bridges, "
          "then home by the slow canal past the old mill")


@pytest.mark.parametrize(("length", "accepted"), [(14, False), (15, True), (64, True), (128, True), (129, False)])
def test_length_rule_is_15_to_128_characters(length, accepted):
    problems = password_problems(PHRASE[:length])
    assert (problems == []) is accepted
    if not accepted:
        assert problems == [f"Password must be {MIN_LENGTH} characters or more" if length < MIN_LENGTH
                            else f"Password must be {MAX_LENGTH} characters or fewer"]


def test_over_long_passwords_are_refused_without_being_scored(monkeypatch):
    """Scoring is costly, like hashing: megabytes are refused on their length alone."""
    monkeypatch.setattr(rules, "zxcvbn", lambda *args, **kwargs: pytest.fail("scored an over-long password"))
    assert password_problems("river lamp " * 100_000) == [f"Password must be {MAX_LENGTH} characters or fewer"]


def test_the_blocklist_is_zxcvbns_tens_of_thousands_of_entries():
    listed = common_passwords()
    assert len(listed) > 90_000  # passwords 30,000, English words 30,000, film and TV 19,160, names and surnames
    assert {"password", "qwerty123456789", "1qaz2wsx3edc4rfv", "internationalization"} <= listed
    assert all(entry == entry.lower() for entry in listed)
    assert common_passwords() is listed  # loaded once


@pytest.mark.parametrize("password", ["qwerty123456789", "1qaz2wsx3edc4rfv", "Q1W2E3R4T5Y6U7I8", "internationalization",
                                      "PasswordStandard", "momsanaladventure"])
def test_listed_passwords_are_refused_saying_so(password):
    assert password_problems(password) == [
        f"Password is on a list of common passwords and words, which are guessed first. {WHAT_TO_DO}"]


PADDED = ["password123456789", "Password123456!!", "dragon12345678901", "!!!monkey123456789", "sunshine2024!!!!!",
          "charlie-2001-2002", "michael1985michael", "P@ssw0rd123456789", "basketball123456"]


@pytest.mark.parametrize("password", PADDED)
def test_common_passwords_and_words_padded_with_numbers_are_refused(password):
    assert password_problems(password) == [
        "Password is a common password or word with numbers, symbols or repeats added, which are guessed early. "
        f"{WHAT_TO_DO}"]


@pytest.mark.parametrize(("password", "reason"), [
    ("abababababababab", 'Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    ("Summer2024Summer2024", "Avoid repeated words and characters."),
    ("aaaaaaaaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess.'),
    ("dragonqwertyuiop", "This is similar to a commonly used password."),
    ("123456789012345", "Add another word or two."),
])
def test_easily_guessed_patterns_are_refused_with_zxcvbns_reason(password, reason):
    [problem] = password_problems(password)
    assert problem.startswith("Password is too easy to guess. ")
    assert reason in problem


@pytest.mark.parametrize("password", [
    "orbit velvet turnip lantern",  # four random words
    "Northshire retention rule 30 days!",
    "a perfectly long test password",  # tests/factories.PASSWORD
    "demonstration-only",  # the demo's published password
    "only lower case letters here",  # no composition rules
    "Alice likes green tea a lot",  # a first name alone is not "similar to your name"
])
def test_strong_phrases_are_accepted(password):
    assert password_problems(password, email="alice.smith@example.org", name="Alice Smith") == []


def test_email_as_password_is_refused():
    assert password_problems("Someone@Example.org", email="someone@example.org") == [
        f"Password must not be your email address. {WHAT_TO_DO}"]


@pytest.mark.parametrize("password", ["someone.example.org1", "someone@example.org!", "Alice Smith 1234567",
                                      "smith.alice.someone"])
def test_passwords_made_of_the_persons_email_or_name_are_refused(password):
    assert password_problems(password, email="someone@example.org", name="Alice Smith") == [
        f"Password is too similar to your email address or name. {WHAT_TO_DO}"]
    assert password_problems(password) != [f"Password is too similar to your email address or name. {WHAT_TO_DO}"]


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
