"""The administrators' questionnaire pages (`/admin/questionnaires`): list, upload, compare versions.

This blueprint is nested in the accounts area's `admin` blueprint, whose check lets only
administrators in.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dpia.core import clock
from dpia.core.error_pages import render_error
from dpia.core.errors import ValidationError
from dpia.questionnaires.rules.schema import DefinitionError
from dpia.questionnaires.services import compare_versions, list_questionnaires, upload_version
from forms.questionnaires import UploadQuestionnaireForm

bp = Blueprint("questionnaires", __name__, url_prefix="/questionnaires")


@bp.route("")
def index():
    return render_template("questionnaires/index.html", questionnaires=list_questionnaires())


@bp.route("/upload", methods=["GET", "POST"])
def upload():
    form = UploadQuestionnaireForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            result = upload_version(actor=current_user._get_current_object(), now=clock.now(), text=form.text,
                                    filename=_display_name(form.file.data.filename))
        except DefinitionError as error:
            problems = error.messages
        except ValidationError as error:
            problems = [str(error)]
        else:
            version = result.version
            if result.created:
                flash(f"Version {version.number} of {version.questionnaire.title} uploaded", "success")
            else:
                flash(f"That definition is already stored as version {version.number}", "info")
            return redirect(url_for(".index"))
        form.file.errors = [_problems_message(len(problems))]
    status = 400 if form.errors else 200
    return render_template("questionnaires/upload.html", form=form, problems=problems), status


@bp.route("/<key>/diff")
def diff(key: str):
    try:
        from_number, to_number = int(request.args["from"]), int(request.args["to"])
    except (KeyError, ValueError):
        return render_error(400, "Choose two versions to compare by their numbers, such as ?from=1&to=2.")
    try:
        comparison = compare_versions(key, from_number, to_number)
    except ValidationError as error:
        return render_error(400, str(error))
    return render_template("questionnaires/diff.html", comparison=comparison, diff=comparison.diff)


def _display_name(filename: str | None) -> str:
    """The uploaded file's own name, as `questionnaire check` would print it, without any folders."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:100] or "upload.yaml"


def _problems_message(count: int) -> str:
    if count == 1:
        return "Fix the problem listed above and upload the file again"
    return f"Fix the {count} problems listed above and upload the file again"
