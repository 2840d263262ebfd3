"""Moving a revision onto a later questionnaire version: the plan, and applying it."""


import pytest
from sqlalchemy import func, select

from dpia.accounts.rules import Role
from dpia.assessments.models import AccessRule, Answer, Measure, RetentionRule, RevisionAddOn, Risk, TableRow
from dpia.assessments.services.upgrade import DropReason, plan_upgrade, upgrade_revision
from dpia.core.audit.models import AuditEvent
from dpia.core.errors import PermissionDeniedError, ValidationError
from dpia.questionnaires.rules.definition import RowKind
from dpia.review.rules.states import RevisionState
from tests import factories
from tests.questionnaires.versions import LATER, V1_SECTIONS, V2_SECTIONS, upload, yaml_text


@pytest.fixture()
def versions(db):
    admin = factories.create_user(Role.ADMIN)
    v1 = upload(yaml_text(V1_SECTIONS), actor=admin).version
    v2 = upload(yaml_text(V2_SECTIONS, version="2"), actor=admin, now=LATER).version
    return v1, v2


@pytest.fixture()
def team(db):
    return factories.create_team()


@pytest.fixture()
def revision(db, versions, team):
    """A draft on version 1 with answers and rows for every kind of table."""
    revision = factories.create_assessment(team).revisions[0]
    revision.questionnaire_version = versions[0]
    for key, value in [("about.name", "Town centre CCTV"), ("about.count", "about 300"), ("about.old", "Old")]:
        db.session.add(Answer(revision=revision, question_key=key, value=value, updated_at=factories.NOW))
    common = {"revision_id": revision.id, "updated_at": factories.NOW}
    db.session.add_all([
        Risk(question_key="t.risks", row_uid="risk1", position=0, description="Misidentification",
             risk_model_key="ico-3x3", likelihood="possible", severity="severe", **common),
        Measure(question_key="t.measures", row_uid="measure1", position=0, risk_uids=["risk1"],
                description="Human review", **common),
        RetentionRule(question_key="t.retention", row_uid="ret1", position=0, data_category="Images", **common),
        AccessRule(question_key="t.access", row_uid="acc1", position=0, data_category="Images", who="Officers",
                   **common),
        TableRow(question_key="t.systems", row_uid="sys1", position=0,
                 cells={"name": "VMS", "users": 12, "vendor": "Acme"}, **common),
        TableRow(question_key="t.systems", row_uid="sys2", position=1, cells={"name": "Archive"}, **common),
        AccessRule(question_key="t.other", row_uid="oth1", position=0, data_category="Logs", who="Admins",
                   **common),
        RetentionRule(question_key="t.gone", row_uid="gone1", position=0, data_category="Notes", **common),
        AccessRule(question_key="t.flat", row_uid="flat1", position=0, data_category="X", who="Y", **common),
    ])
    db.session.flush()
    return revision


def count(db, model, revision):
    return db.session.scalar(select(func.count()).select_from(model).where(model.revision_id == revision.id))


def answer_keys(db, revision):
    return set(db.session.scalars(select(Answer.question_key).where(Answer.revision_id == revision.id)))


# -- plan ---------------------------------------------------------------------------------------


def test_plan_carries_answers_by_key_and_drops_removed_and_retyped_ones(revision, versions):
    plan = plan_upgrade(revision, versions[1])
    assert (plan.questionnaire_key, plan.from_version, plan.to_version) == ("test-q", 1, 2)
    assert plan.carried_answers == ("about.name",)
    assert [(d.question_key, d.reason) for d in plan.dropped_answers] == [
        ("about.count", DropReason.TYPE_CHANGED),
        ("about.old", DropReason.REMOVED),
    ]
    assert plan.dropped_answers[0].detail == "was Short text, now Number"


def test_plan_carries_rows_of_every_table_type_whose_kind_is_unchanged(revision, versions):
    plan = plan_upgrade(revision, versions[1])
    assert [(g.question_key, g.row_kind, g.row_uids) for g in plan.carried_rows] == [
        ("t.access", RowKind.ACCESS_RULE, ("acc1",)),
        ("t.measures", RowKind.MEASURE, ("measure1",)),
        ("t.retention", RowKind.RETENTION_RULE, ("ret1",)),
        ("t.risks", RowKind.RISK, ("risk1",)),
        ("t.systems", None, ("sys1", "sys2")),
    ]
    assert [(g.question_key, g.reason, g.row_uids) for g in plan.dropped_rows] == [
        ("t.flat", DropReason.TYPE_CHANGED, ("flat1",)),
        ("t.gone", DropReason.REMOVED, ("gone1",)),
        ("t.other", DropReason.ROW_KIND_CHANGED, ("oth1",)),
    ]
    assert [(c.question_key, c.column_keys, c.row_uids) for c in plan.dropped_cells] == [
        ("t.systems", ("users", "vendor"), ("sys1",))]


