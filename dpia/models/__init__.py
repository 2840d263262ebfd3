"""Typed SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from dpia.models.assessments import Answer, Assessment, Revision, RevisionAddOn, SectionSave
from dpia.models.audit import AuditEvent
from dpia.models.publication import FoiRequest, Publication, PublicationDecision, Redaction, Slippage
from dpia.models.questionnaires import Questionnaire, QuestionnaireVersion
from dpia.models.review import Comment, Decision, RevisionDecision, SignOff
from dpia.models.rows import ROW_MODELS, AccessRule, Measure, RetentionRule, Risk, RowMixin, TableRow
from dpia.models.users import LoginAttempt, Membership, Team, User, UserRole, UserSession

__all__ = [
    "ROW_MODELS",
    "AccessRule",
    "Answer",
    "Assessment",
    "AuditEvent",
    "Comment",
    "Decision",
    "FoiRequest",
    "LoginAttempt",
    "Measure",
    "Membership",
    "Publication",
    "PublicationDecision",
    "Questionnaire",
    "QuestionnaireVersion",
    "Redaction",
    "RetentionRule",
    "Revision",
    "RevisionAddOn",
    "RevisionDecision",
    "Risk",
    "RowMixin",
    "SectionSave",
    "SignOff",
    "Slippage",
    "TableRow",
    "Team",
    "User",
    "UserRole",
    "UserSession",
]
