"""Transfer pages: the export format's JSON Schema (public), and the administrators' export and import page.

The page's forms call the same services as `flask dpia export` and `flask dpia import`, so a refused
file gets the same message in both places.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from dpia.core import clock
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.hashing import canonical_json
from dpia.core.permissions import require
from dpia.core.transaction import attempt
from dpia.permissions import can_transfer
from dpia.transfer.rules.reading import DEFAULT_MAX_BYTES, too_large_message
from dpia.transfer.rules.schema import export_schema as schema_document
from dpia.transfer.services.export import export_assessment
from dpia.transfer.services.importer import ImportRefused, import_assessment
from forms.transfer import ExportForm, ImportForm

bp = Blueprint("transfer", __name__)

IMPORT_ENDPOINT = "transfer.import_assessment"
FORM_ALLOWANCE = 64 * 1024  # the other fields and the multipart framing around the file


def max_bytes() -> int:
    return int(current_app.config.get("TRANSFER_MAX_BYTES", DEFAULT_MAX_BYTES))


@bp.url_value_preprocessor
def allow_large_files(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """The import takes files up to TRANSFER_MAX_BYTES; elsewhere the app's smaller limit holds. Set
    before anything (CSRF, the NUL check) reads the form."""
    if endpoint == IMPORT_ENDPOINT and request.method == "POST":
        request.max_content_length = max_bytes() + FORM_ALLOWANCE


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    if request.endpoint != IMPORT_ENDPOINT or not can_transfer(current_user):
        return error
    # The body was refused unread: the page's other forms (the header's sign-out) must see it as empty
    # rather than try to read it again and fail the same way.
    request.__dict__.update(form=ImmutableMultiDict(), files=ImmutableMultiDict())
    import_form = ImportForm(formdata=None)
    size = max(request.content_length or 0, max_bytes() + 1)  # past the limit, or it would not be here
    import_form.export_file.errors = [too_large_message(size, max_bytes())]
    return _page(export_form=ExportForm(formdata=None), import_form=import_form, status=413)


@bp.route("/api/schema/assessment-export.json")
def export_schema():
    """The JSON Schema of the export format (public: it describes the format, not any data)."""
    response = Response(canonical_json(schema_document()), mimetype="application/schema+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _page(*, export_form: ExportForm | None = None, import_form: ImportForm | None = None, status: int = 200):
    return render_template("transfer/index.html", export_form=export_form or ExportForm(),
                           import_form=import_form or ImportForm(),
                           limit_mb=max_bytes() // (1024 * 1024)), status


@bp.route("/admin/transfer")
def index():
    require(can_transfer(current_user))
    return _page()


@bp.route("/admin/transfer/export", methods=["POST"])
def export():
    require(can_transfer(current_user))
    form = ExportForm()
    if form.validate_on_submit():
        reference = form.reference.data.strip()
        try:
            with attempt():
                data = export_assessment(actor=current_user._get_current_object(), now=clock.now(),
                                         reference=reference)
        except (NotFoundError, ValidationError) as error:
            form.reference.errors = [str(error)]
        else:
            return Response(data, mimetype="application/json", headers={
                "Content-Disposition": f'attachment; filename="{reference}.json"',
                "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
    return _page(export_form=form, status=400)


@bp.route("/admin/transfer/import", methods=["POST"], endpoint="import_assessment")
def import_assessment_page():
    require(can_transfer(current_user))
    form = ImportForm()
    if form.validate_on_submit():
        data = form.export_file.data.stream.read(max_bytes() + 1)
        try:
            with attempt():
                result = import_assessment(actor=current_user._get_current_object(), now=clock.now(), data=data,
                                           reference=form.new_reference.data, max_bytes=max_bytes())
        except ImportRefused as error:
            (form.new_reference if error.about == "reference" else form.export_file).errors = [str(error)]
        except ValidationError as error:
            form.export_file.errors = [str(error)]
        else:
            reference = result.assessment.reference
            flash(f"Imported as {reference}", "success")
            return redirect(url_for("assessments.show", reference=reference))
    return _page(import_form=form, status=400)
