"""Forms for reviewing assessments: confirmations, requested changes, comments, sign-off rows, new revisions."""

from __future__ import annotations

import enum
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import Field
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from dpia.review.rules.sign_off import SIGN_OFF_KINDS, FieldType, SignOffField
from forms import ThreePartDateField


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token and an optional note."""

    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])


class RequestChangesForm(FlaskForm):
    note = TextAreaField("What needs to change?", widget=GovTextArea(),
                         validators=[DataRequired(message="Say what needs to change"), Length(max=5000)],
                         description="The author sees this as a comment on the revision.")


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", widget=GovTextArea(),
                         validators=[DataRequired(message="Enter a comment"),
                                     Length(max=5000, message="Comments must be 5,000 characters or fewer")])
    question_key = SelectField("About", widget=GovSelect(), validate_choice=False)
    parent_id = HiddenField()


def _sign_off_input(field: SignOffField) -> Field:
    """The form field for one thing a sign-off row records, as the kinds table describes it."""
    hint = field.hint or ""
    if field.type is FieldType.TEXT:
        return TextAreaField(field.label, widget=GovTextArea(), description=hint)
    if field.type is FieldType.DATE:
        # Empty boxes pass here: the sign-off rules say whether this row needs the date.
        return ThreePartDateField(field.label, description=hint, validators=[Optional()],
                                  invalid_message=f"{field.label} must be a real date, like 30 4 2018")
    options = (("no", "No"), ("yes", "Yes")) if field.type is FieldType.YES_NO else field.options
    return RadioField(field.label, widget=GovRadioInput(), validate_choice=False, description=hint,
                      choices=[SelectChoice(value, label) for value, label in options])


# One form for every step-7 row; the page shows the fields of the row being signed.
SignOffForm = type("SignOffForm", (FlaskForm,), {
    "kind": HiddenField(),
    "position": StringField("Your position", widget=GovTextInput(),
                            description="For example, Data Protection Officer or Senior Information Risk Owner"),
    **{field.name: _sign_off_input(field) for spec in SIGN_OFF_KINDS.values() for field in spec.fields},
    "notes": TextAreaField("Notes (optional)", widget=GovTextArea()),
})


CONDITION_ROWS = 3  # rows offered for conditions of approval; more can be given by approving again later


class Outcome(enum.StrEnum):
    """The approver's decision."""

    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    REJECT = "reject"


OUTCOME_LABELS = {Outcome.APPROVE: "Approve", Outcome.APPROVE_WITH_CONDITIONS: "Approve with conditions",
                  Outcome.REJECT: "Reject"}


def _condition_fields(number: int) -> dict[str, Field]:
    return {
        f"condition_{number}_action": TextAreaField(f"Condition {number}: what must be done", widget=GovTextArea(),
                                                    validators=[Optional(), Length(max=2000)]),
        f"condition_{number}_owner": StringField(f"Condition {number}: who owns it", widget=GovTextInput(),
                                                 description="A person or a role",
                                                 validators=[Optional(), Length(max=200)]),
        f"condition_{number}_due": ThreePartDateField(f"Condition {number}: due by",
                                                      description="For example, 31 3 2018", validators=[Optional()]),
    }


# The approver's decision: approve, approve with conditions (each an action with an owner and a due date),
# or reject with reasons.
DecisionForm = type("DecisionForm", (FlaskForm,), {
    "outcome": RadioField("Your decision", widget=GovRadioInput(), validate_choice=False,
                          choices=[SelectChoice(o.value, label) for o, label in OUTCOME_LABELS.items()],
                          validators=[InputRequired(message="Select your decision")]),
    **{name: field for number in range(1, CONDITION_ROWS + 1) for name, field in _condition_fields(number).items()},
    "note": TextAreaField("Reasons", widget=GovTextArea(), validators=[Optional(), Length(max=5000)],
                          description="Required when you reject the revision. The team sees this as a comment."),
})


def typed_conditions(form: FlaskForm) -> list[tuple[str, str, date | None]]:
    """(action, owner, due date) of each condition row the approver filled in; a wholly empty row is none."""
    rows = []
    for number in range(1, CONDITION_ROWS + 1):
        action, owner = (form[f"condition_{number}_{part}"].data or "" for part in ("action", "owner"))
        due = form[f"condition_{number}_due"].data
        if action.strip() or owner.strip() or due:
            rows.append((action, owner, due))
    return rows


def outcome_mismatch(outcome: Outcome, has_conditions: bool) -> str | None:
    """The message when the chosen outcome and the conditions typed contradict each other."""
    if outcome is Outcome.APPROVE_WITH_CONDITIONS and not has_conditions:
        return "Give at least one condition, or choose “Approve”"
    if outcome is not Outcome.APPROVE_WITH_CONDITIONS and has_conditions:
        return ("You gave conditions: choose “Approve with conditions”, or clear them"
                if outcome is Outcome.APPROVE else "A rejection has no conditions: clear them, or approve with them")
    return None


class NewRevisionForm(FlaskForm):
    rationale = TextAreaField("Why is the assessment being revised?", widget=GovTextArea(),
                              validators=[DataRequired(message="Explain why the assessment is being revised"),
                                          Length(max=5000)])
    decision = TextAreaField("Decision", widget=GovTextArea(),
                             description="For example, alert images are kept for 30 days and then deleted",
                             validators=[DataRequired(message="Describe the decision that led to this revision"),
                                         Length(max=5000)])
    decided_on = ThreePartDateField("Date of the decision", description="For example, 16 10 2017",
                           validators=[InputRequired(message="Enter the date of the decision as day, month and year")])
    made_by = StringField("Made by", widget=GovTextInput(),
                          validators=[DataRequired(message="Enter who made the decision"), Length(max=200)])
    forum = StringField("Where it was made", widget=GovTextInput(), description="For example, the project board",
                        validators=[DataRequired(message="Enter where the decision was made"), Length(max=200)])
