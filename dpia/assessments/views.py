"""Pages about one assessment (`/assessments`): its revisions, the task list, section pages, table
rows, check-your-answers, moving onto a new questionnaire version, the diff and the audit log.

Review, publication and FOI pages are nested blueprints under the same prefix (see `dpia.blueprints`).
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from dpia.assessments.rules.regimes import Regime
from dpia.assessments.services.answers import SectionConflict, parse_section, save_section
from dpia.assessments.services.assessments import (
    find_visible_assessment,
    revision_choices,
    revision_page,
    revisions_numbered,
    start_assessment,
)
from dpia.assessments.services.audit import assessment_events
from dpia.assessments.services.content import (
    RevisionContent,
    get_editable_revision,
    get_visible_revision,
    load_content,
)
from dpia.assessments.services.diff import diff_between
from dpia.assessments.services.rows import RowConflict, table_location, update_row
from dpia.assessments.services.rows import add_row as add_table_row
from dpia.assessments.services.rows import remove_row as remove_table_row
from dpia.assessments.services.upgrade import newer_version, plan_upgrade, upgrade_revision
from dpia.core import clock
from dpia.core.caching import BoundedCache
from dpia.core.error_pages import render_error
from dpia.core.errors import NotFoundError
from dpia.core.hashing import sha256
from dpia.core.pagination import page_number
from dpia.core.transaction import attempt, reads_only
from dpia.permissions import can_edit_revision, can_read_foi
from dpia.questionnaires.rules.definition import Question, Section
from dpia.questionnaires.services import add_on_questionnaires
from dpia.review.services.comments import Thread, open_threads_by_question
from dpia.review.services.workflow import review_panel
from forms.assessments import NewAssessmentForm, build_form, posted_lock_version, raw_values, set_errors

bp = Blueprint("assessments", __name__, url_prefix="/assessments")

AUDIT_PER_PAGE = 50
REVISIONS_PER_PAGE = 20


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Start an assessment for one of the user's teams."""
    teams = sorted((m.team for m in current_user.memberships), key=lambda team: team.name)
    if not teams:
        abort(403)
    form = NewAssessmentForm()
    form.team_id.choices = [(str(team.id), team.name) for team in teams]
    form.regime.choices = [(regime.value, regime.label) for regime in Regime if regime.in_force]
    form.add_ons.choices = [(q.key, q.title) for q in add_on_questionnaires()]
    if request.method == "GET" and len(teams) == 1:
        form.team_id.data = str(teams[0].id)
    if form.validate_on_submit():
        team = next((t for t in teams if str(t.id) == form.team_id.data), None)
        if team is None or form.regime.data not in {value for value, _label in form.regime.choices}:
            abort(400)
        offered = {key for key, _ in form.add_ons.choices}
        assessment = start_assessment(actor=current_user, now=clock.now(), title=form.title.data, team=team,
                                      regime=Regime(form.regime.data),
                                      add_on_keys=[key for key in form.add_ons.data or [] if key in offered])
        flash(f"{assessment.reference} started", "success")
        return redirect(url_for(".task_list", reference=assessment.reference, number=1))
    return render_template("assessments/new.html", form=form), 400 if form.errors else 200


@bp.route("/<reference>")
@reads_only
def show(reference: str):
    """The assessment and its revisions, newest first, 20 to a page."""
    assessment = find_visible_assessment(current_user, reference)
    page = page_number(request.args.get("page"))
    revisions = revision_page(assessment, number=page, per_page=REVISIONS_PER_PAGE)
    if not revisions.items:
        abort(404)
    latest = revisions.items[0] if page == 1 else revision_page(assessment, number=1, per_page=1).items[0]
    return render_template("assessments/show.html", assessment=assessment, revisions=revisions, latest=latest,
                           may_read_foi=can_read_foi(current_user),
                           pagination=revisions.govuk(lambda n: url_for(".show", reference=reference, page=n),
                                                      label="Revision pages"))


@bp.route("/<reference>/revisions/<int:number>")
@reads_only
def task_list(reference: str, number: int):
    revision = get_visible_revision(current_user, reference, number)
    content = load_content(revision)
    progress = [(section, content.progress(section)) for section in content.sections]
    return render_template("assessments/task_list.html", revision=revision, content=content, progress=progress,
                           editable=can_edit_revision(current_user, revision), upgrade_to=newer_version(revision),
                           panel=review_panel(current_user, revision), blockers=content.blockers())


