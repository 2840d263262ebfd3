"""Single-use links (dpia/accounts/services/tokens.py): only a hash is stored, a link works once and
until it expires, a newer link replaces older ones, and of two concurrent redemptions one wins."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from dpia.accounts.models import AccountToken, User
from dpia.accounts.rules import TokenPurpose
from dpia.accounts.services.tokens import issue_token, peek_token, redeem_token
from dpia.core.extensions import db as _db
from tests import factories

NOW = factories.NOW
HOUR = timedelta(hours=1)


def test_only_the_hash_of_a_link_is_stored(db):
    user = factories.create_user()
    raw = issue_token(user, TokenPurpose.PASSWORD_RESET, now=NOW, lifetime=HOUR, created_by=None)
    stored = db.session.scalar(select(AccountToken))
    assert len(raw) >= 43  # 32 random bytes, URL-safe base64
    assert stored.token_hash != raw and raw not in stored.token_hash
    assert stored.expires_at == NOW + HOUR


def test_a_link_works_once(db):
    user = factories.create_user()
    raw = issue_token(user, TokenPurpose.PASSWORD_RESET, now=NOW, lifetime=HOUR, created_by=None)
    assert redeem_token(raw, TokenPurpose.PASSWORD_RESET, now=NOW) == user
    assert redeem_token(raw, TokenPurpose.PASSWORD_RESET, now=NOW) is None
    assert peek_token(raw, TokenPurpose.PASSWORD_RESET, now=NOW) is None


def test_a_link_works_until_its_last_second(db):
    user = factories.create_user()
    raw = issue_token(user, TokenPurpose.INVITATION, now=NOW, lifetime=HOUR, created_by=None)
    assert peek_token(raw, TokenPurpose.INVITATION, now=NOW + HOUR - timedelta(seconds=1)) == user
    assert redeem_token(raw, TokenPurpose.INVITATION, now=NOW + HOUR) is None


def test_a_link_is_only_for_its_purpose(db):
    user = factories.create_user()
    raw = issue_token(user, TokenPurpose.INVITATION, now=NOW, lifetime=HOUR, created_by=None)
    assert redeem_token(raw, TokenPurpose.PASSWORD_RESET, now=NOW) is None
    assert redeem_token(raw, TokenPurpose.INVITATION, now=NOW) == user


def test_a_new_link_makes_the_older_ones_stop_working(db):
    user = factories.create_user()
    first = issue_token(user, TokenPurpose.PASSWORD_RESET, now=NOW, lifetime=HOUR, created_by=None)
    second = issue_token(user, TokenPurpose.PASSWORD_RESET, now=NOW + timedelta(minutes=1), lifetime=HOUR,
                         created_by=None)
    later = NOW + timedelta(minutes=2)
    assert redeem_token(first, TokenPurpose.PASSWORD_RESET, now=later) is None
    assert redeem_token(second, TokenPurpose.PASSWORD_RESET, now=later) == user


def test_a_link_of_a_deactivated_account_opens_nothing(db):
    user = factories.create_user(active=False)
    raw = issue_token(user, TokenPurpose.PASSWORD_RESET, now=NOW, lifetime=HOUR, created_by=None)
    assert peek_token(raw, TokenPurpose.PASSWORD_RESET, now=NOW) is None
    assert redeem_token(raw, TokenPurpose.PASSWORD_RESET, now=NOW) is None


def test_an_unknown_link_opens_nothing(db):
    factories.create_user()
    assert redeem_token("not-a-token", TokenPurpose.PASSWORD_RESET, now=NOW) is None


@pytest.fixture()
def committed_link(app):
    """A reset link committed for real (outside the rolled-back test transaction), removed afterwards."""
    with app.app_context():
        user = factories.create_user()
        raw = issue_token(user, TokenPurpose.PASSWORD_RESET, now=NOW, lifetime=HOUR, created_by=None)
        _db.session.commit()
        user_id = user.id
    yield raw
    with app.app_context():
        _db.session.execute(delete(User).where(User.id == user_id))
        _db.session.commit()


def test_of_two_concurrent_redemptions_exactly_one_wins(app, committed_link):
    """Each thread has its own connection and transaction; both try the same link at once. The
    conditional UPDATE lets only one of them through (on PostgreSQL the second waits for the first's
    row lock, then finds the link used)."""
    start = threading.Barrier(2)
    results: list[int | None] = []

    def redeem() -> None:
        with app.app_context():
            start.wait()
            user = redeem_token(committed_link, TokenPurpose.PASSWORD_RESET, now=NOW)
            results.append(user.id if user else None)
            _db.session.commit()

    threads = [threading.Thread(target=redeem) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert sum(result is not None for result in results) == 1
