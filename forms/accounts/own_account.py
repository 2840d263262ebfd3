"""Forms on a person's own account pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from dpia.accounts.rules import MAX_LENGTH, MIN_LENGTH

PASSWORD_HINT = f"Use {MIN_LENGTH} characters or more. A few unrelated words are easy to remember and hard to guess."


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your current password"),
                    Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer")])
    new_password = PasswordField(
        "New password", widget=GovPasswordInput(),
        description=PASSWORD_HINT,
        validators=[DataRequired(message="Enter a new password")])
    submit = SubmitField("Change password", widget=GovSubmitInput())


class SessionActionForm(FlaskForm):
    """Signing a session out is a POST with a CSRF token."""
