"""Comments through their services: threads, replies, resolving, and the queue of unresolved ones."""

import pytest

from dpia.assessments.services.content import load_content
from dpia.core.errors import PermissionDeniedError, ValidationError
from dpia.review.services.comments import add_comment, comment_threads, resolve_comment, unresolved_count
from dpia.review.services.queues import unresolved_comment_queue
from tests import factories

NOW = factories.NOW


def test_comments_thread_and_resolve(db, revision, people):
    top = add_comment(actor=people["reviewer"], now=NOW, content=load_content(revision), body="Which officers?",
                      question_key="basics.aims")
    reply = add_comment(actor=people["author"], now=NOW, content=load_content(revision), body="Those assigned.",
                        parent=top)
    assert reply.question_key == "basics.aims"
    with pytest.raises(ValidationError):
        add_comment(actor=people["author"], now=NOW, content=load_content(revision), body="   ")
    with pytest.raises(ValidationError):
        add_comment(actor=people["author"], now=NOW, content=load_content(revision), body="x", question_key="nope")
    with pytest.raises(PermissionDeniedError):
        add_comment(actor=factories.create_user(), now=NOW, content=load_content(revision), body="outsider")
    threads = comment_threads(revision)
    assert [(t.comment.id, [r.id for r in t.replies]) for t in threads] == [(top.id, [reply.id])]
    assert [q.count for q in unresolved_comment_queue(people["author"]).items] == [1]
    resolve_comment(actor=people["author"], now=NOW, revision=revision, comment=top)
    assert unresolved_count(revision) == 0
    assert unresolved_comment_queue(people["author"]).total == 0