def test_plan_lists_required_questions_left_unanswered(revision, versions):
    plan = plan_upgrade(revision, versions[1])
    # about.cond is required but hidden: its condition's answer (about.count) is dropped.
    assert plan.newly_required == ("about.purpose", "about.blank", "t.new")
    assert plan.carried_keys == ("about.name", "t.access", "t.measures", "t.retention", "t.risks", "t.systems")
    assert plan.dropped_keys == ("about.count", "about.old", "t.flat", "t.gone", "t.other")


def test_plan_changes_nothing(db, revision, versions):
    plan_upgrade(revision, versions[1])
    db.session.expire_all()
    assert revision.questionnaire_version == versions[0]
    assert answer_keys(db, revision) == {"about.name", "about.count", "about.old"}
    assert count(db, TableRow, revision) == 2 and count(db, AccessRule, revision) == 3


def test_answers_to_add_on_questions_are_kept(db, revision, versions):
    add_on_text = """\
key: test-add-on
title: Test add-on
version: "1"
kind: add_on
regimes: [uk_gdpr]
sections:
  - key: extra
    title: Extra
    questions:
      - {key: extra.q, label: Extra question, type: short_text, required: true}
"""
    add_on = upload(add_on_text).version
    revision.add_ons.append(RevisionAddOn(questionnaire_version=add_on, position=0))
    db.session.add(Answer(revision=revision, question_key="extra.q", value="kept", updated_at=factories.NOW))
    db.session.flush()
    plan = plan_upgrade(revision, versions[1])
    assert "extra.q" in plan.carried_answers
    assert "extra.q" not in plan.newly_required


@pytest.mark.parametrize("state", [s for s in RevisionState
                                   if s not in (RevisionState.DRAFT, RevisionState.CHANGES_REQUESTED)])
def test_only_drafts_and_revisions_with_changes_requested_can_be_upgraded(revision, versions, state):
    revision.state = state
    with pytest.raises(ValidationError, match="can move to a new questionnaire version"):
        plan_upgrade(revision, versions[1])


def test_a_revision_with_changes_requested_can_be_upgraded(revision, versions):
    revision.state = RevisionState.CHANGES_REQUESTED
    assert plan_upgrade(revision, versions[1]).to_version == 2


def test_target_must_be_a_later_version_of_the_same_questionnaire(db, revision, versions):
    v1, v2 = versions
    with pytest.raises(ValidationError, match="choose a later version"):
        plan_upgrade(revision, v1)
    revision.questionnaire_version = v2
    db.session.flush()
    with pytest.raises(ValidationError, match="choose a later version"):
        plan_upgrade(revision, v1)
    other = upload(yaml_text(V1_SECTIONS, key="other-q")).version
    other_v2 = upload(yaml_text(V2_SECTIONS, key="other-q", version="2")).version
    assert other_v2.number == 2
    with pytest.raises(ValidationError, match="different questionnaire"):
        plan_upgrade(revision, other_v2)
    assert other.number == 1


# -- upgrade ------------------------------------------------------------------------------------


def test_upgrade_applies_the_plan(db, revision, versions, team):
    member = factories.create_user(Role.TEAM_MEMBER, teams=(team,))
    plan = upgrade_revision(actor=member, now=LATER, revision=revision, target_version=versions[1])
    db.session.expire_all()
    assert revision.questionnaire_version_id == versions[1].id
    assert answer_keys(db, revision) == {"about.name"}
    assert (count(db, Risk, revision), count(db, Measure, revision)) == (1, 1)
    assert count(db, RetentionRule, revision) == 1  # t.gone's row is gone, t.retention's stays
    assert set(db.session.scalars(select(AccessRule.row_uid).where(AccessRule.revision_id == revision.id))) == {
        "acc1"}
    cells = dict(db.session.execute(select(TableRow.row_uid, TableRow.cells)
                                    .where(TableRow.revision_id == revision.id)).all())
    assert cells == {"sys1": {"name": "VMS"}, "sys2": {"name": "Archive"}}
    assert plan.newly_required == ("about.purpose", "about.blank", "t.new")


