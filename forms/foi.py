"""Forms for FOI requests."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from forms import ThreePartDateField


class FoiRequestForm(FlaskForm):
    foi_reference = StringField("Request reference", widget=GovTextInput(),
                                validators=[DataRequired(message="Enter the request's reference"), Length(max=100)])
    received_on = ThreePartDateField("Date received", description="For example, 15 3 2018",
                                     validators=[InputRequired(message="Enter the date the request was received")])
    foi_summary = TextAreaField("What was asked for", widget=GovTextArea(), validators=[Length(max=5000)])
