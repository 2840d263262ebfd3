"""The built-in demonstration: a police force's live facial recognition trial.

The facts are those of the motivating case (a PIA written in April 2017; a 30-day retention rule for
alert images decided later and written into revision 2; alert images visible only to officers and
staff assigned to the deployment; 104 alerts, 2 confirmed, 102 incorrect; age not recorded). All
wording is ours. Later features extend it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from dpia.accounts.models import User
from dpia.accounts.rules import Role
from dpia.accounts.services import create_user, get_or_create_team
from dpia.assessments.models import AccessRule, Answer, Assessment, RetentionRule, Revision, Risk
from dpia.assessments.rules.regimes import Regime
from dpia.assessments.services.assessments import create_assessment
from dpia.assessments.services.content import load_content, revision_definition
from dpia.assessments.services.rows import apply_cells, insert_rows
from dpia.core.errors import DomainError
from dpia.core.extensions import db
from dpia.foi.services import record_foi_request
from dpia.publication.rules import Exemption, Scope, TargetType
from dpia.publication.services.decisions import record_decision
from dpia.publication.services.redactions import set_redaction
from dpia.publication.services.scheduling import schedule
from dpia.questionnaires.services import latest_version, load_builtin_questionnaires
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action
from dpia.review.services.comments import add_comment
from dpia.review.services.revisions import DecisionInput, start_revision
from dpia.review.services.sign_off import record_sign_off
from dpia.review.services.workflow import transition

DEMO_PASSWORD = "demonstration-only"  # noqa: S105 - published demo credential
DEMO_TEAM = "Live Facial Recognition"
DEMO_REFERENCE = "DPIA-2017-004"
DRAFT_REFERENCE = "DPIA-2018-011"
DEMO_ACCOUNTS = (
    ("author@demo.test", "Alex Author", Role.TEAM_MEMBER),
    ("reviewer@demo.test", "Riley Reviewer", Role.REVIEWER),
    ("dpo@demo.test", "Dana Protection", Role.DPO),
    ("admin@demo.test", "Avery Admin", Role.ADMIN),
)

REVISION_1_WRITTEN = datetime(2017, 4, 12, 9, 30, tzinfo=UTC)
REVISION_2_WRITTEN = datetime(2017, 11, 20, 14, 0, tzinfo=UTC)

_COMMON_ANSWERS: dict[str, Any] = {
    "screening.mandatory_triggers": ["large_scale_sensitive", "public_monitoring"],
    "screening.criteria": ["systematic_monitoring", "sensitive_data", "large_scale", "matching_datasets",
                           "innovative_technology"],
    "screening.ico_list": ["innovative_technology", "biometric_data", "data_matching"],
    "screening.outcome": "required",
    "screening.reasons": (
        "The trial compares the faces of everyone passing the cameras with a watchlist. That is "
        "**biometric data used to identify people**, collected by systematically monitoring a public "
        "place, with a new technology. Any one of these points to high risk."
    ),
    "need.aims": (
        "Trial live facial recognition at planned public events to find people wanted by the courts "
        "or by police for serious offences. Cameras compare faces passing a fixed point against a "
        "watchlist compiled for each deployment; an alert is reviewed by an officer before anyone "
        "is approached."
    ),
    "need.reason": (
        "The trial processes **biometric data** to identify people, monitors a publicly accessible "
        "place systematically, and uses a new technology. Each of these alone points to high risk."
    ),
    "need.controller": "Northshire Police",
    "need.project_lead": {"name": "Sam Okafor", "role": "Detective Superintendent, LFR project lead"},
    "processing.nature": (
        "Cameras stream video to a van on site. The software detects faces, turns each into a "
        "template and compares it with the watchlist. Faces that do not match are discarded at once. "
        "Alerts are shown to the officers and staff assigned to the deployment."
    ),
    "processing.context": (
        "People passing the cameras have no relationship with the force and cannot opt out other "
        "than by avoiding the area. Signs and leaflets announce each deployment."
    ),
    "processing.vulnerable_included": True,
    "processing.vulnerable_details": (
        "Crowds at public events include children and vulnerable adults. Their faces are processed "
        "like anyone else's and deleted at once unless they match the watchlist."
    ),
    "processing.purposes": (
        "Locate wanted people quickly and safely, and learn whether the technology is accurate and "
        "fair enough to justify wider use."
    ),
    "processing.people_count": 100000,
    "processing.geographic_area": "Event sites in Northshire chosen for each deployment",
    "processing.start_date": "2017-06",
    "consultation.views_sought": True,
    "consultation.details": "Briefings for local councillors and an independent ethics panel before each deployment.",
    "necessity.lawful_basis": (
        "Law enforcement purposes under DPA 2018 Part 3; sensitive processing is strictly necessary "
        "for the prevention and detection of crime."
    ),
    "necessity.alternatives": (
        "Officers' recognition from briefings was considered; it cannot cover a crowd of this size."
    ),
    "necessity.transparency": "Signs at every camera position, leaflets handed out on the day, and a web page.",
    "necessity.rights": "Requests go to the force's data protection team; most images no longer exist by then.",
    "necessity.international_transfers": False,
    "necessity.security": "The van's system is not connected to the internet; alert images are encrypted at rest.",
    "measures.plan": "Each measure has an owner in the project plan and is checked before every deployment.",
    "outcomes.actions": "Measures are built into the deployment checklist signed by the authorising officer.",
    "outcomes.residual_risk": "Medium: incorrect alerts remain possible and every alert is checked by an officer.",
    "outcomes.start_after_signoff": True,
    "outcomes.public_summary": (
        "We trialled live facial recognition at public events. Faces that do not match a watchlist are "
        "deleted at once; alerts are checked by an officer before anyone is approached."
    ),
    "review.schedule": "before_each_deployment",
    "review.next_date": "2018-04-30",
    "lfr.purpose": "Finding people wanted by the courts or by police for serious offences.",
    "lfr.strict_necessity": (
        "Wanted people are known to attend these events and have not been found by other means. The "
        "deployment is limited in time and place and the watchlist to serious offences."
    ),
    "lfr.schedule_8_condition": "statutory_purposes",
    "lfr.policy_document_reference": "APD-LFR-01",
    "lfr.who_and_where": (
        "Only people wanted for serious offences may be on a watchlist. Deployments are limited to "
        "named events approved by the authorising officer."
    ),
    "lfr.assembly_and_expression": "Not deployed at protests or political gatherings.",
    "lfr.authorising_officer": {"name": "Jo Marsh", "role": "Superintendent"},
    "lfr.objective": "Locate people wanted for serious offences at the event.",
    "lfr.start_date": "2017-06-10",
    "lfr.end_date": "2017-06-10",
    "lfr.public_notice": "Signs at each camera, leaflets, and a press release two days before.",
    "lfr.watchlist_categories": ["wanted_by_courts", "wanted_by_police"],
    "lfr.categories_published": False,
    "lfr.image_quality": "Only custody images taken in the last five years are used.",
    "lfr.pre_deployment_review": True,
    "lfr.children_on_watchlist": False,
    "lfr.human_review": "Every alert is reviewed by a trained officer before any approach.",
    "lfr.incorrect_alerts": "An incorrect alert is dismissed on screen and nobody is approached.",
    "lfr.eia_reference": "EIA-2017-031",
    "lfr.bias_steps": "We asked for the supplier's test results, and we will record outcomes by sex and ethnicity.",
    "lfr.monitoring_plan": "Outcomes are recorded per deployment. The age of people is **not recorded**.",
    "lfr.logging": True,
    "lfr.export_controls": "Alert images cannot be exported from the van except as evidence, logged.",
}

_REVISION_1_ONLY: dict[str, Any] = {
    "processing.scope": (
        "Faces of everyone passing the cameras during a deployment of up to eight hours. Alert "
        "images are kept with the deployment record; no fixed retention period is set yet."
    ),
    "necessity.minimisation": "Only faces in the camera's field of view are processed; no audio is recorded.",
}

_REVISION_2_ONLY: dict[str, Any] = {
    "processing.scope": (
        "Faces of everyone passing the cameras during a deployment of up to eight hours. Images of "
        "alerts, confirmed or incorrect, are **kept for 30 days** and then deleted, unless needed as "
        "evidence."
    ),
    "necessity.minimisation": (
        "Only faces in the camera's field of view are processed; no audio is recorded. Alert images "
        "are deleted after 30 days. Only officers and staff assigned to the deployment can see them."
    ),
}

_CORE_RETENTION = [{
    "data_category": "Deployment records and accuracy figures", "trigger": "other", "deletion_method": "manual",
    "justification": "Kept under the force's records management policy to evaluate the trial.",
}]
_CORE_ACCESS = [{"data_category": "Deployment records", "who": "The LFR project team and the data protection officer",
                 "logged": True}]
_DATA_CATEGORIES = [
    {"category": "Facial images and templates of passers-by", "special": True,
     "description": "Biometric data processed to identify people; deleted at once when there is no match."},
    {"category": "Watchlist images", "special": True, "description": "Custody images of wanted people."},
]
_NON_MATCHES = {
    "data_category": "Faces that do not match the watchlist", "period_days": 0, "trigger": "on_capture",
    "deletion_method": "automatic", "justification": "Nothing is kept about people who are not sought.",
}
_WATCHLIST = {
    "data_category": "The deployment's watchlist", "period_days": 0, "trigger": "end_of_deployment",
    "deletion_method": "automatic", "justification": "A new watchlist is compiled and approved for each deployment.",
}
_ALERT_IMAGES = {
    "data_category": "Alert images and match data (confirmed and incorrect alerts)", "period_days": 30,
    "trigger": "on_alert", "deletion_method": "automatic",
    "justification": "Long enough to deal with complaints and review the trial's accuracy.",
    "exceptions": "Kept longer only when needed as evidence.",
}
_ACCESS = [{"data_category": "Alert images", "who": "Officers and staff assigned to the deployment",
            "logged": True, "notes": "Viewing happens in the van; every view is logged."}]
_RISK_RATINGS = {  # index into the add-on's ten starting risks -> (before, after)
    0: ("probable", "significant", "possible", "minimal"),
    1: ("possible", "severe", "remote", "significant"),
    2: ("possible", "significant", "remote", "minimal"),
    3: ("possible", "severe", "possible", "significant"),
}
_MEASURES = [
    (1, "Every alert is checked by a trained officer before anyone is approached.", "reduced"),
    (0, "Faces that do not match are deleted at once and never stored.", "reduced"),
    (3, "Outcomes are recorded by sex and ethnicity and reviewed after the trial.", "reduced"),
]
_DEPLOYMENT = [{"date": "2017-06-10", "location": "Northshire city centre, summer festival",
                "authorising_officer": "Superintendent Jo Marsh", "alerts": 104, "confirmed": 2, "incorrect": 102,
                "age_recorded": False,
                "notes": "Faces scanned were not counted. Age of the people alerted on was not recorded."}]


def demo_is_loaded() -> bool:
    return db.session.scalar(select(func.count(Assessment.id)).where(Assessment.reference == DEMO_REFERENCE)) > 0


def database_is_empty() -> bool:
    return (db.session.scalar(select(func.count(User.id))) or 0) == 0


def _add_answers(revision: Revision, answers: Mapping[str, Any], *, by: User, at: datetime) -> None:
    db.session.add_all(
        Answer(revision=revision, question_key=key, value=value, updated_at=at, updated_by_id=by.id)
        for key, value in answers.items()
    )


def _fill(revision: Revision, answers: Mapping[str, Any], retention: Sequence[Mapping[str, Any]], *,
          author: User, at: datetime) -> None:
    """Answers and rows of one demo revision (the add-on's starting rows are already there)."""
    definition = revision_definition(revision)
    _add_answers(revision, answers, by=author, at=at)
    tables: dict[str, Sequence[Mapping[str, Any]]] = {
        "processing.retention": _CORE_RETENTION, "processing.access": _CORE_ACCESS,
        "processing.data_categories": _DATA_CATEGORIES, "lfr.deployments": _DEPLOYMENT,
    }
    for key, rows in tables.items():
        insert_rows(revision, definition.question(key), rows, definition, now=at, actor=author)
    # Replace the add-on's suggested retention and access rows with what this revision decided.
    for model in (RetentionRule, AccessRule):
        for row in db.session.scalars(select(model).where(model.revision_id == revision.id,
                                                          model.question_key.like("lfr.%"))):
            db.session.delete(row)
    db.session.flush()
    insert_rows(revision, definition.question("lfr.retention"), retention, definition, now=at, actor=author)
    insert_rows(revision, definition.question("lfr.access"), _ACCESS, definition, now=at, actor=author)
    risks = list(db.session.scalars(select(Risk).where(Risk.revision_id == revision.id).order_by(Risk.position)))
    for index, (likelihood, severity, after_l, after_s) in _RISK_RATINGS.items():
        risk = risks[index]
        apply_cells(risk, definition.question(risk.question_key), {
            "likelihood": likelihood, "severity": severity,
            "residual_likelihood": after_l, "residual_severity": after_s}, definition)
    measures = [{"risk_uid": risks[i].row_uid, "description": text, "effect": effect, "approved": True}
                for i, text, effect in _MEASURES]
    insert_rows(revision, definition.question("measures.register"), measures, definition, now=at, actor=author)
    db.session.flush()


def _at(day: int, month: int, year: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def _sign(revision: Revision, kind: SignOffKind, by: User, position: str, when: datetime, **details: Any) -> None:
    outcome = record_sign_off(actor=by, now=when, content=load_content(revision), kind=kind, position=position,
                              notes=None,
                              raw=details)
    if outcome.errors:  # pragma: no cover - the demo's own data is valid
        raise DomainError(f"demo sign-off {kind}: {outcome.errors}")


def _move(revision: Revision, actor: User, when: datetime, action: Action) -> None:
    transition(actor=actor, now=when, content=load_content(revision), action=action)


def _approve_first_revision(revision: Revision, users: Mapping[Role, User]) -> None:
    """Revision 1 went through review and was approved with a full step-7 sign-off in April 2017."""
    author, reviewer, dpo = users[Role.TEAM_MEMBER], users[Role.REVIEWER], users[Role.DPO]
    _move(revision, author, _at(18, 4, 2017), Action.SUBMIT)
    _move(revision, reviewer, _at(21, 4, 2017), Action.SEND_FOR_SIGN_OFF)
    _sign(revision, SignOffKind.MEASURES_APPROVED, reviewer, "Head of Operational Policing", _at(24, 4, 2017))
    _sign(revision, SignOffKind.RESIDUAL_RISKS_APPROVED, reviewer, "Head of Operational Policing", _at(24, 4, 2017))
    _sign(revision, SignOffKind.DPO_ADVICE, dpo, "Data Protection Officer", _at(25, 4, 2017),
          recommendation="proceed_with_conditions",
          summary="Proceed as a trial only, with every alert checked by an officer, non-matches deleted at once, "
                  "and accuracy recorded at each deployment.")
    _sign(revision, SignOffKind.ADVICE_DECISION, reviewer, "Head of Operational Policing", _at(26, 4, 2017),
          decision="accepted")
    _sign(revision, SignOffKind.CONSULTATION_REVIEWED, reviewer, "Head of Operational Policing",
          _at(26, 4, 2017), departs_from_views="no")
    _sign(revision, SignOffKind.KEPT_UNDER_REVIEW, dpo, "Data Protection Officer", _at(27, 4, 2017),
          next_review_date="2018-04-30")
    _move(revision, dpo, _at(28, 4, 2017), Action.APPROVE)


def _write_second_revision(first: Revision, users: Mapping[Role, User]) -> Revision:
    """Revision 2 copies revision 1 and adds the 30-day retention rule decided in October 2017."""
    author, reviewer = users[Role.TEAM_MEMBER], users[Role.REVIEWER]
    second = start_revision(
        actor=author, now=REVISION_2_WRITTEN, assessment=first.assessment,
        rationale="Adds the decision to keep alert images for 30 days, then delete them.",
        decisions=[DecisionInput(date(2017, 10, 16), "Alert images, from confirmed and incorrect alerts alike, are "
                                 "kept for 30 days and then deleted, unless needed as evidence.",
                                 "Strategic Facial Recognition Board", "Board meeting")])
    for answer in db.session.scalars(select(Answer).where(Answer.revision_id == second.id,
                                                          Answer.question_key.in_(_REVISION_2_ONLY))):
        answer.value = _REVISION_2_ONLY[answer.question_key]
        answer.updated_at = REVISION_2_WRITTEN
        answer.updated_by_id = author.id
    definition = revision_definition(second)
    insert_rows(second, definition.question("lfr.retention"), [_ALERT_IMAGES], definition, now=REVISION_2_WRITTEN,
                actor=author)
    _move(second, author, _at(27, 11, 2017), Action.SUBMIT)
    _move(second, reviewer, _at(4, 12, 2017), Action.SEND_FOR_SIGN_OFF)
    _sign(second, SignOffKind.MEASURES_APPROVED, reviewer, "Head of Operational Policing", _at(5, 12, 2017))
    add_comment(actor=reviewer, now=_at(5, 12, 2017), content=load_content(second), question_key="lfr.retention",
                body="Please say who may keep an alert image beyond 30 days as evidence, and how that is logged.")
    return second


def _publish_first_revision(first: Revision, users: Mapping[Role, User], organisation: str) -> None:
    """Revision 1 was published in June 2017 with the watchlist section withheld under s.31(3)."""
    dpo = users[Role.DPO]
    record_decision(actor=dpo, now=_at(3, 5, 2017), revision=first, decided_on=date(2017, 5, 2),
                    decided_by="Data Protection Officer", scope=Scope.REDACTED, planned="2017-06",
                    channel="Northshire Police publication scheme (website)")
    set_redaction(actor=dpo, now=_at(18, 5, 2017), content=load_content(first), target_type=TargetType.SECTION,
                  target_key="lfr-watchlist", exemption=Exemption.S31_3,
                  reason="Publishing how watchlists are compiled would help people avoid being identified, "
                         "prejudicing the prevention and detection of crime.")
    schedule(actor=dpo, now=_at(20, 5, 2017), content=load_content(first), publish_at=_at(1, 6, 2017, 9),
             organisation=organisation)


def _plan_second_revision(second: Revision, users: Mapping[Role, User]) -> None:
    """Revision 2 is to be published "in the second quarter of 2018": a plan that has since passed."""
    record_decision(actor=users[Role.DPO], now=_at(12, 12, 2017), revision=second, decided_on=date(2017, 12, 11),
                    decided_by="Data Protection Officer", scope=Scope.REDACTED, planned="2018-Q2",
                    channel="Northshire Police publication scheme (website)")
    record_foi_request(actor=users[Role.DPO], now=_at(15, 3, 2018, 15), assessment=second.assessment,
                       reference="FOI-2018-0412", received_on=date(2018, 3, 15),
                       summary="A copy of the privacy impact assessment for the live facial recognition trial, "
                               "including the revision about keeping alert images.")


def load_demo(*, now: datetime, organisation: str = "Northshire Police") -> Assessment:
    """Create the demo team, accounts and assessments. Refuses to run twice."""
    if demo_is_loaded():
        raise DomainError("The demo data is already loaded")
    load_builtin_questionnaires(now=now)
    core, add_on = latest_version("uk-dpia"), latest_version("lfr-add-on")
    if core is None or add_on is None:  # pragma: no cover - the files ship with the package
        raise DomainError("The built-in questionnaires are missing")
    team = get_or_create_team(DEMO_TEAM, now=now)
    users = {
        role: create_user(actor=None, now=now, email=email, name=name, password=DEMO_PASSWORD,
                          roles=[role], team_names=[DEMO_TEAM] if role is Role.TEAM_MEMBER else [])
        for email, name, role in DEMO_ACCOUNTS
    }
    author = users[Role.TEAM_MEMBER]
    assessment = create_assessment(actor=author, now=REVISION_1_WRITTEN, reference=DEMO_REFERENCE,
                                   title="Live facial recognition trial", team=team,
                                   regime=Regime.DPA_2018_PART_3, questionnaire_version=core, add_ons=[add_on])
    first = assessment.revisions[0]
    _fill(first, _COMMON_ANSWERS | _REVISION_1_ONLY, [_NON_MATCHES, _WATCHLIST], author=author,
          at=REVISION_1_WRITTEN)
    _approve_first_revision(first, users)
    _publish_first_revision(first, users, organisation)
    second = _write_second_revision(first, users)
    _plan_second_revision(second, users)
    _start_draft(users, team, core, add_on)
    db.session.flush()
    return assessment


def _start_draft(users: Mapping[Role, User], team: Any, core: Any, add_on: Any) -> None:
    """A second, half-written assessment, so people trying the demo have a draft to fill in."""
    author = users[Role.TEAM_MEMBER]
    started = _at(8, 1, 2018)
    draft = create_assessment(actor=author, now=started, reference=DRAFT_REFERENCE,
                              title="Live facial recognition from a mobile van", team=team,
                              regime=Regime.DPA_2018_PART_3, questionnaire_version=core, add_ons=[add_on])
    _add_answers(draft.revisions[0], {
        "need.aims": "Extend the trial to a van that can be parked at different events each week.",
        "need.controller": "Northshire Police",
        "screening.outcome": "required",
        "consultation.views_sought": True,
    }, by=author, at=started)