def test_upgrade_writes_one_audit_event(db, revision, versions, team):
    member = factories.create_user(Role.TEAM_MEMBER, teams=(team,))
    upgrade_revision(actor=member, now=LATER, revision=revision, target_version=versions[1])
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "revision.upgrade")).all()
    assert len(events) == 1
    event = events[0]
    assert (event.actor_id, event.object_type, event.object_id) == (member.id, "revision", str(revision.id))
    assert event.summary["from_version"] == 1 and event.summary["to_version"] == 2
    assert event.summary["carried"] == ["about.name", "t.access", "t.measures", "t.retention", "t.risks", "t.systems"]
    assert event.summary["dropped"] == ["about.count", "about.old", "t.flat", "t.gone", "t.other"]
    assert event.summary["newly_required"] == ["about.purpose", "about.blank", "t.new"]
    assert event.summary["dropped_cells"] == {"t.systems": ["users", "vendor"]}


@pytest.mark.parametrize(
    ("roles", "in_team", "allowed"),
    [
        ((Role.TEAM_MEMBER,), True, True),
        ((Role.TEAM_MEMBER,), False, False),
        ((Role.REVIEWER,), False, False),  # may see it, but is not in the team
        ((Role.DPO,), False, False),
        ((Role.REVIEWER,), True, True),
        ((Role.ADMIN,), False, False),  # administrators run the service; teams own their content
    ],
)
def test_who_may_upgrade(db, revision, versions, team, roles, in_team, allowed):
    actor = factories.create_user(*roles, teams=(team,) if in_team else ())
    if allowed:
        upgrade_revision(actor=actor, now=LATER, revision=revision, target_version=versions[1])
        assert revision.questionnaire_version == versions[1]
    else:
        with pytest.raises(PermissionDeniedError):
            upgrade_revision(actor=actor, now=LATER, revision=revision, target_version=versions[1])
        assert revision.questionnaire_version == versions[0]
        assert "about.old" in answer_keys(db, revision)


def test_upgrade_of_an_approved_revision_is_refused_and_changes_nothing(db, revision, versions, team):
    revision.state = RevisionState.APPROVED
    member = factories.create_user(Role.TEAM_MEMBER, teams=(team,))
    with pytest.raises(PermissionDeniedError):  # approved revisions are frozen for every edit
        upgrade_revision(actor=member, now=LATER, revision=revision, target_version=versions[1])
    assert revision.questionnaire_version == versions[0]
    assert "about.old" in answer_keys(db, revision)


def test_a_choice_no_longer_offered_is_dropped_not_carried(db):
    """Carrying "hybrid" into a version without that option would leave an answer the form cannot show."""
    admin = factories.create_user(Role.ADMIN)
    sections = """\
- key: about
  title: About
  questions:
    - key: about.kind
      label: Kind of system
      type: single_choice
      options: [{value: fixed, label: Fixed}, {value: hybrid, label: Hybrid}]
    - key: about.tags
      label: Tags
      type: multiple_choice
      options: [{value: a, label: A}, {value: b, label: B}]
"""
    v1 = upload(yaml_text(sections, key="choice-q"), actor=admin).version
    v2 = upload(yaml_text(sections.replace(", {value: hybrid, label: Hybrid}", ""), key="choice-q", version="2"),
                actor=admin, now=LATER).version
    revision = factories.create_assessment(version=v1).revisions[0]
    for key, value in [("about.kind", "hybrid"), ("about.tags", ["a", "b"])]:
        db.session.add(Answer(revision=revision, question_key=key, value=value, updated_at=factories.NOW))
    db.session.flush()
    plan = plan_upgrade(revision, v2)
    assert [(d.question_key, d.reason) for d in plan.dropped_answers] == [("about.kind", DropReason.OPTION_REMOVED)]
    assert "no longer offers hybrid" in plan.dropped_answers[0].detail
    assert "about.tags" in plan.carried_answers


def test_new_table_questions_start_with_their_suggested_rows(db):
    admin = factories.create_user(Role.ADMIN)
    first = """\
- key: about
  title: About
  questions:
    - {key: about.name, label: Name, type: short_text}
"""
    second = first + """\
    - key: about.rules
      label: Retention
      type: table
      rows: retention_rule
      prefill:
        - {data_category: Faces, period_days: 0, trigger: on_capture, justification: None kept,
           deletion_method: automatic}
"""
    v1 = upload(yaml_text(first, key="prefill-q"), actor=admin).version
    v2 = upload(yaml_text(second, key="prefill-q", version="2"), actor=admin, now=LATER).version
    team = factories.create_team()
    member = factories.create_user(teams=(team,))
    revision = factories.create_assessment(team, version=v1).revisions[0]
    upgrade_revision(actor=member, now=LATER, revision=revision, target_version=v2)
    rules = db.session.scalars(select(RetentionRule).where(RetentionRule.revision_id == revision.id)).all()
    assert [(r.data_category, r.period_days) for r in rules] == [("Faces", 0)]
