"""Forms for publication: the decision, slippage, redaction and carried-over proposals, scheduling and
withdrawal.

Field names differ between forms because several share one page, and ids must be unique.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from dpia.publication.rules import Exemption, Scope
from forms import ThreePartDateField

# A required select starts with an empty choice (valid HTML, and nothing is picked for the user).
EXEMPTION_CHOICES = [SelectChoice("", "Select the exemption"), *(SelectChoice(e.value, e.label) for e in Exemption)]
PLAN_HINT = "An exact date like 2018-06-30, a month like June 2018, a quarter like 2018-Q2, or 'not yet decided'"


class DecisionForm(FlaskForm):
    decided_on = ThreePartDateField("Date of the decision", description="For example, 12 12 2017",
                                    validators=[InputRequired(message="Enter the date of the decision")])
    decided_by = StringField("Decided by", widget=GovTextInput(), description="A person or a body, e.g. the DPO",
                             validators=[DataRequired(message="Enter who decided"), Length(max=200)])
    scope = RadioField("What will be published?", widget=GovRadioInput(), validate_choice=False,
                       choices=[SelectChoice(s.value, s.label) for s in Scope],
                       validators=[InputRequired(message="Select what will be published")])
    planned = StringField("Planned publication", widget=GovTextInput(), description=PLAN_HINT,
                          validators=[DataRequired(message="Enter the planned publication date"), Length(max=40)])
    channel = StringField("Where", widget=GovTextInput(), description="For example, the force's publication scheme",
                          validators=[DataRequired(message="Enter where it will be published"), Length(max=300)])


class SlippageForm(FlaskForm):
    slip_reason = TextAreaField("Why did publication slip?", widget=GovTextArea(),
                                validators=[DataRequired(message="Say why publication slipped"), Length(max=5000)])
    slip_planned = StringField("New planned publication", widget=GovTextInput(), description=PLAN_HINT,
                               validators=[DataRequired(message="Enter the new planned date"), Length(max=40)])


class RedactionForm(FlaskForm):
    target = SelectField("Part to withhold", widget=GovSelect(), validate_choice=False,
                         validators=[DataRequired(message="Select the part to withhold")])
    exemption = SelectField("FOI Act exemption", widget=GovSelect(), validate_choice=False,
                            choices=EXEMPTION_CHOICES,
                            validators=[DataRequired(message="Select the exemption")])
    redaction_reason = TextAreaField("Why the exemption applies", widget=GovTextArea(),
                                     description="The public sees this reason in place of the withheld part.",
                                     validators=[DataRequired(message="Give the reason the exemption applies"),
                                                 Length(max=2000)])


class ProposalForm(FlaskForm):
    """Confirm a redaction carried over from an earlier revision, with its exemption and reason as they
    stand or changed. Each proposal on the page gets its own prefix (`proposal-<id>`), so ids stay unique."""

    exemption = SelectField("FOI Act exemption", widget=GovSelect(), validate_choice=False,
                            choices=EXEMPTION_CHOICES,
                            validators=[DataRequired(message="Select the exemption")])
    reason = TextAreaField("Why the exemption applies", widget=GovTextArea(),
                           description="The public sees this reason in place of the withheld part.",
                           validators=[DataRequired(message="Give the reason the exemption applies"),
                                       Length(max=2000)])


def proposal_form(redaction_id: int, **kwargs: object) -> ProposalForm:
    """The confirmation form of one proposal (`formdata=None` with `obj=` to show it as carried over)."""
    return ProposalForm(prefix=f"proposal-{redaction_id}", **kwargs)


class ScheduleForm(FlaskForm):
    publish_date = ThreePartDateField("Publication date", description="For example, 1 6 2018",
                                      validators=[InputRequired(message="Enter the publication date")])
    publish_time = StringField("Time (UK time)", widget=GovTextInput(), description="24-hour clock, like 09:30",
                               validators=[DataRequired(message="Enter the publication time")])


class WithdrawForm(FlaskForm):
    withdraw_reason = TextAreaField("Why is it being withdrawn?", widget=GovTextArea(),
                                    description="The public sees this reason.",
                                    validators=[DataRequired(message="Give the reason for withdrawing it"),
                                                Length(max=2000)])