@bp.route("/<reference>/revisions/<int:number>/check")
@reads_only
def check_answers(reference: str, number: int):
    revision = get_visible_revision(current_user, reference, number)
    content = load_content(revision)
    progress = {section.key: content.progress(section) for section in content.definition.sections}
    return render_template("assessments/check_answers.html", revision=revision, content=content,
                           progress=progress, editable=can_edit_revision(current_user, revision),
                           blockers=content.blockers())


@bp.route("/<reference>/revisions/<int:number>/sections/<section_key>", methods=["GET", "POST"])
@reads_only
def section(reference: str, number: int, section_key: str):
    content = load_content(get_editable_revision(current_user, reference, number))
    section = content.definition.section(section_key)
    if section is None:
        abort(404)
    questions = [q for q in section.questions if not q.is_table]
    stored_lock = content.section_locks.get(section.key, 0)
    if request.method == "GET":
        return _section_page(content, section, questions, lock_version=stored_lock)

    form = build_form(questions, values=content.answers, lock_version=stored_lock, formdata=request.form)
    raw = raw_values(questions, request.form)
    if request.form.get("action") == "preview":
        outcome = parse_section(content, section, raw)
        set_errors(form, outcome.errors)
        return _render_section(content, section, form, values={**content.answers, **outcome.values},
                               preview=True, status=400 if outcome.errors else 200)
    try:
        with attempt():
            outcome = save_section(actor=current_user, now=clock.now(), content=content, section_key=section.key,
                                   raw=raw, expected_lock=posted_lock_version(form))
    except SectionConflict as conflict:
        form.lock_version.data = str(stored_lock)  # saving again now overwrites, knowingly
        mine = parse_section(content, section, raw).values
        return _render_section(content, section, form, values={**content.answers, **mine}, conflict=conflict,
                               status=409)
    if not outcome.ok:
        set_errors(form, outcome.errors)
        return _render_section(content, section, form, values={**content.answers, **outcome.values}, status=400)
    table = _table_to_add_to(section, request.form.get("add_row"))
    if table is not None:
        # "Add a row" is a button of the section form: what was typed is saved first, then the row form opens.
        flash(f"{section.title} saved. Now add the row to {table.label.lower()}.", "success")
        return redirect(url_for(".add_row", reference=reference, number=number, question_key=table.key))
    missing = content.progress(section).missing
    if missing:
        flash(f"{section.title} saved. {len(missing)} required "
              f"{'answer is' if len(missing) == 1 else 'answers are'} still to give.", "success")
    else:
        flash(f"{section.title} saved and complete.", "success")
    return redirect(url_for(".task_list", reference=reference, number=number))


def _table_to_add_to(section: Section, key: str | None) -> Question | None:
    """The table question of `section` whose "Add a row" button was pressed, if one was."""
    return next((q for q in section.questions if q.is_table and q.key == key), None) if key else None


def _render_section(content: RevisionContent, section: Section, form, *, values, preview: bool = False,
                    conflict: SectionConflict | None = None, status: int = 200,
                    comments: dict[str, list[Thread]] | None = None, **extra):
    if comments is None:
        comments = open_threads_by_question(content.revision, [q.key for q in section.questions])
    return render_template("assessments/section.html", revision=content.revision, content=content,
                           section=section, form=form, values=values, preview=preview, conflict=conflict,
                           comments=comments, **extra), status


# A section's questions as they show with no errors, kept per worker. Rendering 60 answered questions
# was most of a section page's cost, and people reopen the same section as they work through it.
_SECTION_QUESTIONS: BoundedCache[Markup] = BoundedCache(max_entries=256, max_size=32 * 1024 * 1024)


