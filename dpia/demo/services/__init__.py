"""Loading the built-in demonstration: a police force's live facial recognition trial, told as it happened.

What the assessments say is in `live_facial_recognition` and `body_worn_video`; this module takes them
through the same services people use, so every gate applies. The trial's revision 1 (April 2017, Data
Protection Act 1998) is approved with conditions and never published on its own; revision 2 adds the 30-day
rule for alert images, has the DPO's advice and waits for the approver; a decision to publish it in 2018-Q2
lets the force withhold it under FOI s.22 meanwhile, and that date has passed. The dashboards get one real
example of each queue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from dpia.accounts.models import Team, User
from dpia.accounts.rules import Role
from dpia.accounts.services.mfa import enrol_with_known_secret
from dpia.accounts.services.users import create_user, get_or_create_team
from dpia.assessments.models import ROW_MODELS, Answer, Assessment, Revision
from dpia.assessments.rules.regimes import Regime
from dpia.assessments.services.assessments import create_assessment
from dpia.assessments.services.content import load_content, revision_definition
from dpia.assessments.services.rows import apply_cells, insert_rows
from dpia.core.errors import DomainError
from dpia.core.extensions import db
from dpia.demo.body_worn_video import BODY_WORN_VIDEO
from dpia.demo.live_facial_recognition import (
    STADIUM_REVISION_1,
    TRIAL_REVISION_1,
    TRIAL_REVISION_2_CHANGES,
    TRIAL_REVISION_2_MEASURE,
    VAN_DRAFT_ANSWERS,
)
from dpia.demo.text import RevisionText
from dpia.documents.services.exports import build_public_files_now
from dpia.foi.rules import Answer as FoiAnswer
from dpia.foi.rules import ItemAnswer, NcndProvision
from dpia.foi.services import ItemInput, answer_item, record_foi_request, record_s22_conclusion
from dpia.publication.rules import Exemption, Scope, TargetType
from dpia.publication.services.decisions import record_decision
from dpia.publication.services.redactions import set_redaction
from dpia.publication.services.scheduling import schedule
from dpia.questionnaires.models import QuestionnaireVersion
from dpia.questionnaires.services import latest_version, load_builtin_questionnaires
from dpia.review.models import ApprovalCondition
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action
from dpia.review.services.comments import add_comment
from dpia.review.services.conditions import ConditionInput, mark_condition_done
from dpia.review.services.revisions import DecisionInput, start_revision
from dpia.review.services.sign_off import record_sign_off
from dpia.review.services.workflow import transition

DEMO_PASSWORD = "demonstration-only"  # noqa: S105 - published demo credential
DEMO_TEAM = "Live Facial Recognition"
OTHER_TEAM = "Response Policing"
DEMO_REFERENCE = "DPIA-2017-004"
STADIUM_REFERENCE = "DPIA-2018-014"
PUBLISHED_REFERENCE = "DPIA-2019-002"
DRAFT_REFERENCE = "DPIA-2018-011"
# (email, name, role, team): who to sign in as to see each part of the demonstration.
DEMO_ACCOUNTS = (
    ("author@demo.test", "Alex Author", Role.TEAM_MEMBER, DEMO_TEAM),
    ("officer@demo.test", "Olu Officer", Role.TEAM_MEMBER, OTHER_TEAM),
    ("reviewer@demo.test", "Riley Reviewer", Role.REVIEWER, None),
    ("dpo@demo.test", "Dana Protection", Role.DPO, None),
    ("approver@demo.test", "Morgan Approver", Role.APPROVER, None),
    ("admin@demo.test", "Avery Admin", Role.ADMIN, None),
    ("foi@demo.test", "Frankie Information", Role.FOI_OFFICER, None),
)
# The demo staff's TOTP secrets (staff roles must use a second factor). Published, like DEMO_PASSWORD:
# for demonstration only, and `flask dpia demo` prints them so an authenticator app can be set up.
DEMO_TOTP_SECRETS = {
    "reviewer@demo.test": "XVMBBI2VN2UWW4U42TOOTRA5L6Y7LGRK",
    "dpo@demo.test": "LMX4NSQ6KSJ7KPL3AA4MX22L6VQJ5NXJ",
    "approver@demo.test": "P3J7D6CQBO2TLU6CAIZO5GGMIODORNQ6",
    "admin@demo.test": "BFCUIBRMIL5EJOPH7LRSWYHCNQ274KS2",
    "foi@demo.test": "VPCJVK66IHUVNCMLJRGGJ7C3ZNHXZTI6",
}
CHANNEL = "Northshire Police publication scheme (website)"
DPO_POSITION = "Data Protection Officer"
APPROVER_POSITION = "Assistant Chief Constable, senior responsible owner"
REVIEWER_POSITION = "Information Assurance Manager"

REVISION_1_WRITTEN = datetime(2017, 4, 12, 9, 30, tzinfo=UTC)
REVISION_2_WRITTEN = datetime(2017, 11, 20, 14, 0, tzinfo=UTC)


def demo_is_loaded() -> bool:
    return db.session.scalar(select(func.count(Assessment.id)).where(Assessment.reference == DEMO_REFERENCE)) > 0


def database_is_empty() -> bool:
    return (db.session.scalar(select(func.count(User.id))) or 0) == 0


def _at(day: int, month: int, year: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# -- writing content ---------------------------------------------------------------------------------

def _set_answers(revision: Revision, answers: Mapping[str, Any], *, by: User, at: datetime) -> None:
    """Store answers as typed values, replacing any the revision already has for those questions."""
    existing = {a.question_key: a for a in db.session.scalars(
        select(Answer).where(Answer.revision_id == revision.id, Answer.question_key.in_(list(answers))))}
    for key, value in answers.items():
        answer = existing.get(key) or Answer(revision_id=revision.id, question_key=key)
        answer.value, answer.updated_at, answer.updated_by_id = value, at, by.id
        db.session.add(answer)
    db.session.flush()


def _rows(revision: Revision, question_key: str) -> list[Any]:
    definition = revision_definition(revision)
    model = ROW_MODELS[definition.question(question_key).row_kind]
    return list(db.session.scalars(select(model).where(model.revision_id == revision.id,
                                                       model.question_key == question_key).order_by(model.position)))


def write_content(revision: Revision, text: RevisionText, *, by: User, at: datetime) -> None:
    """Put one revision's content in place: answers, whole tables, risk ratings, then the measures citing them."""
    definition = revision_definition(revision)
    _set_answers(revision, text.answers, by=by, at=at)
    for key, rows in text.tables.items():
        for row in _rows(revision, key):
            db.session.delete(row)
        db.session.flush()
        insert_rows(revision, definition.question(key), rows, definition, now=at, actor=by)
    for (key, index), ratings in text.ratings.items():
        risk = _rows(revision, key)[index]
        apply_cells(risk, definition.question(key), ratings.cells(), definition)
        risk.updated_at, risk.updated_by_id = at, by.id
    if text.measures:
        cited = {key for measure in text.measures for key, _ in measure.risks}
        risks = {key: [row.row_uid for row in _rows(revision, key)] for key in cited}
        insert_rows(revision, definition.question("measures.register"), [
            {"risk_uids": [risks[key][index] for key, index in measure.risks], "description": measure.description,
             "effect": measure.effect, "approved": measure.approved} for measure in text.measures],
            definition, now=at, actor=by)
    db.session.flush()


