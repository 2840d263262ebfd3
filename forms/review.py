"""Forms for starting and reviewing assessments: new assessments and revisions, comments, sign-off rows."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from dpia.domain.signoff import CONSULTATION_OUTCOME_LABELS, AdviceDecision, Recommendation
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


class SignOffForm(FlaskForm):
    """One form for every step-7 row; the page shows the fields that row needs."""

    kind = HiddenField()
    position = StringField("Your position", widget=GovTextInput(),
                           description="For example, Data Protection Officer or Senior Information Risk Owner")
    notes = TextAreaField("Notes (optional)", widget=GovTextArea())
    recommendation = RadioField("The DPO's recommendation", widget=GovRadioInput(), validate_choice=False,
                                choices=[SelectChoice(r.value, r.label) for r in Recommendation])
    summary = TextAreaField("Summary of the DPO's advice", widget=GovTextArea())
    decision = RadioField("Was the DPO's advice accepted?", widget=GovRadioInput(), validate_choice=False,
                          choices=[SelectChoice(AdviceDecision.ACCEPTED.value, "Accepted"),
                                   SelectChoice(AdviceDecision.OVERRULED.value, "Overruled")])
    reasons = TextAreaField("Reasons for overruling the advice", widget=GovTextArea())
    departs_from_views = RadioField("Does the decision depart from the views of the people consulted?",
                                    widget=GovRadioInput(), validate_choice=False,
                                    choices=[SelectChoice("no", "No"), SelectChoice("yes", "Yes")])
    departure_reasons = TextAreaField("Reasons for departing from their views", widget=GovTextArea())
    submitted_on = StringField("Date the consultation was sent", widget=GovTextInput(),
                               description="For example, 2017-05-02")
    outcome = RadioField("Outcome", widget=GovRadioInput(), validate_choice=False,
                         choices=[SelectChoice(k.value, v) for k, v in CONSULTATION_OUTCOME_LABELS.items()])
    next_review_date = StringField("Next review date", widget=GovTextInput(), description="For example, 2018-04-30")


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


class NewAssessmentForm(FlaskForm):
    """Starting an assessment: what it is about, whose it is, which law, which questionnaires."""

    title = StringField("Project title", widget=GovTextInput(),
                        validators=[DataRequired(message="Enter the project's title"),
                                    Length(max=300, message="Title must be 300 characters or fewer")])
    team_id = RadioField("Team", widget=GovRadioInput(), validate_choice=False,
                         validators=[InputRequired(message="Select the team that owns the assessment")])
    regime = RadioField("Which law applies?", widget=GovRadioInput(), validate_choice=False,
                        validators=[InputRequired(message="Select the law that applies")])
    add_ons = SelectMultipleField("Extra questions", widget=GovCheckboxesInput(), validate_choice=False,
                                  description="Add the questions for specific kinds of processing.")
