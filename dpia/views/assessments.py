"""Pages about one assessment: its revisions, the task list, section pages, table rows and the
check-your-answers page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from dpia.domain.clock import utcnow
from dpia.domain.errors import ConflictError
from dpia.domain.permissions import can_edit_revision, can_view_assessment
from dpia.domain.questionnaire import Question, Section, combine
from dpia.domain.states import Regime
from dpia.extensions import db
from dpia.models import Assessment, Revision
from dpia.services import answers as answer_service
from dpia.services.answers import RevisionContent, RowConflict, SectionConflict
from dpia.services.assessments import start_assessment
from dpia.services.audit import events_for_assessment
from dpia.services.questionnaires import add_on_questionnaires, definition_for_version, latest_version
from dpia.services.revision_diff import diff_between
from dpia.services.versioning import plan_upgrade, upgrade_revision
from dpia.views.errors import render_error
from forms.questionnaire import build_form, posted_lock_version, raw_values, set_errors
from forms.review import NewAssessmentForm

bp = Blueprint("assessments", __name__, url_prefix="/assessments")


def _visible_assessment(reference: str) -> Assessment:
    assessment = db.session.scalar(
        select(Assessment)
        .where(Assessment.reference == reference)
        .options(selectinload(Assessment.revisions).selectinload(Revision.created_by),
                 joinedload(Assessment.team))
    )
    # Not found and not allowed look the same, so references cannot be probed.
    if assessment is None or not can_view_assessment(current_user, assessment):
        abort(404)
    return assessment


def _visible_revision(reference: str, number: int) -> Revision:
    revision = db.session.scalar(
        select(Revision)
        .join(Assessment)
        .where(Assessment.reference == reference, Revision.number == number)
        .options(joinedload(Revision.assessment).joinedload(Assessment.team),
                 joinedload(Revision.questionnaire_version))
    )
    if revision is None or not can_view_assessment(current_user, revision.assessment):
        abort(404)
    return revision


def _editable_revision(reference: str, number: int) -> Revision:
    revision = _visible_revision(reference, number)
    if not can_edit_revision(current_user, revision):
        abort(403)
    return revision


def _section_or_404(content: RevisionContent, section_key: str) -> Section:
    section = content.definition.section(section_key)
    if section is None:
        abort(404)
    return section


def _table_or_404(content: RevisionContent, question_key: str) -> tuple[Section, Question]:
    for section in content.definition.sections:
        for question in section.questions:
            if question.key == question_key and question.is_table:
                return section, question
    abort(404)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Start an assessment for one of the user's teams."""
    teams = sorted((m.team for m in current_user.memberships), key=lambda team: team.name)
    if not teams:
        abort(403)
    form = NewAssessmentForm()
    form.team_id.choices = [(str(team.id), team.name) for team in teams]
    form.regime.choices = [(regime.value, regime.label) for regime in Regime]
    form.add_ons.choices = [(q.key, q.title) for q in add_on_questionnaires()]
    if request.method == "GET" and len(teams) == 1:
        form.team_id.data = str(teams[0].id)
    if form.validate_on_submit():
        team = next((t for t in teams if str(t.id) == form.team_id.data), None)
        if team is None or form.regime.data not in {r.value for r in Regime}:
            abort(400)
        offered = {key for key, _ in form.add_ons.choices}
        assessment = start_assessment(actor=current_user, now=utcnow(), title=form.title.data, team=team,
                                      regime=Regime(form.regime.data),
                                      add_on_keys=[key for key in form.add_ons.data or [] if key in offered])
        db.session.commit()
        flash(f"{assessment.reference} started", "success")
        return redirect(url_for(".task_list", reference=assessment.reference, number=1))
    return render_template("assessments/new.html", form=form), 400 if form.errors else 200


@bp.route("/<reference>")
def show(reference: str):
    return render_template("assessments/show.html", assessment=_visible_assessment(reference))


@bp.route("/<reference>/revisions/<int:number>")
def task_list(reference: str, number: int):
    revision = _visible_revision(reference, number)
    content = answer_service.load_content(revision)
    progress = [(section, content.progress(section)) for section in content.definition.sections]
    newest = latest_version(revision.questionnaire_version.questionnaire.key)
    upgrade_to = newest if newest and newest.number > revision.questionnaire_version.number else None
    from dpia.views.review import review_panel  # the review blueprint builds on this one

    return render_template("assessments/task_list.html", revision=revision, content=content, progress=progress,
                           editable=can_edit_revision(current_user, revision), upgrade_to=upgrade_to,
                           panel=review_panel(revision))


@bp.route("/<reference>/revisions/<int:number>/check")
def check_answers(reference: str, number: int):
    revision = _visible_revision(reference, number)
    content = answer_service.load_content(revision)
    progress = {section.key: content.progress(section) for section in content.definition.sections}
    return render_template("assessments/check_answers.html", revision=revision, content=content,
                           progress=progress, editable=can_edit_revision(current_user, revision))


