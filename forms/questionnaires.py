"""Administration forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import StopValidation

# Far above any real definition (the built-in one is a few kilobytes) and well below the 5 MB the
# application accepts for a whole request.
MAX_DEFINITION_BYTES = 512 * 1024


class UploadQuestionnaireForm(FlaskForm):
    file = FileField(
        "Questionnaire definition",
        description="A YAML file (.yaml or .yml), up to 512 KB",
        widget=GovFileInput(),
        validators=[
            FileRequired(message="Select a questionnaire definition file"),
            FileAllowed(["yaml", "yml"], message="The selected file must be a YAML file (.yaml or .yml)"),
            FileSize(max_size=MAX_DEFINITION_BYTES, message="The selected file must be smaller than 512 KB"),
        ],
    )
    submit = SubmitField("Upload", widget=GovSubmitInput())

    def validate_file(self, field: FileField) -> None:
        """The definition must be UTF-8 text and not empty."""
        stream = field.data.stream
        content = stream.read()
        stream.seek(0)
        if not content.strip():
            raise StopValidation("The selected file is empty")
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise StopValidation("The selected file must be UTF-8 text") from error

    @property
    def text(self) -> str:
        """The uploaded definition as text; only call after the form has validated."""
        stream = self.file.data.stream
        content = stream.read()
        stream.seek(0)
        return content.decode("utf-8").removeprefix("\ufeff")
