"""The filling-in pages: task list, section pages, table rows, check your answers."""

import re

import pytest
from flask import template_rendered
from govuk_frontend_wtf.gov_form_base import GovFormBase
from sqlalchemy import select
from wtforms import Form, TextAreaField

from dpia.accounts.rules import Role
from dpia.assessments.models import Answer, Revision
from dpia.assessments.services.content import load_content
from dpia.assessments.views import _SECTION_QUESTIONS
from dpia.core.templating import _render_frozen as _render_cached
from dpia.review.rules.states import RevisionState
from forms.assessments import TextArea, _Cached, field_name
from tests import factories
from tests.web import csrf_token, sign_in, text_of


@pytest.fixture()
def revision(db):
    team = factories.create_team()
    assessment = factories.create_assessment(team, reference="DPIA-2026-100",
                                             version=factories.create_questionnaire_version())
    return assessment.revisions[0]


@pytest.fixture()
def author(revision):
    return factories.create_user(teams=(revision.assessment.team,), name="Alex Author")


BASE = "/assessments/DPIA-2026-100/revisions/1"


def form_data(client, path, **answers):
    data = {"csrf_token": csrf_token(client, path), "lock_version": lock_version(client, path)}
    for key, value in answers.items():
        data[field_name(key)] = value
    return data


def lock_version(client, path):
    match = re.search(r'id="lock_version" name="lock_version" type="hidden" value="(\d+)"',
                      client.get(path).get_data(as_text=True))
    return match.group(1) if match else "0"


def test_task_list_shows_each_section_and_progress(client, author, login_as):
    login_as(author)
    body = client.get(BASE).get_data(as_text=True)
    assert "Basics" in body and "Later" in body
    assert "0 of 2 sections done" in body and "Incomplete: " in body
    assert "0 of 3 required answers" in body
    # Basics is untouched; Later already holds the questionnaire's prefilled deployment record.
    assert body.count("Not yet started") == 1 and body.count("In progress") == 1