# -- review ------------------------------------------------------------------------------------------

def _move(revision: Revision, actor: User, when: datetime, action: Action,
          conditions: Sequence[ConditionInput] = ()) -> None:
    transition(actor=actor, now=when, content=load_content(revision), action=action, conditions=conditions)


def _sign(revision: Revision, kind: SignOffKind, by: User, position: str, when: datetime, **details: Any) -> None:
    outcome = record_sign_off(actor=by, now=when, content=load_content(revision), kind=kind, position=position,
                              notes=None, raw=details)
    if outcome.errors:  # pragma: no cover - the demo's own data is valid
        raise DomainError(f"demo sign-off {kind}: {outcome.errors}")


def _to_sign_off(revision: Revision, users: Mapping[str, User], author: User, submitted: datetime,
                 sent: datetime) -> None:
    _move(revision, author, submitted, Action.SUBMIT)
    _move(revision, users["reviewer"], sent, Action.SEND_FOR_SIGN_OFF)


def _advise(revision: Revision, users: Mapping[str, User], when: datetime, *, recommendation: str, summary: str,
            next_review: str) -> None:
    """The DPO's advice and review date, and the reviewer's reading of the consultation responses."""
    _sign(revision, SignOffKind.DPO_ADVICE, users["dpo"], DPO_POSITION, when, recommendation=recommendation,
          summary=summary)
    _sign(revision, SignOffKind.CONSULTATION_REVIEWED, users["reviewer"], REVIEWER_POSITION, when,
          departs_from_views="no")
    _sign(revision, SignOffKind.KEPT_UNDER_REVIEW, users["dpo"], DPO_POSITION, when, next_review_date=next_review)


