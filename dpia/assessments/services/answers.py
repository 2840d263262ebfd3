"""Saving a section of a revision: validate every answer, check nobody saved it meanwhile, store it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from dpia.accounts.models import User
from dpia.assessments.models import Answer, Revision, SectionSave
from dpia.assessments.rules.answers import AnswerError, Raw, parse_answer
from dpia.assessments.rules.screening import outcome_problem
from dpia.assessments.services.content import RevisionContent
from dpia.core.audit.services import record_event
from dpia.core.errors import ConflictError, NotFoundError
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.permissions import can_edit_revision
from dpia.questionnaires.rules.definition import Section


@dataclass(frozen=True)
class SectionOutcome:
    """What a save (or a preview) found: parsed values, errors by question key, what changed."""

    values: dict[str, Any]
    errors: dict[str, str]
    changed: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


class SectionConflict(ConflictError):
    """Someone else saved the section first; carries their values so the page can show both."""

    def __init__(self, section: Section, theirs: Mapping[str, Any], by: User | None, at: datetime | None) -> None:
        super().__init__("Someone else saved this section after you opened it")
        self.section = section
        self.theirs = dict(theirs)
        self.by = by
        self.at = at


def parse_section(content: RevisionContent, section: Section, raw: Mapping[str, Raw]) -> SectionOutcome:
    """Read every question of a section from raw input; errors only for questions that apply."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in section.questions:
        if question.is_table:
            continue
        try:
            values[question.key] = parse_answer(question, raw.get(question.key))
        except AnswerError as error:
            errors[question.key] = str(error)
    merged = {**content.answers, **values}
    # Hidden questions are neither validated nor counted; their typed text is kept when it is valid.
    errors = {key: message for key, message in errors.items()
              if (q := content.definition.question(key)) is not None and q.applies(merged)}
    # Screening decides: answers that make an assessment required refuse any other outcome.
    outcome_key = content.definition.key_questions.get("screening_outcome")
    if outcome_key in values and outcome_key not in errors:
        problem = outcome_problem(content.definition, merged)
        if problem:
            errors[outcome_key] = problem
    return SectionOutcome(values, errors)


def save_section(*, actor: User, now: datetime, content: RevisionContent, section_key: str,
                 raw: Mapping[str, Raw], expected_lock: int) -> SectionOutcome:
    """Validate and store one section's answers; on success `content` holds the saved answers.

    :param expected_lock: the section counter the form was loaded with (0 if never saved).
    :raise SectionConflict: the section was saved by someone else since the form was loaded.
    """
    revision = content.revision
    require(can_edit_revision(actor, revision), "Only the assessment's team can change a draft revision")
    section = content.definition.section(section_key)
    if section is None:
        raise NotFoundError(section_key)
    outcome = parse_section(content, section, raw)
    if not outcome.ok:
        return outcome
    lock_row = db.session.get(SectionSave, (revision.id, section_key))
    current = lock_row.lock_version if lock_row else 0
    if current != expected_lock:
        theirs = {q.key: content.answers.get(q.key) for q in section.questions if not q.is_table}
        raise SectionConflict(section, theirs, lock_row.updated_by if lock_row else None,
                              lock_row.updated_at if lock_row else None)
    changed = _store_answers(revision, outcome.values, content.answers, actor=actor, now=now)
    if lock_row is None:
        lock_row = SectionSave(revision_id=revision.id, section_key=section_key, updated_at=now,
                               updated_by_id=actor.id)
        db.session.add(lock_row)
    else:
        lock_row.updated_at = now
        lock_row.updated_by_id = actor.id
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError) as error:  # a concurrent save won the race
        raise SectionConflict(section, {}, None, None) from error
    record_event(actor=actor, now=now, action="section.save", object_type="revision", object_id=revision.id,
                 summary={"section": section_key, "changed": sorted(changed)})
    content.answers.update({key: value for key, value in outcome.values.items() if value is not None})
    for key in [key for key, value in outcome.values.items() if value is None]:
        content.answers.pop(key, None)
    content.section_locks[section_key] = lock_row.lock_version
    return SectionOutcome(outcome.values, {}, tuple(sorted(changed)))


def _store_answers(revision: Revision, values: Mapping[str, Any], stored: Mapping[str, Any], *,
                   actor: User, now: datetime) -> list[str]:
    changed = [key for key, value in values.items() if stored.get(key) != value]
    if not changed:
        return []
    existing = {a.question_key: a for a in db.session.scalars(
        select(Answer).where(Answer.revision_id == revision.id, Answer.question_key.in_(changed)))}
    for key in changed:
        value = values[key]
        answer = existing.get(key)
        if value is None:
            if answer is not None:
                db.session.delete(answer)
        elif answer is None:
            db.session.add(Answer(revision_id=revision.id, question_key=key, value=value, updated_at=now,
                                  updated_by_id=actor.id))
        else:
            answer.value = value
            answer.updated_at = now
            answer.updated_by_id = actor.id
    return changed
