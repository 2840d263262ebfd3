"""Forms for FOI requests: recording one, mapping an item, answering it, the reply and review, and the
s.22 check. Field names differ between forms that can share a page, so ids stay unique."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSelect, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from dpia.foi.rules import Answer, NcndProvision, ReviewOutcome
from dpia.publication.rules import Exemption
from forms import ThreePartDateField

TIME_HINT = "UK time, on the 24-hour clock, for example 14:05"
_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


def parse_time(text: str | None) -> time | None:
    match = _TIME.match(text or "")
    return time(int(match.group(1)), int(match.group(2))) if match else None


def _check_time(_form: Any, field: Any) -> None:
    if parse_time(field.data) is None:
        raise ValidationError("Enter the time as hours and minutes on the 24-hour clock, like 14:05")


def _time_field(label: str) -> StringField:
    return StringField(label, widget=GovTextInput(), description=TIME_HINT,
                       validators=[DataRequired(message="Enter the time the request was received"), _check_time])


class FoiRequestForm(FlaskForm):
    foi_reference = StringField("Request reference", widget=GovTextInput(),
                                validators=[DataRequired(message="Enter the request's reference"), Length(max=100)])
    received_on = ThreePartDateField("Date received", description="For example, 15 3 2018",
                                     validators=[InputRequired(message="Enter the date the request was received")])
    received_time = _time_field("Time received")
    requester_name = StringField("Requester's name", widget=GovTextInput(),
                                 description="Personal data: it appears only in the response letter.",
                                 validators=[DataRequired(message="Enter the requester's name"), Length(max=200)])
    request_text = TextAreaField("The request, as received", widget=GovTextArea(),
                                 validators=[DataRequired(message="Enter the request's text"), Length(max=20000)])
    revision = SelectField("Revision the request concerns", widget=GovSelect(), validate_choice=False,
                           validators=[DataRequired(message="Select the revision the request concerns")])
    item_lines = TextAreaField("Numbered items", widget=GovTextArea(),
                               description="One item of the request per line. You map each to the parts of the "
                                           "assessment it asks for next.",
                               validators=[Length(max=20000)])


class ItemForm(FlaskForm):
    item_text = TextAreaField("What this item asks for", widget=GovTextArea(),
                              validators=[DataRequired(message="Enter the item's text"), Length(max=5000)])
    parts = SelectMultipleField("Parts of the assessment it asks for", widget=GovCheckboxesInput(),
                                validate_choice=False, description="Select all that apply.")


class AnswerForm(FlaskForm):
    answer = RadioField("Answer", widget=GovRadioInput(), validate_choice=False,
                        choices=[SelectChoice(a.value, a.label) for a in Answer],
                        validators=[InputRequired(message="Select the answer")])
    published_url = StringField("Public link", widget=GovTextInput(), description="Only when already published.",
                                validators=[Length(max=500)])
    exemption = SelectField("Exemption", widget=GovSelect(), validate_choice=False,
                            choices=[SelectChoice("", "Only when withheld")]
                            + [SelectChoice(e.value, e.label) for e in Exemption])
    ncnd = SelectField("Neither-confirm-nor-deny provision", widget=GovSelect(), validate_choice=False,
                       choices=[SelectChoice("", "Only when neither confirmed nor denied")]
                       + [SelectChoice(p.value, p.label) for p in NcndProvision])
    pit_for = TextAreaField("Public interest arguments for disclosure", widget=GovTextArea(),
                            description="Required for a qualified exemption; not asked for s.21, s.23(1), s.40(2) "
                                        "or s.41.", validators=[Length(max=10000)])
    pit_against = TextAreaField("Public interest arguments for withholding", widget=GovTextArea(),
                                validators=[Length(max=10000)])
    pit_conclusion = TextAreaField("Conclusion of the public interest test", widget=GovTextArea(),
                                   validators=[Length(max=10000)])

    def validate_answer(self, field: Any) -> None:
        if field.data not in {a.value for a in Answer}:
            raise ValidationError("Select the answer")

    def validate_exemption(self, field: Any) -> None:
        if field.data and field.data not in {e.value for e in Exemption}:
            raise ValidationError("Select an exemption from the list")

    def validate_ncnd(self, field: Any) -> None:
        if field.data and field.data not in {p.value for p in NcndProvision}:
            raise ValidationError("Select a provision from the list")


class ProgressForm(FlaskForm):
    sent_on = ThreePartDateField("Date the reply was sent", validators=[Optional()])
    review_requested_on = ThreePartDateField("Date an internal review was requested", validators=[Optional()])
    review_outcome = SelectField("Outcome of the internal review", widget=GovSelect(), validate_choice=False,
                                 choices=[SelectChoice("", "No outcome yet")]
                                 + [SelectChoice(o.value, o.label) for o in ReviewOutcome])
    review_decided_on = ThreePartDateField("Date the internal review was decided", validators=[Optional()])

    def validate_review_outcome(self, field: Any) -> None:
        if field.data and field.data not in {o.value for o in ReviewOutcome}:
            raise ValidationError("Select an outcome from the list")


class S22ConclusionForm(FlaskForm):
    s22_conclusion = TextAreaField("Your conclusion: is withholding until publication reasonable in all the "
                                   "circumstances?", widget=GovTextArea(),
                                   validators=[DataRequired(message="Enter your conclusion"), Length(max=10000)])


class S22CheckForm(FlaskForm):
    """The s.22 page's own question, asked by GET (it changes nothing), so without a CSRF token."""

    class Meta:
        csrf = False

    received = ThreePartDateField("Date the request was received", description="For example, 15 3 2018",
                                  validators=[InputRequired(message="Enter the date the request was received")])
    time = _time_field("Time the request was received")
