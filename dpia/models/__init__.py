"""Typed SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from dpia.models.assessments import Answer, Assessment, Revision
from dpia.models.audit import AuditEvent
from dpia.models.questionnaires import Questionnaire, QuestionnaireVersion
from dpia.models.users import LoginAttempt, Membership, Team, User, UserRole, UserSession

__all__ = [
    "Answer",
    "Assessment",
    "AuditEvent",
    "LoginAttempt",
    "Membership",
    "Questionnaire",
    "QuestionnaireVersion",
    "Revision",
    "Team",
    "User",
    "UserRole",
    "UserSession",
]
