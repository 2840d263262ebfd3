"""Sign-in form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from dpia.accounts.rules import MAX_LENGTH


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter your email address"),
                    Length(max=254, message="Email address must be 254 characters or fewer")],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your password"),
                    Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer")],
    )
    next = HiddenField()
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SignOutForm(FlaskForm):
    """Sign-out is a POST with a CSRF token, so another site cannot sign people out."""

    submit = SubmitField("Sign out")