def _accept(revision: Revision, users: Mapping[str, User], when: datetime) -> None:
    """The approver's rows: the measures and residual risks approved, and the DPO's advice accepted."""
    for kind, details in ((SignOffKind.MEASURES_APPROVED, {}), (SignOffKind.RESIDUAL_RISKS_APPROVED, {}),
                          (SignOffKind.ADVICE_DECISION, {"decision": "accepted"})):
        _sign(revision, kind, users["approver"], APPROVER_POSITION, when, **details)


# -- the assessments -----------------------------------------------------------------------------------

def _trial(users: Mapping[str, User], team: Team, core: QuestionnaireVersion,
           add_on: QuestionnaireVersion) -> Assessment:
    """DPIA-2017-004: revision 1 approved with two conditions; revision 2 waits for the approver."""
    author = users["author"]
    assessment = create_assessment(actor=author, now=REVISION_1_WRITTEN, reference=DEMO_REFERENCE,
                                   title="Live facial recognition trial", team=team, regime=Regime.DPA_1998,
                                   questionnaire_version=core, add_ons=[add_on])
    first = assessment.revisions[0]
    write_content(first, TRIAL_REVISION_1, by=author, at=REVISION_1_WRITTEN)
    _to_sign_off(first, users, author, _at(18, 4, 2017), _at(21, 4, 2017))
    _advise(first, users, _at(25, 4, 2017), recommendation="proceed_with_conditions",
            summary="Proceed as a limited trial only: every alert checked by an officer, faces that do not match "
                    "discarded at once, a retention period for alert images set before the second deployment, and "
                    "accuracy by sex and ethnicity evaluated independently.",
            next_review="2018-04-30")
    _accept(first, users, _at(26, 4, 2017))
    _move(first, users["approver"], _at(28, 4, 2017), Action.APPROVE, conditions=[
        ConditionInput("Set a retention period for alert images before the second deployment",
                       "Detective Superintendent Sam Okafor, LFR project lead", date(2017, 9, 30)),
        ConditionInput("Commission an independent evaluation of the trial's accuracy by sex and ethnicity, and "
                       "publish its findings", "Head of the LFR project", date(2018, 3, 31)),
    ])
    retention_condition = db.session.scalar(select(ApprovalCondition).where(
        ApprovalCondition.revision_id == first.id, ApprovalCondition.position == 1))
    mark_condition_done(actor=author, now=_at(17, 10, 2017), revision=first, condition=retention_condition,
                        note="The Strategic Facial Recognition Board set a 30-day period on 16 October 2017.")
    # The DPO withholds the watchlist section of revision 1; revision 2 starts with it as a proposal.
    set_redaction(actor=users["dpo"], now=_at(2, 5, 2017), content=load_content(first),
                  target_type=TargetType.SECTION, target_key="lfr-watchlist", exemption=Exemption.S31_1_A,
                  reason="Who may be put on a watchlist, and how, would help people wanted by the police avoid "
                         "the cameras.")

    second = start_revision(
        actor=author, now=REVISION_2_WRITTEN, assessment=assessment,
        rationale="Adds the decision to keep alert images for 30 days, then delete them, and the record of the "
                  "first deployment.",
        decisions=[DecisionInput(date(2017, 10, 16), "Alert images, from confirmed and incorrect alerts alike, are "
                                 "kept for 30 days and then deleted, unless needed as evidence.",
                                 "Strategic Facial Recognition Board", "Board meeting")])
    write_content(second, TRIAL_REVISION_2_CHANGES, by=author, at=REVISION_2_WRITTEN)
    position, measure = TRIAL_REVISION_2_MEASURE
    held = _rows(second, "measures.register")[position]
    held.description, held.updated_at = measure.description, REVISION_2_WRITTEN
    _to_sign_off(second, users, author, _at(27, 11, 2017), _at(4, 12, 2017))
    add_comment(actor=users["reviewer"], now=_at(5, 12, 2017), content=load_content(second),
                question_key="lfr.retention",
                body="Please name the records management policy that sets six years for deployment records.")
    _advise(second, users, _at(8, 12, 2017), recommendation="proceed",
            summary="The 30-day rule meets the condition of approval. Proceed, and publish the assessment.",
            next_review="2018-06-30")
    # Revision 2 is to be published "in the second quarter of 2018": withheld meanwhile under s.22.
    record_decision(actor=users["dpo"], now=_at(12, 12, 2017), revision=second, decided_on=date(2017, 12, 11),
                    decided_by=DPO_POSITION, scope=Scope.REDACTED, planned="2018-Q2", channel=CHANNEL)
    _foi_request(users, assessment)
    return assessment


