"""The CNIL import page's upload form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import Length

MAX_UPLOAD_BYTES = 4 * 1024 * 1024  # under the 5 MB a whole request may be


class CnilImportForm(FlaskForm):
    file = FileField(
        "CNIL export",
        description="The .json file exported by the CNIL PIA tool: a PIA or a structure, up to 4 MB",
        widget=GovFileInput(),
        validators=[
            FileRequired(message="Select the .json file exported by the CNIL PIA tool"),
            FileAllowed(["json"], message="The selected file must be a .json file exported by the CNIL PIA tool"),
            FileSize(max_size=MAX_UPLOAD_BYTES, message="The selected file must be smaller than 4 MB"),
        ],
    )
    team = StringField(
        "Team that owns an imported PIA (optional)",
        description="Created if it does not exist. Leave blank for “CNIL imports”. Not used for a structure.",
        widget=GovTextInput(),
        validators=[Length(max=200, message="The team name must be 200 characters or fewer")],
    )
    submit = SubmitField("Import", widget=GovSubmitInput())
