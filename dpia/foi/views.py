"""FOI pages for staff: the requests about an assessment, and the s.22 evidence page and its PDF.

A blueprint nested in `assessments` (so its pages answer under `/assessments`).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dpia.assessments.services.content import get_visible_assessment
from dpia.core import clock
from dpia.core.errors import ValidationError
from dpia.core.transaction import attempt
from dpia.documents.services import statement_pdf
from dpia.foi.rules import s22_statement
from dpia.foi.services import foi_requests_for, record_foi_request, s22_evidence
from dpia.permissions import can_publish
from forms.foi import FoiRequestForm

bp = Blueprint("foi", __name__)


@bp.route("/<reference>/foi", methods=["GET", "POST"])
def index(reference: str):
    assessment = get_visible_assessment(current_user, reference)
    form = FoiRequestForm()
    if request.method == "POST":
        if not can_publish(current_user):
            abort(403)
        if form.validate():
            try:
                with attempt():
                    record_foi_request(actor=current_user, now=clock.now(), assessment=assessment,
                                       reference=form.foi_reference.data, received_on=form.received_on.data,
                                       summary=form.foi_summary.data or "")
            except ValidationError as error:
                form.foi_reference.errors = [str(error)]
            else:
                flash("FOI request recorded", "success")
                return redirect(url_for(".index", reference=reference))
    return render_template("foi/index.html", assessment=assessment, form=form,
                           requests=foi_requests_for(assessment), may_publish=can_publish(current_user)), \
        400 if form.errors else 200


def _received(value: str | None) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        abort(400, "Give the date the request was received, like 2018-03-15")


@bp.route("/<reference>/foi/s22")
def s22(reference: str):
    assessment = get_visible_assessment(current_user, reference)
    received = _received(request.args.get("received"))
    finding = s22_evidence(assessment, received=received, now=clock.now())
    return render_template("foi/s22.html", assessment=assessment, finding=finding, lines=s22_statement(finding))


@bp.route("/<reference>/foi/s22.pdf")
def s22_pdf(reference: str):
    assessment = get_visible_assessment(current_user, reference)
    received = _received(request.args.get("received"))
    finding = s22_evidence(assessment, received=received, now=clock.now())
    pdf = statement_pdf(
        organisation=current_app.config["ORGANISATION_NAME"], reference=assessment.reference,
        title=f"FOI Act s.22 evidence: {assessment.title}", team=assessment.team.name,
        regime=assessment.revisions[-1].regime.label,
        revision=finding.intention.revision_number if finding.intention else 0,
        status="Evidence statement", written_on=clock.now(), scope="Evidence for an FOI response",
        heading="Intention to publish", lines=s22_statement(finding))
    return pdf, 200, {"Content-Type": "application/pdf",
                      "Content-Disposition": f"attachment; filename={reference}-s22-{received}.pdf"}
