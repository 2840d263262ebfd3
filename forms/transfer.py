"""Forms of the administrators' transfer page: export an assessment, import an export file.

The file itself is checked by `dpia.transfer` (size, nesting, JSON, schema, hashes); the form only
asks for it, so the page and the command line give the same messages.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional


class ExportForm(FlaskForm):
    reference = StringField("Reference of the assessment to export", widget=GovTextInput(),
                            description="For example, DPIA-2017-004",
                            validators=[InputRequired(message="Enter the reference of the assessment to export"),
                                        Length(max=40, message="References are 40 characters or fewer")])
    start_export = SubmitField("Export", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    export_file = FileField("Export file", widget=GovFileInput(), description="A JSON file made by an export",
                     validators=[FileRequired(message="Select an export file to import")])
    new_reference = StringField("New reference (optional)", widget=GovTextInput(),
                            description="Leave empty to keep the file's own reference. Give one when that "
                                        "reference is already used here.",
                            validators=[Optional(), Length(max=40, message="References are 40 characters or fewer")])
    start_import = SubmitField("Import", widget=GovSubmitInput())
