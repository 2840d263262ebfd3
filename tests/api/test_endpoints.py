"""The read API's endpoints: authentication by token only, JSON errors, pagination, the content, and
the role matrix of tests/test_permissions.py, which the API must answer exactly as the pages do."""

from __future__ import annotations

import pytest

from dpia.accounts.models import User
from dpia.accounts.rules import Role
from dpia.core.extensions import db
from dpia.permissions import can_view_assessment
from tests import factories
from tests.api.conftest import bearer, issue_token
from tests.factories import PRINCIPALS, StubAssessment
from tests.test_permissions import TEAM
from tests.web import as_user

PROBLEM = "application/problem+json"


@pytest.fixture()
def owned(db):  # noqa: ANN001, ANN201
    """An assessment of a team, a member of that team and a token of theirs."""
    team = factories.create_team()
    member = factories.create_user(teams=(team,))
    assessment = factories.create_assessment(team, reference="DPIA-2026-900", revisions=2)
    return {"team": team, "member": member, "assessment": assessment, "secret": issue_token(member)}


def _assert_problem(response, status: int) -> dict:  # noqa: ANN001
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == status and body["detail"]
    return body


# -- authentication ----------------------------------------------------------------------------------

def test_no_token_is_a_401_with_a_challenge(client, owned):
    response = client.get("/api/assessments")
    _assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="dpia"'


@pytest.mark.parametrize("header", ["Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz",
                                    "Bearer dpia_" + "A" * 43])
def test_a_malformed_or_unknown_token_is_a_401_invalid_token(client, owned, header):
    response = client.get("/api/assessments", headers={"Authorization": header})
    _assert_problem(response, 401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_revoked_token_stops_working_at_once(client, owned):
    from dpia.api.services.tokens import revoke_token, tokens_of

    assert client.get("/api/assessments", headers=bearer(owned["secret"])).status_code == 200
    revoke_token(actor=owned["member"], now=factories.NOW, token_id=tokens_of(owned["member"])[0].id)
    db.session.commit()
    _assert_problem(client.get("/api/assessments", headers=bearer(owned["secret"])), 401)


def test_an_expired_token_is_refused(client, owned, clock):
    clock.set(factories.NOW.replace(year=2027, month=3))  # 90 days after NOW have passed
    _assert_problem(client.get("/api/assessments", headers=bearer(owned["secret"])), 401)


def test_a_deactivated_persons_tokens_stop_working(client, owned):
    owned["member"].active = False
    db.session.commit()
    _assert_problem(client.get("/api/assessments", headers=bearer(owned["secret"])), 401)


def test_a_token_without_the_scope_is_a_403(client, owned):
    secret = issue_token(owned["member"], scopes=("assessments:read",))
    ok = client.get("/api/assessments/DPIA-2026-900/revisions/1", headers=bearer(secret))
    assert ok.status_code == 200
    response = client.get("/api/assessments/DPIA-2026-900/revisions/1/publication", headers=bearer(secret))
    _assert_problem(response, 403)
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    only_publication = issue_token(owned["member"], scopes=("publication:read",))
    _assert_problem(client.get("/api/assessments", headers=bearer(only_publication)), 403)


def test_the_session_cookie_is_neither_used_nor_set(app, owned):
    """A signed-in browser calling the API without a token is not let in by its cookie."""
    browser = as_user(app, owned["member"])
    assert browser.get("/account").status_code == 200
    response = browser.get("/api/assessments")
    _assert_problem(response, 401)
    assert "Set-Cookie" not in response.headers
    with_token = browser.get("/api/assessments", headers=bearer(owned["secret"]))
    assert with_token.status_code == 200 and "Set-Cookie" not in with_token.headers
    assert "Set-Cookie" not in browser.get("/api/nowhere").headers


# -- errors are JSON -----------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [{"page": "0"}, {"page": "x"}, {"per_page": "101"}, {"per_page": "-1"},
                                   {"page": "1" * 40}, {"sort": "title"}, {"page": "\u0661"}])
def test_bad_query_parameters_are_a_400(client, owned, query):
    _assert_problem(client.get("/api/assessments", headers=bearer(owned["secret"]), query_string=query), 400)


def test_a_nul_character_is_a_json_400(client, owned):
    response = client.get("/api/assessments/DPIA%00/revisions", headers=bearer(owned["secret"]))
    _assert_problem(response, 400)


