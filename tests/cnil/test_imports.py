"""`flask dpia import-cnil`, the admin import page and the annex page."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from dpia.accounts.rules import Role
from dpia.assessments.models import Answer, Assessment, Risk
from dpia.questionnaires.models import QuestionnaireVersion
from dpia.review.models import Comment
from tests import factories
from tests.cli import run
from tests.cnil.conftest import PIA_FILE, STRUCTURE_FILE
from tests.web import csrf_token

PAGE = "/admin/cnil-import"


def _counts(db) -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Assessment, Answer, Comment, QuestionnaireVersion))


def _post(client, content: bytes, filename: str = "pia.json", team: str = ""):
    return client.post(PAGE, data={"file": (io.BytesIO(content), filename), "team": team,
                                   "csrf_token": csrf_token(client, PAGE)}, content_type="multipart/form-data")


# -- the command ----------------------------------------------------------------------------------


def test_command_imports_the_example_pia_and_prints_its_reference(app, db, clock):
    factories.create_user(Role.ADMIN)
    result = run(app, "import-cnil", str(PIA_FILE), "--team", "Sleep products")
    assert result.exit_code == 0, result.output
    reference = re.search(r"^Imported as (DPIA-\d{4}-\d{3})$", result.output, re.M).group(1)
    assessment = db.session.scalar(select(Assessment).where(Assessment.reference == reference))
    assert assessment.title == "Captoo" and assessment.team.name == "Sleep products"
    assert "$.pia.name -> assessment: title" in result.output
    assert "$.answers[0].data.text -> question: data.data" in result.output
    revision = assessment.revisions[0]
    risks = db.session.scalars(select(Risk).where(Risk.revision_id == revision.id).order_by(Risk.position)).all()
    # Illegitimate access: severity 3, likelihood 4 in the tool; the evaluator re-rated it 3 and 1.
    assert (risks[0].severity, risks[0].likelihood, risks[0].overall) == ("significant", "maximum", "high")
    assert (risks[0].residual_severity, risks[0].residual_likelihood) == ("significant", "negligible")
    assert risks[0].risk_model_key == "cnil-4x4"


def test_people_without_an_account_are_kept_as_names(app, db, clock):
    factories.create_user(Role.ADMIN)
    factories.create_user(Role.DPO, name="Mary Smith")
    result = run(app, "import-cnil", str(PIA_FILE))
    assert result.exit_code == 0, result.output
    assert "$.pia.author_name -> question: validation.author (no account: kept as a name)" in result.output
    assert "$.pia.validator_name -> question: validation.validator (matches the account" in result.output
    answers = {a.question_key: a.value for a in db.session.scalars(select(Answer))}
    assert answers["validation.author"]["name"] == "Elisabeth York"
    assert answers["validation.evaluator"]["name"] == "Eric Vincent"
    assert answers["validation.dpo_names"] == "Michael Thomas (DPO)"
    assert answers["validation.status"] == "signed_validation"
    assert answers["validation.dpo_status"] == "favourable"


def test_command_imports_a_structure_as_a_questionnaire_version(app, db, clock, tmp_path):
    factories.create_user(Role.ADMIN)
    result = run(app, "import-cnil", str(STRUCTURE_FILE), "--report", str(tmp_path / "report.txt"))
    assert result.exit_code == 0, result.output
    assert "Imported as questionnaire cnil-example-piaf-connected-objects, version 1" in result.output
    version = db.session.scalar(select(QuestionnaireVersion).order_by(QuestionnaireVersion.id.desc()).limit(1))
    assert version.definition["title"] == "Example : PIAF Connected Objects"


def test_command_writes_the_report_to_a_file(app, db, clock, tmp_path):
    factories.create_user(Role.ADMIN)
    target = tmp_path / "report.txt"
    result = run(app, "import-cnil", str(PIA_FILE), "--report", str(target))
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 877 and "$.measures[0].title -> row: measures.register: Chiffrement" in lines
    assert "$.answers[0]" not in result.output


def test_a_malformed_file_is_refused_with_a_message_and_nothing_changes(app, db, clock, tmp_path):
    factories.create_user(Role.ADMIN)
    factories.commit()  # a refused import rolls back its own work only
    before = _counts(db)
    cases = {
        "broken.json": ('{"pia": {"name": "x"', "is not valid JSON"),
        "types.json": ('{"pia": {"name": "x"}, "answers": {"a": 1}}', "$.answers: must be a list"),
        "noname.json": ('{"pia": {"name": ""}, "answers": []}', "$.pia.name: the PIA has no name"),
        "ref.json": ('{"pia": {"name": "x"}, "answers": [{"reference_to": "abc"}]}',
                     "$.answers[0].reference_to: must be a question number"),
        "other.json": ('{"hello": 1}', "expected a 'pia' object"),
        "deep.json": ('{"pia": {"name": "x", "a": ' + "[" * 60 + "]" * 60 + "}}", "nests more than"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = run(app, "import-cnil", str(path))
        assert result.exit_code == 1, name
        assert message in result.output, (name, result.output)
    assert _counts(db) == before


def test_command_needs_an_administrator(app, db, clock):
    result = run(app, "import-cnil", str(PIA_FILE))
    assert result.exit_code == 1 and "no administrator account" in result.output


# -- the admin page -------------------------------------------------------------------------------


def test_only_administrators_see_the_import_page(client, db, login_as):
    login_as(factories.create_user(Role.REVIEWER))
    assert client.get(PAGE).status_code == 403


def test_admin_imports_through_the_page_and_sees_the_report(client, db, clock, login_as):
    login_as(factories.create_user(Role.ADMIN))
    page = client.get(PAGE).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page
    response = _post(client, PIA_FILE.read_bytes(), "captoo.json", team="Sleep")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    reference = re.search(r"Imported as (DPIA-\d{4}-\d{3})", body).group(1)
    assert "<code>$.pia.dpo_opinion</code>" in body and "validation.dpo_opinion" in body
    assert db.session.scalar(select(Assessment).where(Assessment.reference == reference)).team.name == "Sleep"


def test_a_bad_file_on_the_page_is_a_400_that_says_what_to_fix(client, db, clock, login_as):
    login_as(factories.create_user(Role.ADMIN))
    before = _counts(db)
    response = _post(client, b'{"pia": {"name": 3}}')
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The file cannot be imported" in body and "$.pia.name: the PIA has no name" in body
    response = _post(client, b"not json at all", "x.json")
    assert response.status_code == 400 and "is not valid JSON" in response.get_data(as_text=True)
    response = _post(client, b"{}", "x.txt")
    assert response.status_code == 400 and "must be a .json file" in response.get_data(as_text=True)
    assert _counts(db) == before


def test_the_page_refuses_a_post_without_its_csrf_token(client, db, login_as):
    login_as(factories.create_user(Role.ADMIN))
    response = client.post(PAGE, data={"file": (io.BytesIO(b"{}"), "x.json")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert _counts(db)[0] == 0


# -- the annex ------------------------------------------------------------------------------------


def test_the_annex_is_linked_from_the_revision_and_shown_to_who_can_see_it(app, client, db, clock, login_as):
    factories.create_user(Role.ADMIN)
    team = factories.create_team("Sleep")
    result = run(app, "import-cnil", str(PIA_FILE), "--team", "Sleep")
    reference = re.search(r"Imported as (DPIA-\d{4}-\d{3})", result.output).group(1)
    member = factories.create_user(Role.TEAM_MEMBER, teams=(team,))
    outsider = factories.create_user(Role.TEAM_MEMBER, teams=(factories.create_team(),))
    factories.commit()
    annex_url = f"/assessments/{reference}/revisions/1/cnil-annex"
    login_as(member)
    task_list = client.get(f"/assessments/{reference}/revisions/1").get_data(as_text=True)
    assert f'Imported from CNIL: <a class="govuk-link" href="{annex_url}">annex</a>' in task_list
    response = client.get(annex_url)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<code>$.pia.dbVersion</code>" in body and "201707071818" in body
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    login_as(outsider)
    assert client.get(annex_url).status_code == 404


def test_a_revision_not_imported_has_no_annex_link(client, db, login_as):
    team = factories.create_team()
    assessment = factories.create_assessment(team)
    login_as(factories.create_user(Role.TEAM_MEMBER, teams=(team,)))
    body = client.get(f"/assessments/{assessment.reference}/revisions/1").get_data(as_text=True)
    assert "Imported from CNIL" not in body
    assert client.get(f"/assessments/{assessment.reference}/revisions/1/cnil-annex").status_code == 404


def test_admin_imports_a_structure_and_sees_its_annex(client, db, clock, login_as):
    login_as(factories.create_user(Role.ADMIN))
    response = _post(client, STRUCTURE_FILE.read_bytes(), "structure.json")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Imported as questionnaire cnil-example-piaf-connected-objects, version 1" in body
    link = re.search(r'href="(/admin/cnil-import/questionnaire-versions/\d+)"', body).group(1)
    annex = client.get(link).get_data(as_text=True)
    assert "<code>$.structure.sector_name</code>" not in annex.split("Where every field went")[0]
    assert "<code>$.structure.data.sections[0].items[0].questions[0].link_knowledge_base[0]</code>" in annex
    assert "PIA_LGL_DESC" in annex


def test_the_annex_link_costs_one_statement(app, db, clock, count_queries):
    from dpia.cnil.services.common import revision_has_annex

    team = factories.create_team()
    assessment = factories.create_assessment(team)
    with count_queries() as counter:
        assert revision_has_annex(assessment.revisions[0].id) is False
    assert counter.count == 1
