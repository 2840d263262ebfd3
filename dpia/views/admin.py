"""Administration pages, for administrators only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dpia.domain.clock import utcnow
from dpia.domain.errors import ValidationError
from dpia.domain.permissions import can_manage_users
from dpia.extensions import db
from dpia.questionnaires.schema import DefinitionError
from dpia.services.users import list_users
from dpia.services.versioning import compare_versions, list_questionnaires, upload_version
from dpia.views.errors import render_error
from forms.admin import UploadQuestionnaireForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_admin():
    if current_user.is_authenticated and not can_manage_users(current_user):
        abort(403)


@bp.route("/users")
def users():
    return render_template("admin/users.html", users=list_users())


@bp.route("/questionnaires")
def questionnaires():
    return render_template("admin/questionnaires.html", questionnaires=list_questionnaires())


@bp.route("/questionnaires/upload", methods=["GET", "POST"])
def upload_questionnaire():
    form = UploadQuestionnaireForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            result = upload_version(actor=current_user._get_current_object(), now=utcnow(), text=form.text,
                                    filename=_display_name(form.file.data.filename))
        except DefinitionError as error:
            problems = error.messages
        except ValidationError as error:
            problems = [str(error)]
        else:
            db.session.commit()
            version = result.version
            if result.created:
                flash(f"Version {version.number} of {version.questionnaire.title} uploaded", "success")
            else:
                flash(f"That definition is already stored as version {version.number}", "info")
            return redirect(url_for("admin.questionnaires"))
        db.session.rollback()
        form.file.errors = [_problems_message(len(problems))]
    status = 400 if form.errors else 200
    return render_template("admin/questionnaire_upload.html", form=form, problems=problems), status


@bp.route("/questionnaires/<key>/diff")
def questionnaire_diff(key: str):
    try:
        from_number, to_number = int(request.args["from"]), int(request.args["to"])
    except (KeyError, ValueError):
        return render_error(400, "Choose two versions to compare by their numbers, such as ?from=1&to=2.")
    try:
        comparison = compare_versions(key, from_number, to_number)
    except ValidationError as error:
        return render_error(400, str(error))
    return render_template("admin/questionnaire_diff.html", comparison=comparison, diff=comparison.diff)


def _display_name(filename: str | None) -> str:
    """The uploaded file's own name, as `questionnaire check` would print it, without any folders."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:100] or "upload.yaml"


def _problems_message(count: int) -> str:
    if count == 1:
        return "Fix the problem listed above and upload the file again"
    return f"Fix the {count} problems listed above and upload the file again"
