"""Forms for evidence files: upload, removal, and the DPO's publication choice.

The file itself is checked by `dpia.attachments.rules` (by its content); the form only asks for it.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSelect, GovTextArea
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from dpia.attachments.rules import Choice
from forms.publication import EXEMPTION_CHOICES


class UploadForm(FlaskForm):
    evidence_file = FileField("Upload a file", widget=GovFileInput(),
                              validators=[FileRequired(message="Select a file to upload")])
    question = SelectField("What is it evidence for?", widget=GovSelect(), validate_choice=False)
    description = TextAreaField("Describe the file (optional)", widget=GovTextArea(),
                                description="For example, the equality impact assessment of March 2017",
                                validators=[Optional(), Length(max=2000, message="Describe the file in 2,000 "
                                                                                 "characters or fewer")])


class RemoveForm(FlaskForm):
    """Only the CSRF token: which file is removed is in the address."""


class PublicationForm(FlaskForm):
    choice = RadioField("Is this file published with the revision?", widget=GovRadioInput(), validate_choice=False,
                        choices=[SelectChoice(c.value, c.label) for c in Choice],
                        validators=[InputRequired(message="Select whether to publish or withhold the file")])
    exemption = SelectField("FOI Act exemption (if withheld)", widget=GovSelect(), validate_choice=False,
                            choices=EXEMPTION_CHOICES)
    reason = TextAreaField("Why the exemption applies (if withheld)", widget=GovTextArea(),
                           description="The public sees this reason in place of the file; never its name.",
                           validators=[Optional(), Length(max=2000)])
