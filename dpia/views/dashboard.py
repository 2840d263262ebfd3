"""The signed-in home page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from dpia.services.assessments import visible_assessment_summaries

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def index():
    summaries = visible_assessment_summaries(current_user._get_current_object())
    return render_template("dashboard/index.html", summaries=summaries)
