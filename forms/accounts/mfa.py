"""Forms for the second factor: the code at sign-in, a recovery code, enrolment, and re-authentication."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from dpia.accounts.rules import MAX_LENGTH

_SIX_DIGITS = Regexp(r"^\s*(\d\s*){6}$", message="The code must be 6 digits, like 123456")


def _code_field(label: str, hint: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        validators=[DataRequired(message="Enter the 6-digit code from your authenticator app"),
                    Length(max=20, message="The code must be 6 digits, like 123456"), _SIX_DIGITS],
    )


class TwoFactorForm(FlaskForm):
    code = _code_field("Code from your authenticator app",
                       "Open the authenticator app on your phone and enter the 6-digit code it shows for this service.")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    recovery_code = StringField(
        "Recovery code",
        widget=GovTextInput(),
        description="One of the 10 recovery codes you saved when you set up two-factor authentication, "
                    "like abcde-fghjk. Each code works once.",
        validators=[DataRequired(message="Enter one of your recovery codes"),
                    Length(max=40, message="Recovery codes are 10 letters and numbers, like abcde-fghjk")],
    )
    submit_recovery = SubmitField("Use recovery code", widget=GovSubmitInput())


class EnrolmentForm(FlaskForm):
    code = _code_field("Code from your authenticator app",
                       "After adding this service to your app, enter the 6-digit code it shows.")
    submit = SubmitField("Confirm and set up", widget=GovSubmitInput())


class StartEnrolmentForm(FlaskForm):
    """Re-enrolling (a new phone) starts with a POST, so another site cannot start it."""

    submit = SubmitField("Set up a new authenticator app", widget=GovSubmitInput())


class ReauthenticationForm(FlaskForm):
    """The password (and a code, when enrolled) before a sensitive action.

    No CSRF field of its own: the original form's token travels with the other hidden fields, and
    CSRFProtect checks it on every POST.
    """

    class Meta:
        csrf = False

    reauth_password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your password"),
                    Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer")],
    )
    # Removed by the view for a person without a second factor.
    reauth_code = _code_field("Code from your authenticator app", "The 6-digit code your authenticator app shows now.")
    reauth_submit = SubmitField("Confirm and continue", widget=GovSubmitInput())
