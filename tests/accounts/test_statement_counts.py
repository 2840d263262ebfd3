"""The account pages issue the same number of SQL statements whatever the number of people, teams
and sessions (load once, pass it down)."""

from dpia.accounts.rules import Role
from tests import factories
from tests.web import as_user, table_rows, text_of


def add_people(count: int) -> None:
    team = factories.create_team()
    for _ in range(count):
        factories.create_user(Role.TEAM_MEMBER, Role.REVIEWER, teams=(team, factories.create_team()))


def test_the_users_list_costs_the_same_for_10_times_the_people(app, db, count_queries):
    client = as_user(app, factories.create_user(Role.ADMIN))
    add_people(2)
    with count_queries() as few:
        assert client.get("/admin/users").status_code == 200
    add_people(20)
    with count_queries() as many:
        body = text_of(client.get("/admin/users"))
    assert len(table_rows(body)) == 1 + 1 + 22  # header, the admin, the people
    assert many.count == few.count


def test_the_teams_list_costs_the_same_for_10_times_the_teams(app, db, count_queries):
    client = as_user(app, factories.create_user(Role.ADMIN))
    add_people(2)
    with count_queries() as few:
        assert client.get("/admin/teams").status_code == 200
    add_people(20)
    with count_queries() as many:
        assert client.get("/admin/teams").status_code == 200
    assert many.count == few.count


def test_the_sessions_page_costs_the_same_for_10_times_the_sessions(app, db, count_queries):
    person = factories.create_user(Role.TEAM_MEMBER)
    client = as_user(app, person)
    as_user(app, person)  # a second device
    with count_queries() as few:
        assert client.get("/account/sessions").status_code == 200
    for _ in range(10):
        as_user(app, person)
    with count_queries() as many:
        assert client.get("/account/sessions").status_code == 200
    assert many.count == few.count