def _foi_request(users: Mapping[str, User], assessment: Assessment) -> None:
    """FOI-2018-0412, received in March 2018 while revision 2 waited to be published: its items mapped to
    revision 2, s.22 cited for the retention answer, the watchlist withheld, and one item neither confirmed
    nor denied."""
    officer = users["foi"]
    foi = record_foi_request(
        actor=officer, now=_at(15, 3, 2018, 15), assessment=assessment, reference="FOI-2018-0412",
        received_at=_at(15, 3, 2018, 10), requester_name="Jo Applicant", revision_number=2,
        request_text="Please send me a copy of the privacy impact assessment for the live facial recognition "
                     "trial, including the revision about keeping alert images, and tell me whether anyone I "
                     "name is on the watchlist.",
        items=[ItemInput("How long alert images are kept, and why", ("question:lfr.retention",)),
               ItemInput("How people are chosen for the watchlist", ("section:lfr-watchlist",)),
               ItemInput("Whether a named person is on the watchlist", ())])
    first, second, third = foi.items
    answer_item(actor=officer, now=_at(4, 4, 2018), item=first, answer=ItemAnswer(
        FoiAnswer.WITHHELD, exemption=Exemption.S22,
        pit_for="Openness about how long images of the public are kept, while the trial goes on.",
        pit_against="Revision 2, which sets the 30-day rule, is to be published in the second quarter of 2018 once "
                    "signed off; an unapproved version released early could mislead.",
        pit_conclusion="The public interest favours waiting a few weeks for the approved publication."))
    answer_item(actor=officer, now=_at(4, 4, 2018), item=second, answer=ItemAnswer(
        FoiAnswer.WITHHELD, exemption=Exemption.S31_1_A,
        pit_for="Public concern about who is put on watchlists.",
        pit_against="Knowing the criteria in detail would help people wanted by the police avoid the cameras.",
        pit_conclusion="The public interest favours withholding the detailed criteria."))
    answer_item(actor=officer, now=_at(4, 4, 2018), item=third, answer=ItemAnswer(
        FoiAnswer.NCND, ncnd=NcndProvision.S31_3,
        pit_for="The requester's wish to know.",
        pit_against="Confirming or denying whether a named person is on a watchlist would itself harm law "
                    "enforcement.",
        pit_conclusion="The public interest favours neither confirming nor denying."))
    record_s22_conclusion(actor=officer, now=_at(4, 4, 2018), foi=foi,
                          conclusion="Reasonable: publication was planned within the quarter, the revision awaited "
                                     "only its approver's decision, and the plan had not slipped.")


def _stadium(users: Mapping[str, User], team: Team, core: QuestionnaireVersion,
             add_on: QuestionnaireVersion) -> None:
    """DPIA-2018-014, written under Part 3 of the 2018 Act: sent for sign-off, waiting for the DPO's advice."""
    author, written = users["author"], _at(3, 9, 2018)
    assessment = create_assessment(actor=author, now=written, reference=STADIUM_REFERENCE,
                                   title="Live facial recognition at Northshire Stadium", team=team,
                                   regime=Regime.DPA_2018_PART_3, questionnaire_version=core, add_ons=[add_on])
    revision = assessment.revisions[0]
    write_content(revision, STADIUM_REVISION_1, by=author, at=written)
    _to_sign_off(revision, users, author, _at(20, 9, 2018), _at(27, 9, 2018))


