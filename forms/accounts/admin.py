"""Administrators' forms for accounts and teams. None of them has a password field: an administrator
never chooses someone else's password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _name_field() -> StringField:
    return StringField("Full name", widget=GovTextInput(), filters=[_strip],
                       validators=[DataRequired(message="Enter the person's full name"),
                                   Length(max=200, message="Name must be 200 characters or fewer")])


def _roles_field() -> SelectMultipleField:
    return SelectMultipleField("Roles", widget=GovCheckboxesInput(), description="Select all that apply.",
                               validators=[DataRequired(message="Select at least one role")])


def _teams_field() -> SelectMultipleField:
    return SelectMultipleField("Teams", widget=GovCheckboxesInput(),
                               description="The teams whose assessments this person works on. Select all that apply.")


class InviteUserForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(), filters=[_strip],
                        description="We will send an invitation to this address.",
                        validators=[DataRequired(message="Enter an email address"),
                                    Length(max=254, message="Email address must be 254 characters or fewer"),
                                    Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                           message="Enter an email address in the correct format, like "
                                                   "name@example.org")])
    name = _name_field()
    roles = _roles_field()
    teams = _teams_field()
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class EditUserForm(FlaskForm):
    name = _name_field()
    roles = _roles_field()
    teams = _teams_field()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class TeamForm(FlaskForm):
    name = StringField("Team name", widget=GovTextInput(),
                       validators=[DataRequired(message="Enter the team name"),
                                   Length(max=200, message="Team name must be 200 characters or fewer")])
    submit = SubmitField("Save", widget=GovSubmitInput())


class AccountActionForm(FlaskForm):
    """A button that changes an account (deactivate, sign out everywhere...): a POST with a CSRF token."""
