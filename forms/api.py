"""The personal access token pages' forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

import forms  # noqa: F401 - every form module imports the package first (CSRF token without an id)
from dpia.api.rules import DEFAULT_EXPIRY_DAYS, EXPIRY_CHOICES_DAYS, MAX_NAME_LENGTH, Scope


class NewTokenForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(),
                       description="What will use it, so you can tell your tokens apart. "
                                   "For example, intranet register.",
                       validators=[DataRequired(message="Enter a name for the token"),
                                   Length(max=MAX_NAME_LENGTH,
                                          message=f"The name must be {MAX_NAME_LENGTH} characters or fewer")])
    scopes = SelectMultipleField("What it may read", widget=GovCheckboxesInput(),
                                 choices=[SelectChoice(scope.value, scope.label) for scope in Scope],
                                 description="Select all that apply. Tokens only ever read.",
                                 validators=[DataRequired(message="Select what the token may read")])
    days = RadioField("When it expires", widget=GovRadioInput(), default=str(DEFAULT_EXPIRY_DAYS),
                      description="Choose the shortest time the system needs. You can make a new token later.",
                      choices=[SelectChoice(str(days), f"In {days} days") for days in EXPIRY_CHOICES_DAYS],
                      validators=[DataRequired(message="Select when the token expires")])
    submit = SubmitField("Create token", widget=GovSubmitInput())


class RevokeTokenForm(FlaskForm):
    """Revoking a token is a POST with a CSRF token."""
