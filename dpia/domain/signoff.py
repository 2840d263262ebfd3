"""The ICO step-7 sign-off rows and what each records."""

from __future__ import annotations

import enum


class SignOffKind(enum.StrEnum):
    MEASURES_APPROVED = "measures_approved"
    RESIDUAL_RISKS_APPROVED = "residual_risks_approved"
    DPO_ADVICE = "dpo_advice"
    ADVICE_DECISION = "advice_decision"
    CONSULTATION_REVIEWED = "consultation_reviewed"
    PRIOR_CONSULTATION = "prior_consultation"
    KEPT_UNDER_REVIEW = "kept_under_review"

    @property
    def label(self) -> str:
        return SIGN_OFF_LABELS[self]


SIGN_OFF_LABELS = {
    SignOffKind.MEASURES_APPROVED: "Measures approved by",
    SignOffKind.RESIDUAL_RISKS_APPROVED: "Residual risks approved by",
    SignOffKind.DPO_ADVICE: "DPO advice provided",
    SignOffKind.ADVICE_DECISION: "DPO advice accepted or overruled by",
    SignOffKind.CONSULTATION_REVIEWED: "Consultation responses reviewed by",
    SignOffKind.PRIOR_CONSULTATION: "Prior consultation with the Information Commissioner",
    SignOffKind.KEPT_UNDER_REVIEW: "This assessment will be kept under review by",
}


class Recommendation(enum.StrEnum):
    PROCEED = "proceed"
    PROCEED_WITH_CONDITIONS = "proceed_with_conditions"
    DO_NOT_PROCEED = "do_not_proceed"

    @property
    def label(self) -> str:
        return {"proceed": "Proceed", "proceed_with_conditions": "Proceed with conditions",
                "do_not_proceed": "Do not proceed"}[self.value]


class AdviceDecision(enum.StrEnum):
    ACCEPTED = "accepted"
    OVERRULED = "overruled"


class ConsultationOutcome(enum.StrEnum):
    """What the regulator said in a prior consultation (UK GDPR Art. 36 / DPA 2018 s.65)."""

    ADVICE_RECEIVED = "advice_received"
    NO_OBJECTION = "no_objection"
    WARNING = "warning"
    LIMITED_OR_BANNED = "limited_or_banned"
    WITHDRAWN = "withdrawn"
