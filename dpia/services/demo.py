"""The built-in demonstration: a police force's live facial recognition trial.

Everything here is invented wording about the public facts of the motivating case (a PIA written in
April 2017, later revised to add a 30-day retention rule for alert images). Later features extend it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from dpia.domain.errors import DomainError
from dpia.domain.roles import Role
from dpia.domain.states import Regime, RevisionState
from dpia.extensions import db
from dpia.models import Answer, Assessment, Revision, User
from dpia.services.assessments import create_assessment
from dpia.services.questionnaires import latest_version, load_builtin_questionnaires
from dpia.services.users import create_user, get_or_create_team

DEMO_PASSWORD = "demonstration-only"  # noqa: S105 - published demo credential
DEMO_TEAM = "Live Facial Recognition"
DEMO_REFERENCE = "DPIA-2017-004"
DEMO_ACCOUNTS = (
    ("author@demo.test", "Alex Author", Role.TEAM_MEMBER),
    ("reviewer@demo.test", "Riley Reviewer", Role.REVIEWER),
    ("dpo@demo.test", "Dana Protection", Role.DPO),
    ("admin@demo.test", "Avery Admin", Role.ADMIN),
)

REVISION_1_WRITTEN = datetime(2017, 4, 12, 9, 30, tzinfo=UTC)
REVISION_2_WRITTEN = datetime(2017, 11, 20, 14, 0, tzinfo=UTC)

_COMMON_ANSWERS = {
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
    "processing.nature": (
        "Cameras stream video to a van on site. The software detects faces, turns each into a "
        "template and compares it with the watchlist. Faces that do not match are discarded at once. "
        "Alerts are shown to the officers and staff assigned to the deployment."
    ),
    "processing.context": (
        "People passing the cameras have no relationship with the force and cannot opt out other "
        "than by avoiding the area. Signs and leaflets announce each deployment."
    ),
    "processing.purposes": (
        "Locate wanted people quickly and safely, and learn whether the technology is accurate and "
        "fair enough to justify wider use."
    ),
    "consultation.views_sought": True,
    "consultation.details": "Briefings for local councillors and an independent ethics panel before each deployment.",
    "necessity.lawful_basis": (
        "Law enforcement purposes under DPA 2018 Part 3; sensitive processing is strictly necessary "
        "for the prevention and detection of crime."
    ),
    "necessity.alternatives": (
        "Officers' recognition from briefings was considered; it cannot cover a crowd of this size."
    ),
    "risks.summary": (
        "- Everyone passing is scanned, not only people on the watchlist.\n"
        "- An incorrect alert could lead to an unwarranted stop.\n"
        "- The software may perform differently by sex, ethnicity or age."
    ),
    "measures.summary": (
        "- Every alert is checked by a trained officer before any approach.\n"
        "- Non-matching faces are deleted immediately.\n"
        "- Accuracy is recorded per deployment and reviewed after the trial."
    ),
}

_REVISION_1_ONLY = {
    "processing.scope": (
        "Faces of everyone passing the cameras during a deployment of up to eight hours. Alert "
        "images are kept with the deployment record; no fixed retention period is set yet."
    ),
    "necessity.minimisation": "Only faces in the camera's field of view are processed; no audio is recorded.",
}

_REVISION_2_ONLY = {
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


def demo_is_loaded() -> bool:
    return db.session.scalar(select(func.count(Assessment.id)).where(Assessment.reference == DEMO_REFERENCE)) > 0


def database_is_empty() -> bool:
    return (db.session.scalar(select(func.count(User.id))) or 0) == 0


def _add_answers(revision: Revision, answers: dict[str, object], *, by: User, at: datetime) -> None:
    db.session.add_all(
        Answer(revision=revision, question_key=key, value=value, updated_at=at, updated_by_id=by.id)
        for key, value in answers.items()
    )


def load_demo(*, now: datetime) -> Assessment:
    """Create the demo team, accounts and assessment. Refuses to run twice."""
    if demo_is_loaded():
        raise DomainError("The demo data is already loaded")
    load_builtin_questionnaires(now=now)
    version = latest_version("uk-dpia")
    if version is None:  # pragma: no cover - the file ships with the package
        raise DomainError("The built-in UK DPIA questionnaire is missing")
    team = get_or_create_team(DEMO_TEAM, now=now)
    users = {
        role: create_user(actor=None, now=now, email=email, name=name, password=DEMO_PASSWORD,
                          roles=[role], team_names=[DEMO_TEAM] if role is Role.TEAM_MEMBER else [])
        for email, name, role in DEMO_ACCOUNTS
    }
    author = users[Role.TEAM_MEMBER]
    assessment = create_assessment(actor=author, now=now, reference=DEMO_REFERENCE,
                                   title="Live facial recognition trial", team=team,
                                   regime=Regime.DPA_2018_PART_3, questionnaire_version=version)
    assessment.created_at = REVISION_1_WRITTEN
    first = assessment.revisions[0]
    first.created_at = REVISION_1_WRITTEN
    first.state = RevisionState.APPROVED
    _add_answers(first, _COMMON_ANSWERS | _REVISION_1_ONLY, by=author, at=REVISION_1_WRITTEN)

    second = Revision(assessment=assessment, number=2, state=RevisionState.DRAFT,
                      questionnaire_version=version, created_at=REVISION_2_WRITTEN, created_by=author,
                      rationale="Adds the decision to keep alert images for 30 days, then delete them.")
    db.session.add(second)
    _add_answers(second, _COMMON_ANSWERS | _REVISION_2_ONLY, by=author, at=REVISION_2_WRITTEN)
    db.session.flush()
    return assessment
