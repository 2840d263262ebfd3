"""Comments on a revision: threads, replies and resolving them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from dpia.accounts.models import User
from dpia.assessments.models import Revision
from dpia.assessments.services.content import RevisionContent
from dpia.core.audit.services import record_event
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.extensions import db
from dpia.core.lookups import row_of_revision
from dpia.core.permissions import require
from dpia.permissions import can_comment
from dpia.review.models import Comment

COMMENT_MAX = 5_000



@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def comment_threads(revision: Revision) -> list[Thread]:
    """Every comment on the revision as threads, oldest first (one query)."""
    comments = db.session.scalars(select(Comment).where(Comment.revision_id == revision.id)
                                  .options(joinedload(Comment.author), joinedload(Comment.resolved_by))
                                  .order_by(Comment.created_at, Comment.id)).all()
    threads = {c.id: Thread(c) for c in comments if c.parent_id is None}
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    return list(threads.values())


_OPEN_QUESTION_COMMENTS = (
    select(Comment)
    .where(Comment.revision_id == bindparam("revision_id"), Comment.question_key.is_not(None),
           or_(Comment.parent_id.is_not(None), Comment.resolved_at.is_(None)))
    .options(joinedload(Comment.author))
    .order_by(Comment.created_at, Comment.id))


def open_threads_by_question(revision: Revision, question_keys: Iterable[str]) -> dict[str, list[Thread]]:
    """The unresolved threads about each of `question_keys` (a section's questions), oldest first.

    One query for the whole section, however many comments it has, so a section page can show each
    question's comments beside it.
    """
    keys = set(question_keys)
    if not keys:
        return {}
    # The revision's open comments on any question, picked out here: a list of 60 keys bound into
    # the statement cost more than the few comments on other sections.
    comments = db.session.scalars(_OPEN_QUESTION_COMMENTS, {"revision_id": revision.id}).all()
    threads = {c.id: Thread(c) for c in comments if c.parent_id is None and c.question_key in keys}
    for comment in comments:
        if comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    by_question: dict[str, list[Thread]] = {}
    for thread in threads.values():
        by_question.setdefault(thread.comment.question_key or "", []).append(thread)
    return by_question


def find_comment(revision: Revision, comment_id: str) -> Comment:
    """A comment on `revision` by its id as posted.

    :raise NotFoundError: it is not a number, or no such comment is on this revision.
    """
    if not (comment_id.isascii() and comment_id.isdigit() and len(comment_id) < 10):
        raise NotFoundError("comment")
    return row_of_revision(Comment, int(comment_id), revision_id=revision.id, what="comment")


def add_comment(*, actor: User, now: datetime, content: RevisionContent, body: str,
                question_key: str | None = None, parent: Comment | None = None) -> Comment:
    """Comment on the revision, on one of its questions, or reply to a comment (replies take its question)."""
    revision = content.revision
    require(can_comment(actor, revision), "Comments are closed on this revision")
    body = (body or "").strip()
    if not body:
        raise ValidationError("Enter a comment")
    if len(body) > COMMENT_MAX:
        raise ValidationError(f"Comments must be {COMMENT_MAX:,} characters or fewer")
    if parent is not None:
        if parent.revision_id != revision.id or parent.parent_id is not None:
            raise NotFoundError("comment")
        question_key = parent.question_key
    elif question_key and content.definition.question(question_key) is None:
        raise ValidationError("That question is not part of this revision")
    comment = Comment(revision_id=revision.id, question_key=question_key or None,
                      parent_id=parent.id if parent else None, author_id=actor.id, body=body, created_at=now)
    db.session.add(comment)
    db.session.flush()
    record_event(actor=actor, now=now, action="comment.add", object_type="revision", object_id=revision.id,
                 summary={"comment": comment.id, "question": question_key, "reply_to": parent.id if parent else None})
    return comment


def resolve_comment(*, actor: User, now: datetime, revision: Revision, comment: Comment) -> None:
    require(can_comment(actor, revision), "Comments are closed on this revision")
    if comment.revision_id != revision.id or comment.parent_id is not None:
        raise NotFoundError("comment")
    if comment.resolved_at is None:
        comment.resolved_at = now
        comment.resolved_by_id = actor.id
        db.session.flush()
        record_event(actor=actor, now=now, action="comment.resolve", object_type="revision",
                     object_id=revision.id, summary={"comment": comment.id})


def unresolved_count(revision: Revision) -> int:
    return db.session.scalar(select(func.count(Comment.id)).where(
        Comment.revision_id == revision.id, Comment.parent_id.is_(None), Comment.resolved_at.is_(None))) or 0
