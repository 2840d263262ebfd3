"""The ICO step-7 sign-off rows, what each records, and when a revision may be approved."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any


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


CONSULTATION_OUTCOME_LABELS = {
    ConsultationOutcome.ADVICE_RECEIVED: "Written advice received",
    ConsultationOutcome.NO_OBJECTION: "No objection",
    ConsultationOutcome.WARNING: "Warning given",
    ConsultationOutcome.LIMITED_OR_BANNED: "Processing limited or banned",
    ConsultationOutcome.WITHDRAWN: "Consultation withdrawn",
}


@dataclass(frozen=True)
class SignOffRecord:
    """What the approval guard needs to know about one recorded sign-off row."""

    kind: SignOffKind
    content_hash: str
    details: Mapping[str, Any]


def clean_details(kind: SignOffKind, raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the fields a sign-off row of `kind` needs; return (details to store, errors by field)."""
    details: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def text(name: str, message: str | None = None) -> str | None:
        value = str(raw.get(name) or "").strip()
        if not value and message:
            errors[name] = message
        if len(value) > 20_000:
            errors[name] = "Keep this to 20,000 characters or fewer"
        return value or None

    def choice(name: str, allowed: type[enum.StrEnum], message: str) -> str | None:
        value = str(raw.get(name) or "")
        if value not in {member.value for member in allowed}:
            errors[name] = message
            return None
        return value

    def day(name: str, message: str) -> str | None:
        value = raw.get(name)
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value or "")).isoformat()
        except ValueError:
            errors[name] = message
            return None

    if kind is SignOffKind.DPO_ADVICE:
        details["recommendation"] = choice("recommendation", Recommendation, "Select the DPO's recommendation")
        details["summary"] = text("summary", "Summarise the DPO's advice")
    elif kind is SignOffKind.ADVICE_DECISION:
        details["decision"] = choice("decision", AdviceDecision, "Select whether the advice was accepted or overruled")
        reasons = text("reasons")
        if details["decision"] == AdviceDecision.OVERRULED and not reasons:
            errors["reasons"] = "Give the reasons for overruling the DPO's advice"
        details["reasons"] = reasons
    elif kind is SignOffKind.CONSULTATION_REVIEWED:
        departs = str(raw.get("departs_from_views") or "") == "yes"
        details["departs_from_views"] = departs
        reasons = text("departure_reasons")
        if departs and not reasons:
            errors["departure_reasons"] = "Give the reasons for departing from the views of the people consulted"
        details["departure_reasons"] = reasons
    elif kind is SignOffKind.PRIOR_CONSULTATION:
        details["submitted_on"] = day("submitted_on", "Enter the date the consultation was sent, like 2017-05-02")
        details["outcome"] = choice("outcome", ConsultationOutcome, "Select the outcome of the consultation")
    elif kind is SignOffKind.KEPT_UNDER_REVIEW:
        details["next_review_date"] = day("next_review_date", "Enter the next review date, like 2018-04-30")
    return {k: v for k, v in details.items() if v is not None}, errors


def latest_by_kind(records: Sequence[SignOffRecord]) -> dict[SignOffKind, SignOffRecord]:
    """Re-signing replaces an earlier row of the same kind; the last one counts."""
    return {record.kind: record for record in records}


def approval_problems(records: Sequence[SignOffRecord], current_hash: str, *,
                      needs_prior_consultation: bool) -> list[str]:
    """Why a revision cannot be approved yet (empty when it can).

    Approval needs the DPO's advice (UK GDPR Art. 35(2)), a review owner and date, reasons when the
    advice is overruled, the outcome of prior consultation when a residual risk is high (Art. 36 /
    DPA 2018 s.65), and every sign-off bound to the content as it is now.
    """
    latest = latest_by_kind(records)
    problems = [f"“{record.kind.label}” was signed for different content; the assessment has changed since, "
                "so it must be signed again" for record in latest.values() if record.content_hash != current_hash]
    advice = latest.get(SignOffKind.DPO_ADVICE)
    if advice is None:
        problems.append("Record the DPO's advice before approving")
    elif advice.details.get("recommendation") == Recommendation.DO_NOT_PROCEED:
        decision = latest.get(SignOffKind.ADVICE_DECISION)
        if decision is None or decision.details.get("decision") != AdviceDecision.OVERRULED:
            problems.append("The DPO advised not to proceed: record who overruled the advice and why")
    if SignOffKind.KEPT_UNDER_REVIEW not in latest:
        problems.append("Record who keeps the assessment under review and when it is next reviewed")
    if needs_prior_consultation:
        consultation = latest.get(SignOffKind.PRIOR_CONSULTATION)
        if consultation is None or not consultation.details.get("outcome"):
            problems.append("A residual risk is high: record the outcome of prior consultation with the "
                            "Information Commissioner (UK GDPR Art. 36 / DPA 2018 s.65)")
        elif consultation.details.get("outcome") == ConsultationOutcome.LIMITED_OR_BANNED:
            problems.append("The Commissioner limited or banned the processing; it cannot be approved as it is")
    return problems
