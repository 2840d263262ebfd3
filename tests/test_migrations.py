"""Migrations: head matches the models, and every step runs up and down on each database."""

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from dpia.core.extensions import db
from tests.databases import backends, fresh_database
from tests.factories import make_app


@pytest.fixture(params=backends())
def empty_app(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        app = make_app(url)
        yield app
        with app.app_context():
            db.engine.dispose()


UNMODELLED = "register_search"  # the register's full-text index, outside the models (see migrations/env.py)


def _modelled(name, type_, parent_names):  # noqa: ANN001
    return type_ != "table" or not (name or "").startswith(UNMODELLED)


def model_diff(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": _modelled})
        return compare_metadata(context, db.metadata)


def table_names(app):
    with app.app_context():
        return {name for name in inspect(db.engine).get_table_names()
                if name != "alembic_version" and not name.startswith(UNMODELLED)}


def test_head_matches_models(empty_app):
    with empty_app.app_context():
        upgrade()
    assert model_diff(empty_app) == []
    assert table_names(empty_app) == set(db.metadata.tables)


def test_every_migration_steps_up_and_down(empty_app):
    with empty_app.app_context():
        script = ScriptDirectory.from_config(empty_app.extensions["migrate"].migrate.get_config())
        revisions = [rev.revision for rev in reversed(list(script.walk_revisions()))]
        assert revisions, "no migrations found"
        for revision in revisions:
            upgrade(revision=revision)
        schema_at_head = table_names(empty_app)
        for _ in revisions:
            downgrade(revision="-1")
        assert table_names(empty_app) == set()
        upgrade()
        assert table_names(empty_app) == schema_at_head


def test_flask_db_check_is_clean(empty_app):
    with empty_app.app_context():
        upgrade()
    result = empty_app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_enum_columns_keep_their_data_and_refuse_other_values(empty_app):
    """The enum migration only adds CHECK constraints: rows written before it read back unchanged."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with empty_app.app_context():
        upgrade(revision="6440aa011f4a")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO questionnaire (id, key, title, kind, created_at) "
                                    "VALUES (1, 'q', 'Q', 'add_on', '2017-04-12 09:30:00')"))
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT kind FROM questionnaire WHERE id = 1")).scalar() == "add_on"
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text("INSERT INTO questionnaire (id, key, title, kind, created_at) "
                                    "VALUES (2, 'r', 'R', 'neither', '2017-04-12 09:30:00')"))


def test_the_approver_migration_moves_regimes_risks_and_exemptions_and_back(empty_app):
    """3d9f2a7c1e44: each revision takes its assessment's regime, a measure keeps the risk it named (as a
    list), and redactions citing a neither-confirm-nor-deny provision move to the ground it stood for."""
    from sqlalchemy import text

    def scalar(sql):
        with db.engine.connect() as connection:
            return connection.execute(text(sql)).scalar()

    with empty_app.app_context():
        upgrade(revision="7b1e4c2d9a05")
        with db.engine.begin() as connection:
            for sql in (
                "INSERT INTO \"user\" (id, email, name, password_hash, active, created_at) "
                "VALUES (1, 'a@example.test', 'A', 'x', true, '2017-04-12 09:30:00')",
                "INSERT INTO team (id, name, created_at) VALUES (1, 'T', '2017-04-12 09:30:00')",
                "INSERT INTO questionnaire (id, key, title, kind, created_at) "
                "VALUES (1, 'q', 'Q', 'core', '2017-04-12 09:30:00')",
                "INSERT INTO questionnaire_version (id, questionnaire_id, number, label, definition, content_hash, "
                "created_at) VALUES (1, 1, 1, '1', '{}', 'h', '2017-04-12 09:30:00')",
                "INSERT INTO assessment (id, reference, title, team_id, regime, created_at) "
                "VALUES (1, 'DPIA-2017-004', 'LFR', 1, 'dpa_2018_part_3', '2017-04-12 09:30:00')",
                "INSERT INTO revision (id, assessment_id, number, state, questionnaire_version_id, lock_version, "
                "created_at) VALUES (1, 1, 1, 'approved', 1, 1, '2017-04-12 09:30:00')",
                "INSERT INTO measure (id, revision_id, question_key, row_uid, position, lock_version, risk_uid, "
                "description, updated_at) VALUES (1, 1, 'm', 'm1', 1, 1, 'r1', 'Check', '2017-04-12 09:30:00')",
                "INSERT INTO redaction (id, revision_id, target_type, target_key, exemption, reason, created_at, "
                "created_by_id) VALUES (1, 1, 'section', 'lfr-watchlist', 's31_3', 'Tactics', "
                "'2017-04-12 09:30:00', 1)",
            ):
                connection.execute(text(sql))
        upgrade(revision="3d9f2a7c1e44")
        assert scalar("SELECT regime FROM revision WHERE id = 1") == "dpa_2018_part_3"
        assert json.loads(str(scalar("SELECT risk_uids FROM measure WHERE id = 1")).replace("'", '"')) == ["r1"]
        assert scalar("SELECT exemption FROM redaction WHERE id = 1") == "s31_1_a"
        downgrade(revision="7b1e4c2d9a05")
        assert scalar("SELECT regime FROM assessment WHERE id = 1") == "dpa_2018_part_3"
        assert scalar("SELECT risk_uid FROM measure WHERE id = 1") == "r1"
        assert scalar("SELECT exemption FROM redaction WHERE id = 1") == "s31_1"


def test_the_identity_migration_ends_open_sessions_and_keeps_accounts(empty_app):
    """4d804bb453cc: sessions open at upgrade are ended (everyone signs in again, staff then enrol in
    MFA), their timestamps are filled in; an account left without a password can still be downgraded."""
    from sqlalchemy import text

    def scalar(sql):
        with db.engine.connect() as connection:
            return connection.execute(text(sql)).scalar()

    with empty_app.app_context():
        upgrade(revision="3d9f2a7c1e44")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO \"user\" (id, email, name, password_hash, active, created_at) "
                "VALUES (1, 'a@example.test', 'A', 'x', true, '2017-04-12 09:30:00')"))
            connection.execute(text(
                "INSERT INTO user_session (id, token_hash, user_id, created_at) "
                "VALUES (1, 'h', 1, '2017-04-12 09:30:00')"))
        upgrade(revision="4d804bb453cc")
        assert scalar("SELECT ended_at FROM user_session WHERE id = 1") is not None
        assert scalar("SELECT last_seen_at FROM user_session WHERE id = 1") is not None
        assert scalar("SELECT method FROM user_session WHERE id = 1") == "password"
        assert scalar("SELECT password_changed_at FROM \"user\" WHERE id = 1") is None
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE \"user\" SET password_hash = NULL WHERE id = 1"))
        downgrade(revision="3d9f2a7c1e44")
        assert scalar("SELECT password_hash FROM \"user\" WHERE id = 1") == "!"


def test_the_scheduled_flag_is_filled_in_from_the_publications_that_exist(empty_app):
    """e7f3c0d5b7a6: a decision whose revision has a publication is marked scheduled, others are not."""
    from sqlalchemy import text

    from tests import factories

    with empty_app.app_context():
        upgrade()
        publisher = factories.Publisher()
        decided = publisher.draft(title="Decided only", reference="DPIA-2031-001")
        publisher.approve(decided)
        decided_id = publisher.decide(decided).id
        scheduled_id = publisher.publish(publisher.draft(title="Scheduled", reference="DPIA-2031-002"),
                                         factories.NOW).decision_id
        factories.commit()
        db.session.remove()
        downgrade(revision="e6e1a8b3f5d4")
        upgrade()
        with db.engine.connect() as connection:
            flags = dict(connection.execute(text("SELECT id, scheduled FROM publication_decision")).all())
    assert flags == {decided_id: False, scheduled_id: True}
