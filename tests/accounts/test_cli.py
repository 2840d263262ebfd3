"""`flask dpia create-user`."""

from sqlalchemy import select

from dpia.accounts.models import User
from dpia.accounts.rules import Role
from dpia.accounts.services.passwords import verify_password
from tests.cli import run


def test_create_user_reads_password_from_stdin(app, db):
    result = run(app, "create-user", "--email", "New.Person@Example.test", "--name", "New Person",
                 "--role", "dpo", "--role", "reviewer", "--team", "Records", input="a long enough passphrase\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "new.person@example.test"))
    assert user is not None
    assert user.role_set == {Role.DPO, Role.REVIEWER}
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(user.password_hash, "a long enough passphrase")
    assert [m.team.name for m in user.memberships] == ["Records"]


def test_create_user_refuses_weak_password_and_duplicate(app, db):
    weak = run(app, "create-user", "--email", "a@example.test", "--name", "A", "--role", "admin", input="short\n")
    assert weak.exit_code == 1
    assert "15 characters or more" in weak.output
    ok = run(app, "create-user", "--email", "b@example.test", "--name", "B", "--role", "admin",
             input="another long passphrase\n")
    assert ok.exit_code == 0
    duplicate = run(app, "create-user", "--email", "B@example.test", "--name", "B", "--role", "admin",
                    input="another long passphrase\n")
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output
