"""Column types and engine settings (dpia/core/database.py): aware UTC datetimes, SQLite pragmas."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError

from tests import factories


def test_datetimes_come_back_as_aware_utc(db):
    local = datetime(2017, 4, 12, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    team = factories.create_team()
    team.created_at = local
    db.session.commit()
    db.session.expire_all()
    assert team.created_at == local
    assert team.created_at.tzinfo == UTC
    assert team.created_at.hour == 9


def test_naive_datetimes_are_refused(db):
    team = factories.create_team()
    team.created_at = datetime(2017, 4, 12, 10, 30)
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_sqlite_pragmas_applied(tmp_path):
    from dpia.core.extensions import db
    from tests.factories import make_app

    app = make_app(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}")
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        db.engine.dispose()