def test_saving_a_section_updates_the_task_list(client, author, login_as, db):
    login_as(author)
    path = f"{BASE}/sections/basics"
    data = form_data(client, path, **{"basics.aims": "Find people", "basics.name": "Trial", "basics.children": "no"})
    response = client.post(path, data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(BASE)
    body = client.get(BASE).get_data(as_text=True)
    assert "Basics saved and complete." in body
    assert "1 of 2 sections done" in body
    assert "3 of 3 required answers" in body


def test_validation_error_keeps_everything_typed(client, author, login_as, db):
    login_as(author)
    path = f"{BASE}/sections/basics"
    data = form_data(client, path, **{"basics.aims": "My long *answer*", "basics.name": "Trial <b>x</b>",
                                      "basics.people": "a few", "basics.publish": "2018-Q2",
                                      "basics.criteria": ["biometric", "monitoring"]})
    data[field_name("basics.start")] = ["31", "2", "2018"]
    data[f"{field_name('basics.owner')}-name"] = "Jo Marsh"
    response = client.post(path, data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in body and "<title>Error: Basics" in body
    assert "People affected must be a number, like 104" in body
    assert "Start date must be a real date" in body
    assert "My long *answer*" in body and "Trial &lt;b&gt;x&lt;/b&gt;" in body
    assert 'value="a few"' in body and 'value="2018-Q2"' in body and 'value="Jo Marsh"' in body
    assert 'value="biometric" checked' in body.replace("\n", " ") or re.search(r'value="biometric"[^>]*checked', body)
    assert 'value="31"' in body
    assert db.session.scalars(select(Answer)).all() == []


def test_preview_renders_markdown_without_saving(client, author, login_as, db):
    login_as(author)
    path = f"{BASE}/sections/basics"
    data = form_data(client, path, **{"basics.aims": "**Bold** and <script>alert(1)</script>"})
    data["action"] = "preview"
    body = client.post(path, data=data).get_data(as_text=True)
    assert "<strong>Bold</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert db.session.scalars(select(Answer)).all() == []


def test_conflict_keeps_my_text_beside_theirs(client, app, author, login_as, db):
    login_as(author)
    path = f"{BASE}/sections/basics"
    stale = form_data(client, path, **{"basics.aims": "My version of the aims", "basics.name": "Mine"})
    colleague = factories.create_user(teams=(author.memberships[0].team,), name="Casey Colleague")
    other = app.test_client()
    sign_in(other, colleague.email, factories.PASSWORD)
    assert other.post(path, data=form_data(other, path, **{"basics.aims": "Their version"})).status_code == 302
    response = client.post(path, data=stale)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Casey Colleague saved this section after you opened it" in body
    assert "My version of the aims" in body and "Their version" in body
    # Saving again from the conflict page knowingly replaces theirs.
    retry = {**stale, "lock_version": lock_version_from(body), "csrf_token": stale["csrf_token"]}
    assert client.post(path, data=retry).status_code == 302
    assert db.session.scalar(select(Answer.value).where(Answer.question_key == "basics.aims")) == \
        "My version of the aims"


def lock_version_from(body):
    return re.search(r'id="lock_version" name="lock_version" type="hidden" value="(\d+)"', body).group(1)


def test_conditional_question_hidden_until_it_applies(client, author, login_as):
    login_as(author)
    path = f"{BASE}/sections/basics"
    body = client.get(path).get_data(as_text=True)
    block = re.search(r'<div class="dpia-question" id="basics.children_safeguards"[^>]*>', body).group(0)
    assert "hidden" in block and 'data-show-if-values="yes"' in block
    client.post(path, data=form_data(client, path, **{"basics.aims": "a", "basics.name": "b",
                                                      "basics.children": "yes"}))
    block = re.search(r'<div class="dpia-question" id="basics.children_safeguards"[^>]*>',
                      client.get(path).get_data(as_text=True)).group(0)
    assert "hidden" not in block
    # A question conditional on another section's answer is left out when it does not apply.
    assert 'id="later.reason"' not in client.get(f"{BASE}/sections/later").get_data(as_text=True)


def test_table_rows_through_the_pages(client, author, login_as, db):
    login_as(author)
    new = f"{BASE}/tables/later.retention/rows/new"
    data = {"csrf_token": csrf_token(client, new), "lock_version": "0", "f-data_category": "Alert images",
            "f-period_days": "thirty", "f-trigger": "on_alert", "f-justification": "Complaints",
            "f-deletion_method": "automatic"}
    refused = client.post(new, data=data)
    assert refused.status_code == 400
    assert "Kept for must be a number" in refused.get_data(as_text=True)
    assert 'value="Alert images"' in refused.get_data(as_text=True)
    data["f-period_days"] = "30"
    assert client.post(new, data=data).status_code == 302
    section = client.get(f"{BASE}/sections/later").get_data(as_text=True)
    assert "Alert images" in section and "30 days" in section
    change = re.search(r'href="(/assessments/DPIA-2026-100/revisions/1/tables/later.retention/rows/[0-9a-f]+)"',
                       section).group(1)
    edit = client.post(change, data={**data, "f-period_days": "31", "lock_version": "1",
                                     "csrf_token": csrf_token(client, change)})
    assert edit.status_code == 302
    assert "31 days" in client.get(f"{BASE}/sections/later").get_data(as_text=True)
    stale = client.post(change, data={**data, "f-period_days": "45", "lock_version": "1",
                                      "csrf_token": csrf_token(client, change)})
    assert stale.status_code == 409
    assert "Someone else changed this row" in stale.get_data(as_text=True)
    remove = change + "/remove"
    assert "Remove row 1?" in client.get(remove).get_data(as_text=True)
    assert client.post(remove, data={"csrf_token": csrf_token(client, remove), "lock_version": "2"}).status_code == 302
    assert "Alert images" not in client.get(f"{BASE}/sections/later").get_data(as_text=True)


def test_check_answers_lists_answers_missing_and_tables(client, author, login_as):
    login_as(author)
    path = f"{BASE}/sections/basics"
    client.post(path, data=form_data(client, path, **{"basics.aims": "Find **wanted** people",
                                                      "basics.children": "no", "basics.publish": "2018-Q2"}))
    body = client.get(f"{BASE}/check").get_data(as_text=True)
    assert "<strong>wanted</strong>" in body
    assert "2018-Q2 (the second quarter of 2018)" in body
    assert re.search(r"Project name</dt>\s*<dd[^>]*>\s*<strong\b[^>]*>Required</strong>\s*Not answered", body)
    assert "2 of 104 (1.9%)" in body  # the prefilled deployment row, rate with its denominator
    assert f'href="{BASE}/sections/basics#basics.name"' in body
    totals = body.split("Totals across the deployments recorded: 1")[1].split("</dl>")[0]
    assert re.search(r"Alerts</dt>\s*<dd[^>]*>104</dd>", totals)


def test_people_outside_the_team_get_404_and_reviewers_cannot_edit(client, revision, login_as):
    login_as(factories.create_user(Role.TEAM_MEMBER))
    assert client.get(BASE).status_code == 404
    assert client.get(f"{BASE}/sections/basics").status_code == 404


def test_reviewer_reads_but_cannot_edit(client, revision, login_as):
    login_as(factories.create_user(Role.REVIEWER))
    assert client.get(BASE).status_code == 200
    assert client.get(f"{BASE}/check").status_code == 200
    assert client.get(f"{BASE}/sections/basics").status_code == 403


def test_approved_revisions_are_read_only(client, revision, author, login_as, db):
    revision.state = RevisionState.APPROVED
    db.session.commit()
    login_as(author)
    assert client.get(f"{BASE}/sections/basics").status_code == 403
    assert client.get(f"{BASE}/tables/later.retention/rows/new").status_code == 403
    assert "/sections/basics" not in client.get(BASE).get_data(as_text=True)


def test_unknown_section_or_table_is_404(client, author, login_as):
    login_as(author)
    assert client.get(f"{BASE}/sections/nope").status_code == 404
    assert client.get(f"{BASE}/tables/basics.aims/rows/new").status_code == 404
    assert client.get(f"{BASE}/tables/later.retention/rows/0123abcd").status_code == 404
    assert client.get("/assessments/DPIA-2026-100/revisions/9").status_code == 404


def test_section_page_statement_count_does_not_grow(client, author, login_as, db, count_queries):
    from dpia.assessments.services import rows as service

    login_as(author)
    path = f"{BASE}/sections/later"
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    rev = db.session.scalar(select(Revision).where(Revision.assessment.has(reference="DPIA-2026-100")))
    for index in range(12):
        service.add_row(actor=author, now=factories.NOW, content=load_content(rev), question_key="later.retention",
                        raw={"data_category": f"Data {index}", "period_days": str(index), "trigger": "on_alert",
                             "justification": "Because", "deletion_method": "manual"})
        service.add_row(actor=author, now=factories.NOW, content=load_content(rev), question_key="later.risks",
                        raw={"description": f"Risk {index}", "likelihood": "remote", "severity": "severe"})
    db.session.commit()
    with count_queries() as many:
        body = client.get(path).get_data(as_text=True)
    assert "Data 11" in body and "Risk 11" in body
    assert many.count == few.count


def definition_with(questions: int, key: str) -> str:
    text = (factories.FIXTURES / "all-types.yaml").read_text()
    head = text[: text.index("sections:")].replace("key: all-types", f"key: {key}")
    lines = [f"      - {{key: big.q{n}, label: Question {n}, type: markdown, required: true}}"
             for n in range(questions)]
    return head + "sections:\n  - key: big\n    title: Big\n    questions:\n" + "\n".join(lines) + (
        "\n      - {key: big.rows, label: Rows, type: table, rows: access_rule}\n")


def test_section_statement_count_does_not_grow_with_questions(client, db, login_as, count_queries):
    from dpia.assessments.models import Answer
    from dpia.questionnaires.rules.schema import parse
    from dpia.questionnaires.services import load_definition

    team = factories.create_team()
    author = factories.create_user(teams=(team,))
    counts = {}
    for size in (3, 40):
        version = load_definition(parse(definition_with(size, f"big-{size}")), now=factories.NOW).version
        assessment = factories.create_assessment(team, reference=f"DPIA-BIG-{size}", version=version)
        for n in range(size):
            db.session.add(Answer(revision=assessment.revisions[0], question_key=f"big.q{n}", value=f"Answer {n}",
                                  updated_at=factories.NOW))
    db.session.commit()
    login_as(author)
    for size in (3, 40):
        path = f"/assessments/DPIA-BIG-{size}/revisions/1/sections/big"
        client.get(path)
        with count_queries() as counter:
            body = client.get(path).get_data(as_text=True)
        assert f"Answer {size - 1}" in body
        counts[size] = counter.count
    assert counts[3] == counts[40]


# -- the cost of a section page: fields rendered without the page's context, once per set of params --

TOKEN = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+')


def _stock_widgets(monkeypatch) -> None:
    """Render every field as govuk-frontend-wtf does (render_template and deepmerge per field)."""
    monkeypatch.setattr(_Cached, "render", GovFormBase.render)
    monkeypatch.setattr(_Cached, "merge_params", GovFormBase.merge_params)


def _without_tokens(body: str) -> str:
    """The page without its CSRF tokens (signed with the time) and blank lines (the stock widget's
    wrapper template adds one before each field)."""
    return re.sub(r"\n\s*\n", "\n", TOKEN.sub(r"\1", body))


def test_fields_render_exactly_as_govuk_frontend_wtf_renders_them(client, author, login_as, monkeypatch):
    login_as(author)
    path = f"{BASE}/sections/basics"
    typed = {"basics.aims": "<b>\"quoted\" & 'single'</b>\n\n- a list", "basics.name": 'Trial <x> & "y"',
             "basics.kind": "change", "basics.criteria": ["biometric", "monitoring"], "basics.children": "yes",
             "basics.children_safeguards": "Safe", "basics.publish": "2018-Q2", "basics.people": "1,000",
             "basics.notice": "https://example.org/notice?a=1&b=2"}
    data = form_data(client, path, **typed)
    data[field_name("basics.start")] = ["10", "6", "2017"]
    data[f"{field_name('basics.owner')}-name"] = "Jo <Marsh>"
    assert client.post(path, data=data).status_code == 302
    failing = form_data(client, path, **{**typed, "basics.people": "a few", "basics.name": ""})
    pages = {}
    for widgets in ("cached", "stock"):
        with monkeypatch.context() as patch:
            if widgets == "stock":
                _stock_widgets(patch)
            for _ in range(2):  # the second time from the cache
                shown = client.get(path)
                refused = client.post(path, data=failing)
            assert shown.status_code == 200 and refused.status_code == 400
            pages[widgets] = (_without_tokens(text_of(shown)), _without_tokens(text_of(refused)))
    assert pages["cached"] == pages["stock"]
    shown, refused = pages["cached"]
    assert "&lt;b&gt;&#34;quoted&#34; &amp; &#39;single&#39;&lt;/b&gt;" in shown
    assert 'value="Trial &lt;x&gt; &amp; &#34;y&#34;"' in shown and "People affected must be a number" in refused


def test_a_section_page_renders_one_template_whatever_its_questions(client, db, login_as):
    """Each field used to be a `render_template` of its own, running every context processor."""
    from dpia.questionnaires.rules.schema import parse
    from dpia.questionnaires.services import load_definition

    team = factories.create_team()
    author = factories.create_user(teams=(team,))
    version = load_definition(parse(definition_with(60, "big-60")), now=factories.NOW).version
    assessment = factories.create_assessment(team, reference="DPIA-BIG-60", version=version)
    for n in range(60):
        db.session.add(Answer(revision=assessment.revisions[0], question_key=f"big.q{n}",
                              value=f"Answer {n} with <em>text</em>", updated_at=factories.NOW))
    db.session.commit()
    login_as(author)
    rendered = []

    def record(sender, template, context, **extra):  # noqa: ANN001, ANN003, ARG001
        rendered.append(template.name)

    template_rendered.connect(record)
    hits = _SECTION_QUESTIONS.info().hits
    try:
        body = client.get("/assessments/DPIA-BIG-60/revisions/1/sections/big").get_data(as_text=True)
        first = list(rendered)
        rendered.clear()
        again = client.get("/assessments/DPIA-BIG-60/revisions/1/sections/big").get_data(as_text=True)
    finally:
        template_rendered.disconnect(record)
    assert first == rendered == ["assessments/section.html"]
    assert body.count('<textarea class="govuk-textarea"') == 60
    assert "Answer 59 with &lt;em&gt;text&lt;/em&gt;</textarea>" in body
    # Opened again with nothing changed, the questions come as they were rendered.
    assert _SECTION_QUESTIONS.info().hits == hits + 1
    assert again == body


def test_a_kept_section_shows_what_changed_since(client, db, login_as):
    """The kept questions are keyed by every answer and row: a save, or a change made elsewhere, shows."""
    from dpia.questionnaires.rules.schema import parse
    from dpia.questionnaires.services import load_definition

    team = factories.create_team()
    author = factories.create_user(teams=(team,))
    version = load_definition(parse(definition_with(3, "kept-3")), now=factories.NOW).version
    assessment = factories.create_assessment(team, reference="DPIA-KEPT-3", version=version)
    login_as(author)
    page = "/assessments/DPIA-KEPT-3/revisions/1/sections/big"
    assert "Kept answer one" not in client.get(page).get_data(as_text=True)
    db.session.add(Answer(revision=assessment.revisions[0], question_key="big.q1", value="Kept answer one",
                          updated_at=factories.NOW))
    db.session.commit()
    assert "Kept answer one</textarea>" in client.get(page).get_data(as_text=True)
    saved = client.post(page, data={"csrf_token": csrf_token(client, page), "lock_version": "0", "action": "save",
                                    **{field_name(f"big.q{n}"): f"Saved answer {n}" for n in range(3)}})
    assert saved.status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert "Saved answer 1</textarea>" in shown and "Kept answer one" not in shown


def test_a_field_is_rendered_from_the_cache_with_its_own_value(app):
    with app.test_request_context("/"):
        class One(Form):
            note = TextAreaField("Note", widget=TextArea())

        before = _render_cached.cache_info()
        first = str(One(data={"note": "first <value>"}).note())
        second = str(One(data={"note": "second & last"}).note())
        after = _render_cached.cache_info()
    assert ">first &lt;value&gt;</textarea>" in first and ">second &amp; last</textarea>" in second
    assert first.replace("first &lt;value&gt;", "second &amp; last") == second
    assert after.hits - before.hits >= 1 and after.misses - before.misses <= 1
