"""The ICO step-7 sign-off rows, what each records, and when a revision may be approved."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dpia.accounts.rules import Role
from dpia.assessments.rules.completeness import Blocker
from dpia.core.dates import day_label


class SignOffKind(enum.StrEnum):
    MEASURES_APPROVED = "measures_approved"
    RESIDUAL_RISKS_APPROVED = "residual_risks_approved"
    DPO_ADVICE = "dpo_advice"
    ADVICE_DECISION = "advice_decision"
    CONSULTATION_REVIEWED = "consultation_reviewed"
    PRIOR_CONSULTATION = "prior_consultation"
    KEPT_UNDER_REVIEW = "kept_under_review"
    SCREENING_DECISION = "screening_decision"  # a screening record: no assessment required

    @property
    def spec(self) -> SignOffSpec:
        return SIGN_OFF_KINDS[self]

    @property
    def label(self) -> str:
        return self.spec.label


class Recommendation(enum.StrEnum):
    PROCEED = "proceed"
    PROCEED_WITH_CONDITIONS = "proceed_with_conditions"
    DO_NOT_PROCEED = "do_not_proceed"


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


class FieldType(enum.StrEnum):
    TEXT = "text"  # Markdown
    CHOICE = "choice"  # one of `options`
    YES_NO = "yes_no"  # stored as a boolean; "no" when left alone
    DATE = "date"  # typed as day, month and year; stored as YYYY-MM-DD


TEXT_MAX = 20_000


@dataclass(frozen=True)
class SignOffField:
    """One thing a sign-off row records, described once for the form, the page and the documents.

    :param required: the message when it is missing.
    :param required_when: (other field, value): required only when the other field has that value.
    :param shown: the words for a stored value on the sign-off page and in documents, e.g.
        "Recommendation: Proceed" (None shows Markdown text as it is).
    :param published: whether that line appears in documents (public ones included).
    """

    name: str
    label: str
    type: FieldType
    options: tuple[tuple[str, str], ...] = ()
    required: str | None = None
    required_when: tuple[str, str] | None = None
    hint: str | None = None
    inline: bool = False
    rows: int = 4
    shown: Callable[[Any], str] | None = None
    published: bool = False

    @property
    def is_text(self) -> bool:
        return self.type is FieldType.TEXT

    @property
    def is_date(self) -> bool:
        return self.type is FieldType.DATE

    @property
    def is_choice(self) -> bool:
        return self.type in (FieldType.CHOICE, FieldType.YES_NO)

    def line(self, details: Mapping[str, Any]) -> str | None:
        """The stored value in words, or None when there is nothing to show in one line."""
        if self.name not in details or self.shown is None:
            return None
        return self.shown(details[self.name])


@dataclass(frozen=True)
class SignOffSpec:
    """A row of the ICO step-7 table: its wording, what it records, and who may record it."""

    kind: SignOffKind
    label: str
    recorded_by: frozenset[Role]
    fields: tuple[SignOffField, ...] = ()

    def published_lines(self, details: Mapping[str, Any]) -> list[str]:
        """The lines documents print for a stored row (the page shows every field)."""
        return [line for f in self.fields if f.published and (line := f.line(details))]


def _day_words(stored: Any) -> str:
    """A stored YYYY-MM-DD date as people write it (30 April 2018); anything else as it is."""
    try:
        return day_label(date.fromisoformat(str(stored)))
    except ValueError:
        return str(stored)


def _choice_line(prefix: str, options: tuple[tuple[str, str], ...]) -> Callable[[Any], str]:
    return lambda value: f"{prefix}{dict(options).get(str(value), str(value))}"


RECOMMENDATIONS = ((Recommendation.PROCEED.value, "Proceed"),
                   (Recommendation.PROCEED_WITH_CONDITIONS.value, "Proceed with conditions"),
                   (Recommendation.DO_NOT_PROCEED.value, "Do not proceed"))
ADVICE_DECISIONS = ((AdviceDecision.ACCEPTED.value, "Accepted"), (AdviceDecision.OVERRULED.value, "Overruled"))
CONSULTATION_OUTCOMES = (
    (ConsultationOutcome.ADVICE_RECEIVED.value, "Written advice received"),
    (ConsultationOutcome.NO_OBJECTION.value, "No objection"),
    (ConsultationOutcome.WARNING.value, "Warning given"),
    (ConsultationOutcome.LIMITED_OR_BANNED.value, "Processing limited or banned"),
    (ConsultationOutcome.WITHDRAWN.value, "Consultation withdrawn"),
)

# The one description of every sign-off kind: the form, the sign-off page and the documents loop over it.
SIGN_OFF_KINDS: dict[SignOffKind, SignOffSpec] = {spec.kind: spec for spec in (
    # The accountable owner accepts the measures and what risk remains; a reviewer may record it for them.
    SignOffSpec(SignOffKind.MEASURES_APPROVED, "Measures approved by", frozenset({Role.APPROVER, Role.REVIEWER})),
    SignOffSpec(SignOffKind.RESIDUAL_RISKS_APPROVED, "Residual risks approved by",
                frozenset({Role.APPROVER, Role.REVIEWER})),
    # The DPO advises (UK GDPR Art. 35(2)); the approver accepts or overrules that advice.
    SignOffSpec(SignOffKind.DPO_ADVICE, "DPO advice provided", frozenset({Role.DPO}), fields=(
        SignOffField("recommendation", "The DPO's recommendation", FieldType.CHOICE, RECOMMENDATIONS,
                     required="Select the DPO's recommendation",
                     shown=_choice_line("Recommendation: ", RECOMMENDATIONS), published=True),
        SignOffField("summary", "Summary of the DPO's advice", FieldType.TEXT, required="Summarise the DPO's advice",
                     rows=5),
    )),
    SignOffSpec(SignOffKind.ADVICE_DECISION, "DPO advice accepted or overruled by", frozenset({Role.APPROVER}), fields=(
        SignOffField("decision", "Was the DPO's advice accepted?", FieldType.CHOICE, ADVICE_DECISIONS,
                     required="Select whether the advice was accepted or overruled", inline=True,
                     shown=lambda value: f"Advice {value}", published=True),
        SignOffField("reasons", "Reasons for overruling the advice", FieldType.TEXT,
                     required="Give the reasons for overruling the DPO's advice",
                     required_when=("decision", AdviceDecision.OVERRULED.value),
                     hint="Required when the advice is overruled."),
    )),
    SignOffSpec(SignOffKind.CONSULTATION_REVIEWED, "Consultation responses reviewed by",
                frozenset({Role.APPROVER, Role.REVIEWER, Role.DPO}), fields=(
        SignOffField("departs_from_views", "Does the decision depart from the views of the people consulted?",
                     FieldType.YES_NO, inline=True,
                     shown=lambda departs: ("Departs from the views of those consulted" if departs
                                            else "In line with the views of those consulted")),
        SignOffField("departure_reasons", "Reasons for departing from their views", FieldType.TEXT,
                     required="Give the reasons for departing from the views of the people consulted",
                     required_when=("departs_from_views", "yes"),
                     hint="Required when the decision departs from their views."),
    )),
    SignOffSpec(SignOffKind.PRIOR_CONSULTATION, "Prior consultation with the Information Commissioner",
                frozenset({Role.DPO, Role.APPROVER}), fields=(
        SignOffField("submitted_on", "Date the consultation was sent", FieldType.DATE,
                     required="Enter the date the consultation was sent as day, month and year",
                     hint="For example, 2 5 2017", shown=lambda day: f"Sent {_day_words(day)}"),
        SignOffField("outcome", "Outcome", FieldType.CHOICE, CONSULTATION_OUTCOMES,
                     required="Select the outcome of the consultation",
                     shown=_choice_line("Outcome: ", CONSULTATION_OUTCOMES)),
    )),
    SignOffSpec(SignOffKind.KEPT_UNDER_REVIEW, "This assessment will be kept under review by",
                frozenset({Role.DPO, Role.REVIEWER, Role.APPROVER}), fields=(
        SignOffField("next_review_date", "Next review date", FieldType.DATE,
                     required="Enter the next review date as day, month and year", hint="For example, 30 4 2018",
                     shown=lambda day: f"Next review: {_day_words(day)}", published=True),
    )),
    # A screening record (no assessment required) is signed off by a DPO, with the reasons.
    SignOffSpec(SignOffKind.SCREENING_DECISION, "Screening outcome agreed by", frozenset({Role.DPO}), fields=(
        SignOffField("screening_reasons", "Why no assessment is required", FieldType.TEXT, rows=5,
                     required="Give the reasons no assessment is required"),
    )),
)}

# The rows approval of a full assessment needs, in the order of the ICO's step 7 (consultation responses
# and prior consultation only when they apply); a screening record needs only the screening decision.
FULL_ASSESSMENT_KINDS = (SignOffKind.MEASURES_APPROVED, SignOffKind.RESIDUAL_RISKS_APPROVED, SignOffKind.DPO_ADVICE,
                         SignOffKind.ADVICE_DECISION, SignOffKind.CONSULTATION_REVIEWED,
                         SignOffKind.PRIOR_CONSULTATION, SignOffKind.KEPT_UNDER_REVIEW)
SCREENING_RECORD_KINDS = (SignOffKind.SCREENING_DECISION,)


# Why a row is needed, where it is not plain from the ICO's step 7 itself.
MISSING_WORDS = {
    SignOffKind.PRIOR_CONSULTATION: "A residual risk is still high, so record the outcome of prior consultation with "
                                    "the Information Commissioner (UK GDPR Art. 36 / DPA 2018 s.65)",
    SignOffKind.CONSULTATION_REVIEWED: "Views were sought, so record who reviewed the consultation responses",
    SignOffKind.DPO_ADVICE: "Record the DPO's advice (UK GDPR Art. 35(2))",
}


def kinds_for(*, screening_only: bool) -> tuple[SignOffKind, ...]:
    """The sign-off rows a revision has: the full step-7 table, or a screening record's one row."""
    return SCREENING_RECORD_KINDS if screening_only else FULL_ASSESSMENT_KINDS


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
    for field in kind.spec.fields:
        value, error = _clean_field(field, raw)
        if error is None and value is None and field.required:
            condition = field.required_when
            if condition is None or str(raw.get(condition[0]) or "") == condition[1]:
                error = field.required
        if error:
            errors[field.name] = error
        elif value is not None:
            details[field.name] = value
    return details, errors