@pytest.mark.parametrize("path", ["/api/nowhere", "/api", "/api/assessments/DPIA-2026-900/revisions/99",
                                  "/api/assessments/DPIA-2026-900/revisions/99999999999",
                                  "/api/assessments/NO-SUCH-REF", "/api/assessments/NO-SUCH-REF/revisions"])
def test_what_does_not_exist_is_a_json_404(client, owned, path):
    _assert_problem(client.get(path, headers=bearer(owned["secret"])), 404)


def test_other_methods_are_a_json_405_with_allow(client, owned):
    response = client.post("/api/assessments", headers=bearer(owned["secret"]))
    _assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


# -- content -------------------------------------------------------------------------------------------

def test_an_assessment_and_its_revisions(client, owned):
    headers = bearer(owned["secret"])
    one = client.get("/api/assessments/DPIA-2026-900", headers=headers)
    assert one.status_code == 200 and one.headers["Cache-Control"] == "no-store"
    assert one.get_json()["latest_revision"] == 2
    assert int(one.headers["RateLimit-Remaining"]) < int(one.headers["RateLimit-Limit"])
    revisions = client.get("/api/assessments/DPIA-2026-900/revisions", headers=headers).get_json()
    assert [item["number"] for item in revisions["items"]] == [2, 1]
    revision = client.get("/api/assessments/DPIA-2026-900/revisions/1", headers=headers).get_json()
    assert revision["state"] == "draft" and revision["questionnaire"]["key"] == "uk-dpia"
    assert client.get(revision["links"]["answers"], headers=headers).status_code == 200


def test_lists_page_in_a_stable_order_with_next_links(client, owned):
    for _ in range(4):
        factories.create_assessment(owned["team"])
    db.session.commit()
    headers = bearer(owned["secret"])
    seen, path, pages = [], "/api/assessments?per_page=2", 0
    while path:
        body = client.get(path, headers=headers).get_json()
        seen += [item["reference"] for item in body["items"]]
        assert body["total"] == 5
        path, pages = body["next"], pages + 1
    assert pages == 3 and len(seen) == 5 == len(set(seen))
    assert seen[0] == "DPIA-2026-900"  # oldest first
    last = client.get("/api/assessments?per_page=2&page=3", headers=headers).get_json()
    assert last["prev"] == "/api/assessments?page=2&per_page=2" and last["next"] is None


def test_the_content_of_a_published_revision(client, db):
    """Answers, retention rules, risks and publication state, read through the pages' loaders."""
    setup = factories.create_publication_setup()
    factories.approve(setup)
    factories.decide(setup)
    db.session.commit()
    headers = bearer(issue_token(setup["dpo"]))
    base = "/api/assessments/DPIA-2026-400/revisions/1"
    items = client.get(base + "/answers", headers=headers).get_json()["items"]
    answers = {item["question_key"]: item for item in items}
    assert answers["basics.aims"]["value"] == "Public aims text" and answers["basics.aims"]["section_key"] == "basics"
    rules = client.get(base + "/retention-rules", headers=headers).get_json()
    assert {row["cells"]["data_category"] for row in rules["items"]} >= {"Visible rule"}
    assert all(row["question_key"] == "later.retention" for row in rules["items"])
    assert rules["items"][0]["cells"]["period_days"] in (0, 30)
    publication = client.get(base + "/publication", headers=headers).get_json()
    assert publication["status"] == "decided"
    assert publication["decisions"][0]["current_plan"] == "2018-Q2"
    for part in ("risks", "measures", "access-rules"):
        assert client.get(f"{base}/{part}", headers=headers).get_json()["total"] >= 0


# -- the role matrix -------------------------------------------------------------------------------------

def _person_like(principal: str, teams: dict[int, object]) -> User:
    """A real account with the roles and teams of one of the matrix's principals (team 1 owns the assessment)."""
    stub = PRINCIPALS[principal]
    return factories.create_user(*sorted(stub.role_set), teams=tuple(teams[n] for n in sorted(stub.team_ids)))