@bp.route("/<reference>/revisions/<int:number>/sections/<section_key>", methods=["GET", "POST"])
def section(reference: str, number: int, section_key: str):
    revision = _editable_revision(reference, number)
    content = answer_service.load_content(revision)
    section = _section_or_404(content, section_key)
    questions = [q for q in section.questions if not q.is_table]
    stored_lock = content.section_locks.get(section.key, 0)
    if request.method == "GET":
        form = build_form(questions, values=content.answers, lock_version=stored_lock)
        return _render_section(revision, content, section, form, values=content.answers)

    form = build_form(questions, values=content.answers, lock_version=stored_lock, formdata=request.form)
    raw = raw_values(questions, request.form)
    if request.form.get("action") == "preview":
        outcome = answer_service.parse_section(content, section, raw)
        set_errors(form, outcome.errors)
        return _render_section(revision, content, section, form, values={**content.answers, **outcome.values},
                               preview=True, status=400 if outcome.errors else 200)
    try:
        outcome = answer_service.save_section(actor=current_user, now=utcnow(), revision=revision,
                                              section_key=section.key, raw=raw,
                                              expected_lock=posted_lock_version(form))
    except SectionConflict as conflict:
        db.session.rollback()
        form.lock_version.data = str(stored_lock)  # saving again now overwrites, knowingly
        mine = answer_service.parse_section(content, section, raw).values
        return _render_section(revision, content, section, form, values={**content.answers, **mine},
                               conflict=conflict, status=409)
    if not outcome.ok:
        set_errors(form, outcome.errors)
        return _render_section(revision, content, section, form, values={**content.answers, **outcome.values},
                               status=400)
    db.session.commit()
    after = answer_service.load_content(revision).progress(section)
    if after.missing:
        flash(f"{section.title} saved. {len(after.missing)} required "
              f"{'answer is' if len(after.missing) == 1 else 'answers are'} still to give.", "success")
    else:
        flash(f"{section.title} saved and complete.", "success")
    return redirect(url_for(".task_list", reference=reference, number=number))


def _render_section(revision: Revision, content: RevisionContent, section: Section, form, *, values,
                    preview: bool = False, conflict: SectionConflict | None = None, status: int = 200):
    return render_template("assessments/section.html", revision=revision, content=content, section=section,
                           form=form, values=values, preview=preview, conflict=conflict), status


@bp.route("/<reference>/revisions/<int:number>/tables/<question_key>/rows/new", methods=["GET", "POST"])
def add_row(reference: str, number: int, question_key: str):
    revision = _editable_revision(reference, number)
    content = answer_service.load_content(revision)
    section, question = _table_or_404(content, question_key)
    lookup = {c.key: content.options_for(c) for c in question.columns}
    if request.method == "GET":
        form = build_form(question.columns, values={}, lock_version=0, option_lookup=lookup)
        return _render_row(revision, content, section, question, form, uid=None)
    form = build_form(question.columns, values={}, lock_version=0, formdata=request.form, option_lookup=lookup)
    outcome = answer_service.add_row(actor=current_user, now=utcnow(), revision=revision,
                                     question_key=question.key, raw=raw_values(question.columns, request.form))
    if not outcome.ok:
        set_errors(form, outcome.errors)
        return _render_row(revision, content, section, question, form, uid=None, status=400)
    db.session.commit()
    flash(f"Row added to {question.label.lower()}", "success")
    return redirect(url_for(".section", reference=reference, number=number, section_key=section.key)
                    + f"#{question.key}")


@bp.route("/<reference>/revisions/<int:number>/tables/<question_key>/rows/<uid>", methods=["GET", "POST"])
def edit_row(reference: str, number: int, question_key: str, uid: str):
    revision = _editable_revision(reference, number)
    content = answer_service.load_content(revision)
    section, question = _table_or_404(content, question_key)
    row = next((r for r in content.rows.get(question.key, ()) if r.uid == uid), None)
    if row is None:
        abort(404)
    lookup = {c.key: content.options_for(c) for c in question.columns}
    if request.method == "GET":
        form = build_form(question.columns, values=row.cells, lock_version=row.lock_version, option_lookup=lookup)
        return _render_row(revision, content, section, question, form, uid=uid, ref=row.ref)
    form = build_form(question.columns, values=row.cells, lock_version=row.lock_version, formdata=request.form,
                      option_lookup=lookup)
    try:
        outcome = answer_service.update_row(actor=current_user, now=utcnow(), revision=revision,
                                            question_key=question.key, uid=uid,
                                            raw=raw_values(question.columns, request.form),
                                            expected_lock=posted_lock_version(form))
    except RowConflict as conflict:
        db.session.rollback()
        form.lock_version.data = str(row.lock_version)
        return _render_row(revision, content, section, question, form, uid=uid, ref=row.ref,
                           conflict=conflict, status=409)
    if not outcome.ok:
        set_errors(form, outcome.errors)
        return _render_row(revision, content, section, question, form, uid=uid, ref=row.ref, status=400)
    db.session.commit()
    flash(f"Row {row.ref} updated", "success")
    return redirect(url_for(".section", reference=reference, number=number, section_key=section.key)
                    + f"#{question.key}")