def _clean_field(field: SignOffField, raw: Mapping[str, Any]) -> tuple[Any, str | None]:
    """(stored value or None, error or None) for one field, before the required checks."""
    value = raw.get(field.name)
    if field.type is FieldType.YES_NO:
        return str(value or "") == "yes", None
    if field.type is FieldType.DATE:
        if isinstance(value, date):
            return value.isoformat(), None
        try:
            return date.fromisoformat(str(value or "")).isoformat(), None
        except ValueError:
            return None, field.required
    text = str(value or "").strip()
    if field.type is FieldType.CHOICE:
        return (text, None) if text in dict(field.options) else (None, None)
    if len(text) > TEXT_MAX:
        return None, f"Keep this to {TEXT_MAX:,} characters or fewer"
    return text or None, None


def latest_by_kind(records: Sequence[SignOffRecord]) -> dict[SignOffKind, SignOffRecord]:
    """Re-signing replaces an earlier row of the same kind; the last one counts."""
    return {record.kind: record for record in records}


def approval_problems(records: Sequence[SignOffRecord], current_hash: str, *, needs_prior_consultation: bool,
                      views_sought: bool = False, screening_only: bool = False) -> list[Blocker]:
    """Why a revision cannot be approved yet (empty when it can), each naming the sign-off row to record.

    A full assessment needs every step-7 row: measures and residual risks approved, the DPO's advice
    (UK GDPR Art. 35(2)), the advice accepted or overruled (with reasons when overruled), consultation
    responses reviewed when views were sought, the outcome of prior consultation when a residual risk is
    high (Art. 36 / DPA 2018 s.65), and who keeps it under review. A screening record needs the DPO's
    agreement that no assessment is required. Every row must be bound to the content as it is now.
    """
    latest = latest_by_kind(records)
    needed = [kind for kind in kinds_for(screening_only=screening_only)
              if not (kind is SignOffKind.CONSULTATION_REVIEWED and not views_sought)
              and not (kind is SignOffKind.PRIOR_CONSULTATION and not needs_prior_consultation)]
    problems = [Blocker(f"“{record.kind.label}” was signed for different content; the assessment has changed since, "
                        "so it must be signed again", sign_off=record.kind.value)
                for kind, record in latest.items() if kind in needed and record.content_hash != current_hash]
    for kind in needed:
        if kind not in latest:
            problems.append(Blocker(MISSING_WORDS.get(kind, f"Record “{kind.label}”"), sign_off=kind.value))
    advice, decision = latest.get(SignOffKind.DPO_ADVICE), latest.get(SignOffKind.ADVICE_DECISION)
    if (not screening_only and advice is not None and decision is not None
            and advice.details.get("recommendation") == Recommendation.DO_NOT_PROCEED
            and decision.details.get("decision") != AdviceDecision.OVERRULED):
        problems.append(Blocker("The DPO advised not to proceed and the advice was accepted: the revision can "
                                "only be rejected, or the advice overruled with reasons",
                                sign_off=SignOffKind.ADVICE_DECISION.value))
    consultation = latest.get(SignOffKind.PRIOR_CONSULTATION)
    if (SignOffKind.PRIOR_CONSULTATION in needed and consultation is not None
            and consultation.details.get("outcome") == ConsultationOutcome.LIMITED_OR_BANNED):
        problems.append(Blocker("The Commissioner limited or banned the processing; it cannot be approved as it is",
                                sign_off=SignOffKind.PRIOR_CONSULTATION.value))
    return problems
