"""Downloads of a revision's registers as CSV files: risk register, action plan, retention schedule.

A blueprint nested in `assessments` (so its URLs answer under `/assessments`). A revision the user may
not see is a 404, as on the revision's pages, so references cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response
from flask_login import current_user

from dpia.assessments.services.content import get_visible_revision, load_content
from dpia.core import clock
from dpia.core.csv_export import MIME_TYPE, attachment
from dpia.documents.services.csv_files import CsvFile, action_plan, retention_schedule, risk_register

bp = Blueprint("documents", __name__)


def _download(reference: str, number: int, build: Callable[..., CsvFile]) -> Response:
    revision = get_visible_revision(current_user, reference, number)
    csv_file = build(actor=current_user, now=clock.now(), content=load_content(revision))
    response = Response(csv_file.text(), mimetype=MIME_TYPE)  # Flask adds "; charset=utf-8"
    response.headers["Content-Disposition"] = attachment(csv_file.filename)
    # Internal content: never kept by a browser or a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<reference>/revisions/<int:number>/risk-register.csv")
def risk_register_csv(reference: str, number: int) -> Response:
    """The revision's risks with their ratings and measures, as a CSV file."""
    return _download(reference, number, risk_register)


@bp.route("/<reference>/revisions/<int:number>/action-plan.csv")
def action_plan_csv(reference: str, number: int) -> Response:
    """The revision's measures with owners, due dates and status, as a CSV file."""
    return _download(reference, number, action_plan)


@bp.route("/<reference>/revisions/<int:number>/retention-schedule.csv")
def retention_schedule_csv(reference: str, number: int) -> Response:
    """The revision's retention rules, as a CSV file."""
    return _download(reference, number, retention_schedule)
