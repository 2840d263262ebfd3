"""Stored password hashes (security.md A1): argon2id at the OWASP minimum, and weaker hashes upgraded
at the next successful sign-in."""

from argon2 import PasswordHasher, Type, extract_parameters

from dpia.accounts.rules import Role
from dpia.accounts.services.users import create_user
from tests import factories
from tests.web import sign_in

# What a hash from before today's parameters looks like: argon2id with less memory and one pass.
LEGACY_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID)


def assert_owasp_minimum(stored_hash: str) -> None:
    assert stored_hash.startswith("$argon2id$")
    parameters = extract_parameters(stored_hash)
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 19456
    assert parameters.time_cost >= 2


def test_a_new_accounts_password_is_stored_as_argon2id_at_the_owasp_minimum(db, clock):
    user = create_user(actor=None, now=clock(), email="new.person@example.test", name="New Person",
                       password=factories.PASSWORD, roles=[Role.TEAM_MEMBER])
    assert factories.PASSWORD not in user.password_hash
    assert_owasp_minimum(user.password_hash)


def test_a_legacy_parameter_hash_is_rehashed_at_the_next_successful_sign_in(client, db):
    user = factories.create_user(Role.TEAM_MEMBER)
    legacy = LEGACY_HASHER.hash(factories.PASSWORD)
    user.password_hash = legacy
    db.session.flush()

    assert sign_in(client, user.email, "not the right password at all").status_code == 200
    assert user.password_hash == legacy  # a wrong password changes nothing

    assert sign_in(client, user.email, factories.PASSWORD).status_code == 302
    db.session.refresh(user)
    assert user.password_hash != legacy
    assert_owasp_minimum(user.password_hash)
    assert PasswordHasher().verify(user.password_hash, factories.PASSWORD)