@pytest.mark.parametrize("principal", list(PRINCIPALS))
def test_the_api_shows_each_principal_what_the_pages_show(app, db, principal):
    teams = {1: factories.create_team(), 2: factories.create_team()}
    assessment = factories.create_assessment(teams[1], reference="DPIA-2026-901")
    person = _person_like(principal, teams)
    secret = issue_token(person)
    db.session.commit()
    expected = can_view_assessment(PRINCIPALS[principal], StubAssessment(1))
    assert expected is (principal in TEAM or bool(PRINCIPALS[principal].role_set - {Role.TEAM_MEMBER}))

    api = app.test_client()
    base = "/api/assessments/DPIA-2026-901"
    paths = [base, f"{base}/revisions", f"{base}/revisions/1", f"{base}/revisions/1/answers",
             f"{base}/revisions/1/risks", f"{base}/revisions/1/publication"]
    for path in paths:
        assert api.get(path, headers=bearer(secret)).status_code == (200 if expected else 404), path
    listed = [item["reference"] for item in api.get("/api/assessments", headers=bearer(secret)).get_json()["items"]]
    assert (assessment.reference in listed) is expected

    pages = as_user(app, person)
    for page in (f"/assessments/{assessment.reference}", f"/assessments/{assessment.reference}/revisions/1",
                 f"/assessments/{assessment.reference}/revisions/1/publication"):
        assert pages.get(page).status_code == (200 if expected else 404), page


def test_an_foi_officer_reads_every_assessment_like_on_the_pages(client, owned):
    officer = factories.create_user(Role.FOI_OFFICER)
    secret = issue_token(officer)
    assert client.get("/api/assessments/DPIA-2026-900", headers=bearer(secret)).status_code == 200


# -- bounded statements ------------------------------------------------------------------------------------

def test_the_list_costs_the_same_for_10_times_the_assessments(client, owned, count_queries, clock):
    """Under a fixed clock, so both counted requests fall in one rate window after a first one."""
    reviewer = factories.create_user(Role.REVIEWER)
    secret = issue_token(reviewer)
    for _ in range(2):
        factories.create_assessment(revisions=2)
    db.session.commit()
    assert client.get("/api/assessments", headers=bearer(secret)).status_code == 200
    with count_queries() as few:
        assert len(client.get("/api/assessments", headers=bearer(secret)).get_json()["items"]) == 3
    for _ in range(27):
        factories.create_assessment(revisions=2)
    db.session.commit()
    with count_queries() as many:
        assert len(client.get("/api/assessments?per_page=100", headers=bearer(secret)).get_json()["items"]) == 30
    assert many.count == few.count
    assert few.count <= 5


def test_a_revisions_rows_cost_the_same_for_10_times_the_rows(client, db, count_queries, clock):
    setup = factories.create_publication_setup()
    revision = setup["revision"]
    db.session.commit()
    secret = issue_token(setup["author"])
    path = "/api/assessments/DPIA-2026-400/revisions/1/retention-rules?per_page=100"
    assert client.get(path, headers=bearer(secret)).status_code == 200
    with count_queries() as few:
        assert client.get(path, headers=bearer(secret)).get_json()["total"] == 2
    for n in range(18):
        factories.create_retention_rule(revision, f"Category {n}")
    db.session.commit()
    with count_queries() as many:
        assert client.get(path, headers=bearer(secret)).get_json()["total"] == 20
    assert many.count == few.count


def test_the_owner_record_is_not_shared_between_people(client, owned):
    """Each token reads as its own owner: another team's member sees nothing of this team's."""
    stranger = factories.create_user(teams=(factories.create_team(),))
    secret = issue_token(stranger)
    assert client.get("/api/assessments", headers=bearer(secret)).get_json()["items"] == []
    _assert_problem(client.get("/api/assessments/DPIA-2026-900", headers=bearer(secret)), 404)


def test_no_token_reaches_the_logs(client, owned, caplog):
    """Refusals are logged by the security log with the token's id and a reason, never the token."""
    import logging

    from dpia.api.services.tokens import revoke_token, tokens_of

    unknown = "dpia_" + "B" * 43
    with caplog.at_level(logging.DEBUG):
        client.get("/api/assessments", headers=bearer(unknown))
        client.get("/api/assessments", headers={"Authorization": "Bearer CANARY-not-a-token-value"})
        client.get("/api/assessments", headers=bearer(owned["secret"]))
        revoke_token(actor=owned["member"], now=factories.NOW, token_id=tokens_of(owned["member"])[0].id)
        db.session.commit()
        client.get("/api/assessments", headers=bearer(owned["secret"]))
    text = "\n".join(record.getMessage() + " " + str(vars(record)) for record in caplog.records)
    assert "api_token_refused" in text  # the refusals were logged...
    for secret in (unknown, owned["secret"], "CANARY-not-a-token-value"):
        assert secret not in text  # ...without the token
