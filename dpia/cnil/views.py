"""The admins' CNIL import page, and the "Imported from CNIL" annex of an imported revision."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from dpia.assessments.services.content import get_visible_revision
from dpia.cnil.services.common import annex_of_revision, annex_of_version, report_counts
from dpia.cnil.services.imports import import_file
from dpia.cnil.services.pia import CnilFileError
from dpia.core import clock
from dpia.core.errors import ValidationError
from dpia.core.permissions import require
from dpia.permissions import can_import_cnil, can_view_cnil_annex
from forms.cnil import CnilImportForm

bp = Blueprint("cnil", __name__)


@bp.route("/admin/cnil-import", methods=["GET", "POST"])
def import_page():
    if not can_import_cnil(current_user):
        abort(403)
    form = CnilImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        filename = (upload.filename or "upload.json").replace("\\", "/").rsplit("/", 1)[-1][:100]
        try:
            outcome = import_file(actor=current_user._get_current_object(), now=clock.now(),
                                  raw=upload.stream.read(), filename=filename, team_name=form.team.data)
        except CnilFileError as error:
            problems = error.problems
        except ValidationError as error:
            problems = [str(error)]
        else:
            return render_template("cnil/imported.html", outcome=outcome, counts=report_counts(outcome.report))
        form.file.errors = ["Fix the problems listed above and upload the file again" if len(problems) > 1
                            else "Fix the problem listed above and upload the file again"]
    status = 400 if form.errors else 200
    return render_template("cnil/import.html", form=form, problems=problems), status


@bp.route("/assessments/<reference>/revisions/<int:number>/cnil-annex")
def annex(reference: str, number: int):
    revision = get_visible_revision(current_user, reference, number)
    require(can_view_cnil_annex(current_user, revision.assessment), "You cannot see this assessment")
    found = annex_of_revision(revision.id)
    if found is None:
        abort(404)
    return render_template("cnil/annex.html", revision=revision, annex=found, counts=report_counts(found.report))


@bp.route("/admin/cnil-import/questionnaire-versions/<int:version_id>")
def structure_annex(version_id: int):
    """The annex of a questionnaire version imported from a CNIL structure (administrators only)."""
    if not can_import_cnil(current_user):
        abort(403)
    found = annex_of_version(version_id)
    if found is None:
        abort(404)
    return render_template("cnil/structure_annex.html", annex=found, counts=report_counts(found.report))