@bp.route("/<reference>/revisions/<int:number>/tables/<question_key>/rows/<uid>/remove", methods=["GET", "POST"])
def remove_row(reference: str, number: int, question_key: str, uid: str):
    revision = _editable_revision(reference, number)
    content = answer_service.load_content(revision)
    section, question = _table_or_404(content, question_key)
    row = next((r for r in content.rows.get(question.key, ()) if r.uid == uid), None)
    back = url_for(".section", reference=reference, number=number, section_key=section.key) + f"#{question.key}"
    if row is None:
        flash("That row had already been removed", "success")
        return redirect(back)
    if request.method == "GET":
        form = build_form([], values={}, lock_version=row.lock_version)
        return render_template("assessments/row_remove.html", revision=revision, section=section,
                               question=question, row=row, form=form, back=back)
    form = build_form([], values={}, lock_version=row.lock_version, formdata=request.form)
    try:
        answer_service.remove_row(actor=current_user, now=utcnow(), revision=revision, question_key=question.key,
                                  uid=uid, expected_lock=posted_lock_version(form))
    except RowConflict:
        db.session.rollback()
        flash("Someone else changed that row after you opened it. Check it before removing it.", "important")
        return redirect(back)
    db.session.commit()
    flash(f"Row {row.ref} removed", "success")
    return redirect(back)


def _render_row(revision: Revision, content: RevisionContent, section: Section, question: Question, form, *,
                uid: str | None, ref: str | None = None, conflict: RowConflict | None = None, status: int = 200):
    return render_template("assessments/row_form.html", revision=revision, content=content, section=section,
                           question=question, form=form, uid=uid, ref=ref, conflict=conflict), status


@bp.route("/<reference>/revisions/<int:number>/upgrade", methods=["GET", "POST"])
def upgrade(reference: str, number: int):
    """Preview, then apply, moving a draft onto the newest version of its questionnaire."""
    revision = _editable_revision(reference, number)
    target = latest_version(revision.questionnaire_version.questionnaire.key)
    if target is None or target.number <= revision.questionnaire_version.number:
        flash("This revision already uses the newest version of its questionnaire.", "success")
        return redirect(url_for(".task_list", reference=reference, number=number))
    form = build_form([], values={}, lock_version=revision.lock_version,
                      formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        if posted_lock_version(form) != revision.lock_version:
            raise ConflictError("The revision changed while you were reading what the upgrade does.")
        plan = upgrade_revision(actor=current_user, now=utcnow(), revision=revision, target_version=target)
        db.session.commit()
        flash(f"Revision {number} now uses version {plan.to_version} of the questionnaire. "
              f"{len(plan.newly_required)} required questions still need an answer.", "success")
        return redirect(url_for(".task_list", reference=reference, number=number))
    plan = plan_upgrade(revision, target)
    before = answer_service.load_content(revision).definition
    return render_template("assessments/upgrade.html", revision=revision, target=target, plan=plan, form=form,
                           before=before, after=combine(definition_for_version(target),
                                                        tuple(definition_for_version(a.questionnaire_version)
                                                              for a in revision.add_ons)))


@bp.route("/<reference>/diff")
def diff(reference: str):
    """Compare two revisions: `?from=N&to=M`, by default the latest revision and the one before it."""
    assessment = _visible_assessment(reference)
    revisions = {revision.number: revision for revision in assessment.revisions}
    try:
        to_number = int(request.args["to"]) if request.args.get("to") else max(revisions, default=0)
        from_number = int(request.args["from"]) if request.args.get("from") else to_number - 1
    except ValueError:
        return render_error(400, "Choose two revisions to compare by their numbers, such as ?from=1&to=2.")
    if from_number == to_number:
        return render_error(400, "Choose two different revisions to compare.")
    if from_number not in revisions or to_number not in revisions:
        abort(404)
    old, new = revisions[from_number], revisions[to_number]
    return render_template("assessments/diff.html", assessment=assessment, old=old, new=new,
                           diff=diff_between(old, new))


@bp.route("/<reference>/audit")
def audit(reference: str):
    """List the audit events about an assessment and its revisions, newest first, 50 to a page."""
    assessment = _visible_assessment(reference)
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    events = events_for_assessment(assessment, page=page, per_page=50)
    if page > 1 and not events.events:
        abort(404)
    revision_numbers = {str(revision.id): revision.number for revision in assessment.revisions}
    return render_template("assessments/audit.html", assessment=assessment, events=events,
                           revision_numbers=revision_numbers)
