"""FOI pages for staff: the requests about an assessment, each request's record, its items and answers, the
s.22 evidence page and its PDF, and the response letter as a page and a PDF.

A blueprint nested in `assessments` (so its pages answer under `/assessments`). FOI records hold
requesters' names: only FOI officers, the DPO and administrators read them; FOI officers and the DPO
change them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dpia.assessments.services.content import get_visible_assessment
from dpia.core import clock
from dpia.core.errors import ValidationError
from dpia.core.transaction import attempt
from dpia.documents.services import statement_pdf
from dpia.foi.rules import (
    Answer,
    ItemAnswer,
    NcndProvision,
    ReviewOutcome,
    deadline_label,
    needs_public_interest_test,
    received_label,
    s22_statement,
)
from dpia.foi.services import (
    ItemInput,
    add_item,
    answer_item,
    find_foi_request,
    foi_requests_for,
    outline_of,
    part_choices,
    record_foi_request,
    record_progress,
    record_s22_conclusion,
    s22_evidence,
    s22_pack,
)
from dpia.foi.services.letters import response_letter, response_letter_pdf
from dpia.foi.services.requests import find_item, revision_of_request
from dpia.permissions import can_read_foi, can_record_foi
from dpia.publication.rules import Exemption
from forms.foi import AnswerForm, FoiRequestForm, ItemForm, ProgressForm, S22CheckForm, S22ConclusionForm, parse_time

bp = Blueprint("foi", __name__)
UK = ZoneInfo("Europe/London")


def _assessment(reference: str, *, change: bool = False) -> Any:
    """The assessment, for a reader of FOI records (404 before 403: existence is not told)."""
    assessment = get_visible_assessment(current_user, reference)
    if not can_read_foi(current_user) or (change and not can_record_foi(current_user)):
        abort(403)
    return assessment


def _moment(day: Any, typed: str | None) -> datetime:
    """A typed UK date and time as UTC."""
    moment = parse_time(typed)
    assert moment is not None  # noqa: S101 - the form validated it
    return datetime.combine(day, moment, tzinfo=UK).astimezone(ZoneInfo("UTC"))


def _revision_choices(assessment: Any) -> list[tuple[str, str]]:
    # A required select starts with an empty choice (HTML requires it, and nobody is pushed into a revision).
    return [("", "Select a revision")] + [(str(r.number), f"Revision {r.number} ({r.state.label.lower()})")
                                          for r in assessment.revisions]


@bp.route("/<reference>/foi", methods=["GET", "POST"])
def index(reference: str):
    assessment = _assessment(reference, change=request.method == "POST")
    form = FoiRequestForm()
    form.revision.choices = _revision_choices(assessment)
    if request.method == "GET" and not form.revision.data and assessment.revisions:
        form.revision.data = str(assessment.revisions[-1].number)
    if request.method == "POST" and form.validate():
        try:
            with attempt():
                foi = record_foi_request(
                    actor=current_user, now=clock.now(), assessment=assessment, reference=form.foi_reference.data,
                    received_at=_moment(form.received_on.data, form.received_time.data),
                    request_text=form.request_text.data or "", requester_name=form.requester_name.data or "",
                    revision_number=int(form.revision.data) if (form.revision.data or "").isdigit() else None,
                    items=[ItemInput(line) for line in (form.item_lines.data or "").splitlines()])
        except ValidationError as error:
            form.foi_reference.errors = [str(error)]
        else:
            flash("FOI request recorded", "success")
            return redirect(url_for(".show", reference=reference, foi_id=foi.id))
    today = clock.now().date()
    return render_template("foi/index.html", assessment=assessment, form=form,
                           requests=[(foi, deadline_label(foi.due_on, today, sent_on=foi.sent_on))
                                     for foi in foi_requests_for(assessment)],
                           may_record=can_record_foi(current_user), received_label=received_label), \
        400 if form.errors else 200


def _show(assessment: Any, foi: Any, *, progress: ProgressForm | None = None,
          conclusion: S22ConclusionForm | None = None, status: int = 200):
    now = clock.now()
    revision = revision_of_request(foi)
    outline = outline_of(revision) if revision is not None else None
    if progress is None:
        progress = ProgressForm(formdata=None, sent_on=foi.sent_on, review_requested_on=foi.review_requested_on,
                                review_decided_on=foi.review_decided_on,
                                review_outcome=foi.review_outcome.value if foi.review_outcome else "")
    return render_template(
        "foi/request.html", assessment=assessment, foi=foi, revision=revision,
        part_label=outline.label if outline else (lambda part: part), received_label=received_label,
        deadline=deadline_label(foi.due_on, now.date(), sent_on=foi.sent_on), progress=progress,
        may_record=can_record_foi(current_user), s22_link=_s22_link(assessment, foi)), status


def _s22_link(assessment: Any, foi: Any) -> str:
    local = foi.received_at.astimezone(UK)
    return url_for(".s22", reference=assessment.reference, request=foi.id,
                   received=[str(local.day), str(local.month), str(local.year)], time=f"{local:%H:%M}")


@bp.route("/<reference>/foi/<int:foi_id>")
def show(reference: str, foi_id: int):
    assessment = _assessment(reference)
    return _show(assessment, find_foi_request(assessment, foi_id))


@bp.route("/<reference>/foi/<int:foi_id>/progress", methods=["POST"])
def progress(reference: str, foi_id: int):
    assessment = _assessment(reference, change=True)
    foi = find_foi_request(assessment, foi_id)
    form = ProgressForm()
    if form.validate():
        try:
            with attempt():
                record_progress(actor=current_user, now=clock.now(), foi=foi, sent_on=form.sent_on.data,
                                review_requested_on=form.review_requested_on.data,
                                review_outcome=ReviewOutcome(form.review_outcome.data) if form.review_outcome.data
                                else None, review_decided_on=form.review_decided_on.data)
        except ValidationError as error:
            form.sent_on.errors = [str(error)]
        else:
            flash("Reply and review recorded", "success")
            return redirect(url_for(".show", reference=reference, foi_id=foi_id))
    return _show(assessment, foi, progress=form, status=400)


def _item_page(assessment: Any, foi: Any, item: Any, *, item_form: ItemForm | None = None,
               answer_form: AnswerForm | None = None, status: int = 200):
    revision = revision_of_request(foi)
    choices = part_choices(outline_of(revision)) if revision is not None else []
    if item_form is None:
        item_form = ItemForm(formdata=None, item_text=item.text if item else "", parts=list(item.parts) if item else [])
    item_form.parts.choices = choices
    if item is not None and answer_form is None:
        answer_form = AnswerForm(
            formdata=None, answer=item.answer.value if item.answer else None, published_url=item.published_url or "",
            exemption=item.exemption.value if item.exemption else "", ncnd=item.ncnd.value if item.ncnd else "",
            pit_for=item.pit_for or "", pit_against=item.pit_against or "", pit_conclusion=item.pit_conclusion or "")
    return render_template("foi/item.html", assessment=assessment, foi=foi, item=item, revision=revision,
                           item_form=item_form, answer_form=answer_form), status


@bp.route("/<reference>/foi/<int:foi_id>/items/new", methods=["GET", "POST"])
@bp.route("/<reference>/foi/<int:foi_id>/items/<int:position>", methods=["GET", "POST"])
def item(reference: str, foi_id: int, position: int | None = None):
    """Add an item, or change an item's words and the parts of the assessment it asks for."""
    assessment = _assessment(reference, change=request.method == "POST")
    foi = find_foi_request(assessment, foi_id)
    chosen = find_item(foi, position) if position is not None else None
    if request.method == "GET":
        return _item_page(assessment, foi, chosen)
    form = ItemForm()
    if form.validate():
        try:
            with attempt():
                saved = add_item(actor=current_user, now=clock.now(), foi=foi, text=form.item_text.data or "",
                                 parts=form.parts.data or [], position=position)
        except ValidationError as error:
            form.parts.errors = [str(error)]
        else:
            flash(f"Item {saved.position} saved", "success")
            return redirect(url_for(".item", reference=reference, foi_id=foi_id, position=saved.position))
    return _item_page(assessment, foi, chosen, item_form=form, status=400)