def _body_worn_video(users: Mapping[str, User], core: QuestionnaireVersion, organisation: str, *,
                     now: datetime) -> None:
    """DPIA-2019-002: approved and published, with the security answer withheld."""
    author, dpo, written = users["officer"], users["dpo"], _at(7, 1, 2019)
    team = get_or_create_team(OTHER_TEAM, now=now)
    assessment = create_assessment(actor=author, now=written, reference=PUBLISHED_REFERENCE,
                                   title="Body-worn video for response officers", team=team,
                                   regime=Regime.DPA_2018_PART_3, questionnaire_version=core, add_ons=[])
    revision = assessment.revisions[0]
    write_content(revision, BODY_WORN_VIDEO, by=author, at=written)
    _to_sign_off(revision, users, author, _at(4, 2, 2019), _at(6, 2, 2019))
    _advise(revision, users, _at(12, 2, 2019), recommendation="proceed",
            summary="Proceed. The recording policy and the 31-day deletion keep the intrusion proportionate.",
            next_review="2020-03-31")
    _accept(revision, users, _at(14, 2, 2019))
    _move(revision, users["approver"], _at(15, 2, 2019), Action.APPROVE)
    record_decision(actor=dpo, now=_at(18, 2, 2019), revision=revision, decided_on=date(2019, 2, 18),
                    decided_by=DPO_POSITION, scope=Scope.REDACTED, planned="2019-03", channel=CHANNEL)
    set_redaction(actor=dpo, now=_at(20, 2, 2019), content=load_content(revision), target_type=TargetType.QUESTION,
                  target_key="necessity.security", exemption=Exemption.S31_1_A,
                  reason="How footage is protected would help someone trying to get at it.")
    publication = schedule(actor=dpo, now=_at(22, 2, 2019), content=load_content(revision),
                           publish_at=_at(1, 3, 2019, 9), organisation=organisation)
    build_public_files_now(publication_id=publication.id, now=_at(22, 2, 2019))  # no worker runs here


def _van_draft(users: Mapping[str, User], team: Team, core: QuestionnaireVersion,
               add_on: QuestionnaireVersion) -> None:
    """DPIA-2018-011: a half-written draft, so people trying the demo have something to fill in."""
    author, started = users["author"], _at(8, 1, 2018)
    draft = create_assessment(actor=author, now=started, reference=DRAFT_REFERENCE,
                              title="Live facial recognition from a mobile van", team=team, regime=Regime.DPA_1998,
                              questionnaire_version=core, add_ons=[add_on])
    _set_answers(draft.revisions[0], VAN_DRAFT_ANSWERS, by=author, at=started)


def load_demo(*, now: datetime, organisation: str = "Northshire Police") -> Assessment:
    """Create the demo teams, accounts and assessments; returns the trial's. Refuses to run twice."""
    if demo_is_loaded():
        raise DomainError("The demo data is already loaded")
    load_builtin_questionnaires(now=now)
    core, add_on = latest_version("uk-dpia"), latest_version("lfr-add-on")
    if core is None or add_on is None:  # pragma: no cover - the files ship with the package
        raise DomainError("The built-in questionnaires are missing")
    team = get_or_create_team(DEMO_TEAM, now=now)
    get_or_create_team(OTHER_TEAM, now=now)
    users = {
        email.split("@")[0]: create_user(actor=None, now=now, email=email, name=name, password=DEMO_PASSWORD,
                                         roles=[role], team_names=[team_name] if team_name else [])
        for email, name, role, team_name in DEMO_ACCOUNTS
    }
    for user in users.values():
        if user.email in DEMO_TOTP_SECRETS:
            enrol_with_known_secret(user, DEMO_TOTP_SECRETS[user.email], now=now)
    trial = _trial(users, team, core, add_on)
    _van_draft(users, team, core, add_on)
    _stadium(users, team, core, add_on)
    _body_worn_video(users, core, organisation, now=now)
    db.session.flush()
    return trial