def _section_questions_key(content: RevisionContent, section: Section, comments: dict[str, list[Thread]]) -> str:
    """Everything the rendered questions depend on: who is looking, where, the questionnaire versions,
    every answer (conditions may look at other sections), every row with what it shows, and the
    open comments."""
    revision = content.revision
    versions = [revision.questionnaire_version] + [a.questionnaire_version for a in revision.add_ons]

    def said(comment) -> list:  # noqa: ANN001
        return [comment.id, comment.author.name, comment.created_at, comment.body]

    return sha256(json.dumps({
        "user": current_user.id, "reference": revision.assessment.reference, "revision": revision.id,
        "number": revision.number, "section": section.key, "versions": [v.content_hash for v in versions],
        "answers": content.answers_fingerprint(),
        "rows": {key: [[row.uid, row.ref, row.cells, row.computed] for row in rows]
                 for key, rows in content.rows.items()},
        "comments": {key: [[said(t.comment), [said(r) for r in t.replies]] for t in threads]
                     for key, threads in comments.items()},
    }, sort_keys=True, default=repr))


def _section_page(content: RevisionContent, section: Section, questions: list[Question], *, lock_version: int):
    """An error-free section page: its questions from the cache when nothing they show has changed."""
    comments = open_threads_by_question(content.revision, [q.key for q in section.questions])
    key = _section_questions_key(content, section, comments)
    questions_html = _SECTION_QUESTIONS.get(key)
    if questions_html is None:
        form = build_form(questions, values=content.answers, lock_version=lock_version)
        questions_html = get_template_attribute("assessments/_section_questions.html", "section_questions")(
            content.revision, content, section, form, content.answers, comments)
        _SECTION_QUESTIONS.put(key, questions_html, len(questions_html))
    # The questions are already rendered and nothing has failed: the page needs no form object, only
    # the CSRF token and the lock version as hidden fields (building and rendering a form cost more).
    # The answers are only in `questions_html`: on a cache hit they are never decoded.
    return _render_section(content, section, None, values=None, comments=comments,
                           questions_html=questions_html, lock_version=lock_version)


def _table(content: RevisionContent, question_key: str) -> tuple[Section, Question]:
    try:
        return table_location(content, question_key)
    except NotFoundError:
        abort(404)


def _table_anchor(content: RevisionContent, section: Section, question: Question) -> str:
    revision = content.revision
    return url_for(".section", reference=revision.assessment.reference, number=revision.number,
                   section_key=section.key) + f"#{question.key}"


@bp.route("/<reference>/revisions/<int:number>/tables/<question_key>/rows/new", methods=["GET", "POST"])
def add_row(reference: str, number: int, question_key: str):
    return _row_page(reference, number, question_key, uid=None)


@bp.route("/<reference>/revisions/<int:number>/tables/<question_key>/rows/<uid>", methods=["GET", "POST"])
def edit_row(reference: str, number: int, question_key: str, uid: str):
    return _row_page(reference, number, question_key, uid=uid)


def _row_page(reference: str, number: int, question_key: str, *, uid: str | None):
    """Add a row (`uid` None) or change one: the form, its errors, or a conflict with both versions."""
    content = load_content(get_editable_revision(current_user, reference, number))
    section, question = _table(content, question_key)
    row = None
    if uid is not None:
        row = next((r for r in content.rows.get(question.key, ()) if r.uid == uid), None)
        if row is None:
            abort(404)
    lookup = {c.key: content.options_for(c) for c in question.columns}
    values, lock = (row.cells, row.lock_version) if row else ({}, 0)
    formdata = request.form if request.method == "POST" else None
    form = build_form(question.columns, values=values, lock_version=lock, formdata=formdata, option_lookup=lookup)
    page = {"content": content, "section": section, "question": question, "form": form, "uid": uid,
            "ref": row.ref if row else None}
    if request.method == "GET":
        return _render_row(**page)
    raw = raw_values(question.columns, request.form)
    try:
        with attempt():
            if row is None:
                outcome = add_table_row(actor=current_user, now=clock.now(), content=content,
                                        question_key=question.key, raw=raw)
            else:
                outcome = update_row(actor=current_user, now=clock.now(), content=content, question_key=question.key,
                                     uid=row.uid, raw=raw, expected_lock=posted_lock_version(form))
    except RowConflict as conflict:
        form.lock_version.data = str(lock)
        return _render_row(**page, conflict=conflict, status=409)
    if not outcome.ok:
        set_errors(form, outcome.errors)
        return _render_row(**page, status=400)
    flash(f"Row {row.ref} updated" if row else f"Row added to {question.label.lower()}", "success")
    return redirect(_table_anchor(content, section, question))