@bp.route("/<reference>/foi/<int:foi_id>/items/<int:position>/answer", methods=["POST"])
def answer(reference: str, foi_id: int, position: int):
    assessment = _assessment(reference, change=True)
    foi = find_foi_request(assessment, foi_id)
    chosen = find_item(foi, position)
    form = AnswerForm()
    if form.validate():
        typed = ItemAnswer(Answer(form.answer.data), published_url=form.published_url.data or "",
                           exemption=Exemption(form.exemption.data) if form.exemption.data else None,
                           ncnd=NcndProvision(form.ncnd.data) if form.ncnd.data else None,
                           pit_for=form.pit_for.data or "", pit_against=form.pit_against.data or "",
                           pit_conclusion=form.pit_conclusion.data or "")
        with attempt():
            problems = answer_item(actor=current_user, now=clock.now(), item=chosen, answer=typed)
        if not problems:
            flash(f"Answer to item {position} recorded", "success")
            return redirect(url_for(".show", reference=reference, foi_id=foi_id))
        for name, message in problems.items():
            getattr(form, name).errors = [message]
    return _item_page(assessment, foi, chosen, answer_form=form, status=400)


def _check_form() -> S22CheckForm:
    return S22CheckForm(formdata=request.args if "received" in request.args or "time" in request.args else None)


