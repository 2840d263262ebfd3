"""Forms behind the e-mailed links: asking for a password reset, choosing a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from forms.accounts.own_account import PASSWORD_HINT


class ForgotPasswordForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[DataRequired(message="Enter your email address"),
                                    Length(max=254, message="Email address must be 254 characters or fewer")])
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class ChoosePasswordForm(FlaskForm):
    password = PasswordField(
        "Password", widget=GovPasswordInput(),
        description=PASSWORD_HINT,
        validators=[DataRequired(message="Enter a password")])
    submit = SubmitField("Save password", widget=GovSubmitInput())