def _render_row(*, content: RevisionContent, section: Section, question: Question, form, uid: str | None,
                ref: str | None, conflict: RowConflict | None = None, status: int = 200):
    return render_template("assessments/row_form.html", revision=content.revision, content=content,
                           section=section, question=question, form=form, uid=uid, ref=ref,
                           conflict=conflict), status


@bp.route("/<reference>/revisions/<int:number>/tables/<question_key>/rows/<uid>/remove", methods=["GET", "POST"])
def remove_row(reference: str, number: int, question_key: str, uid: str):
    content = load_content(get_editable_revision(current_user, reference, number))
    section, question = _table(content, question_key)
    row = next((r for r in content.rows.get(question.key, ()) if r.uid == uid), None)
    back = _table_anchor(content, section, question)
    if row is None:
        flash("That row had already been removed", "success")
        return redirect(back)
    formdata = request.form if request.method == "POST" else None
    form = build_form([], values={}, lock_version=row.lock_version, formdata=formdata)
    if request.method == "GET":
        return render_template("assessments/row_remove.html", revision=content.revision, section=section,
                               question=question, row=row, form=form, back=back)
    try:
        with attempt():
            remove_table_row(actor=current_user, now=clock.now(), content=content, question_key=question.key,
                             uid=uid, expected_lock=posted_lock_version(form))
    except RowConflict:
        flash("Someone else changed that row after you opened it. Check it before removing it.", "important")
        return redirect(back)
    flash(f"Row {row.ref} removed", "success")
    return redirect(back)


@bp.route("/<reference>/revisions/<int:number>/upgrade", methods=["GET", "POST"])
def upgrade(reference: str, number: int):
    """Preview, then apply, moving a draft onto the newest version of its questionnaire."""
    revision = get_editable_revision(current_user, reference, number)
    target = newer_version(revision)
    if target is None:
        flash("This revision already uses the newest version of its questionnaire.", "success")
        return redirect(url_for(".task_list", reference=reference, number=number))
    form = build_form([], values={}, lock_version=revision.lock_version,
                      formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        if posted_lock_version(form) != revision.lock_version:
            abort(409, "The revision changed while you were reading what the upgrade does.")
        plan = upgrade_revision(actor=current_user, now=clock.now(), revision=revision, target_version=target)
        flash(f"Revision {number} now uses version {plan.to_version} of the questionnaire. "
              f"{len(plan.newly_required)} required questions still need an answer.", "success")
        return redirect(url_for(".task_list", reference=reference, number=number))
    plan = plan_upgrade(revision, target)
    return render_template("assessments/upgrade.html", revision=revision, target=target, plan=plan, form=form,
                           before=plan.before, after=plan.after)


@bp.route("/<reference>/diff")
@reads_only
def diff(reference: str):
    """Compare two revisions: `?from=N&to=M`, by default the latest revision and the one before it."""
    assessment = find_visible_assessment(current_user, reference)
    choices = revision_choices(assessment)
    numbers = {number for number, _state in choices}
    try:
        to_number = int(request.args["to"]) if request.args.get("to") else max(numbers, default=0)
        from_number = int(request.args["from"]) if request.args.get("from") else to_number - 1
    except ValueError:
        return render_error(400, "Choose two revisions to compare by their numbers, such as ?from=1&to=2.")
    if from_number == to_number:
        return render_error(400, "Choose two different revisions to compare.")
    if from_number not in numbers or to_number not in numbers:
        abort(404)
    revisions = revisions_numbered(assessment, (from_number, to_number))
    old, new = revisions[from_number], revisions[to_number]
    return render_template("assessments/diff.html", assessment=assessment, choices=choices, old=old, new=new,
                           diff=diff_between(load_content(old), load_content(new)))


@bp.route("/<reference>/audit")
@reads_only
def audit(reference: str):
    """List the audit events about an assessment and its revisions, newest first, 50 to a page."""
    assessment = find_visible_assessment(current_user, reference)
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    events = assessment_events(assessment, page=page, per_page=AUDIT_PER_PAGE)
    if page > 1 and not events.page.items:
        abort(404)
    return render_template("assessments/audit.html", assessment=assessment, events=events,
                           pagination=events.page.govuk(lambda n: url_for(".audit", reference=reference, page=n),
                                                        label="Audit log pages"))