def _s22_context(assessment: Any, form: S22CheckForm) -> dict[str, Any]:
    """The statement for the typed moment, or for a recorded request (prefilled, with all four limbs)."""
    now = clock.now()
    foi = None
    if (request.args.get("request") or "").isdigit():
        foi = find_foi_request(assessment, int(request.args["request"]))
    if foi is not None and form.received.data is None and not form.errors:
        local = foi.received_at.astimezone(UK)
        form.received.data, form.time.data = local.date(), f"{local:%H:%M}"
    if foi is not None:
        pack = s22_pack(assessment, foi, now=now)
        return {"foi": foi, "lines": pack.lines, "received": foi.received_at, "pack": pack}
    if form.received.data is None or form.errors:
        return {"foi": None, "lines": None, "received": None, "pack": None}
    received = _moment(form.received.data, form.time.data)
    finding = s22_evidence(assessment, received=received, now=now)
    return {"foi": None, "lines": s22_statement(finding), "received": received, "pack": None,
            "finding": finding}


@bp.route("/<reference>/foi/s22")
def s22(reference: str):
    """Opened without a date, the page asks for one; a bad date shows the form again with its errors."""
    assessment = _assessment(reference)
    form = _check_form()
    if "received" in request.args or "time" in request.args:
        form.validate()
    context = _s22_context(assessment, form)
    conclusion = S22ConclusionForm(formdata=None, s22_conclusion=context["foi"].s22_conclusion or "") \
        if context["foi"] is not None else None
    return render_template("foi/s22.html", assessment=assessment, form=form, conclusion=conclusion,
                           may_record=can_record_foi(current_user), received_label=received_label,
                           query=request.query_string.decode(), **context), 400 if form.errors else 200


@bp.route("/<reference>/foi/<int:foi_id>/s22", methods=["POST"])
def s22_conclusion(reference: str, foi_id: int):
    assessment = _assessment(reference, change=True)
    foi = find_foi_request(assessment, foi_id)
    form = S22ConclusionForm()
    if form.validate():
        with attempt():
            record_s22_conclusion(actor=current_user, now=clock.now(), foi=foi, conclusion=form.s22_conclusion.data)
        flash("Conclusion recorded", "success")
        return redirect(_s22_link(assessment, foi))
    check = S22CheckForm(formdata=None)
    context = _s22_context(assessment, check)
    return render_template("foi/s22.html", assessment=assessment, form=check, conclusion=form, may_record=True,
                           received_label=received_label, query="", **context), 400


@bp.route("/<reference>/foi/s22.pdf")
def s22_pdf(reference: str):
    assessment = _assessment(reference)
    form = _check_form()
    if form.received.data is None and "request" not in request.args:
        abort(400, "Give the date and time the request was received")
    if not form.validate() and "request" not in request.args:
        abort(400, "Give the date and time the request was received")
    context = _s22_context(assessment, form)
    if context["lines"] is None:
        abort(400, "Give the date and time the request was received")
    revision = context["pack"].finding.intention if context["pack"] else context["finding"].intention
    pdf = statement_pdf(
        organisation=current_app.config["ORGANISATION_NAME"], reference=assessment.reference,
        title=f"FOI Act s.22 evidence: {assessment.title}", team=assessment.team.name,
        regime=assessment.revisions[-1].regime.label, revision=revision.revision_number if revision else 0,
        status="Evidence statement", written_on=clock.now(), scope="Evidence for an FOI response",
        heading="Intention to publish", lines=context["lines"])
    day = context["received"].astimezone(UK).date().isoformat()
    return pdf, 200, {"Content-Type": "application/pdf",
                      "Content-Disposition": f"attachment; filename={reference}-s22-{day}.pdf"}


@bp.route("/<reference>/foi/<int:foi_id>/letter")
def letter(reference: str, foi_id: int):
    assessment = _assessment(reference)
    foi = find_foi_request(assessment, foi_id)
    return render_template("foi/letter.html", assessment=assessment, foi=foi,
                           letter=response_letter(assessment, foi, now=clock.now()))


@bp.route("/<reference>/foi/<int:foi_id>/letter.pdf")
def letter_pdf(reference: str, foi_id: int):
    assessment = _assessment(reference)
    foi = find_foi_request(assessment, foi_id)
    now = clock.now()
    pdf = response_letter_pdf(response_letter(assessment, foi, now=now),
                              organisation=current_app.config["ORGANISATION_NAME"], team=assessment.team.name,
                              regime=assessment.revisions[-1].regime.label, now=now)
    return pdf, 200, {"Content-Type": "application/pdf", "Cache-Control": "no-store",
                      "Content-Disposition": f"attachment; filename={reference}-foi-{foi.id}-letter.pdf"}


# For templates: which answers ask for the public interest test.
@bp.app_template_global("foi_needs_pit")
def foi_needs_pit(exemption: Exemption | None = None, ncnd: NcndProvision | None = None) -> bool:
    return needs_public_interest_test(exemption=exemption, ncnd=ncnd)
