"""queue_message: rendered with the organisation, and part of the caller's transaction."""

from __future__ import annotations

import pytest

from dpia.core.clock import now
from dpia.core.transaction import in_transaction, rollback
from dpia.mail.models import MessageStatus
from dpia.mail.services import queue_message
from tests.mail.helpers import RECIPIENT, deliver, outbox, queue_committed


def test_a_message_is_rendered_from_both_templates_and_names_the_organisation(mail_app):
    message = queue_message(to=RECIPIENT, subject="Check your e-mail works", template="test_message",
                            context={"name": "Pat"}, now=now())
    assert message.subject == "Check your e-mail works – Northshire Police"
    assert "Northshire Police" in message.body_text and "Northshire Police" in message.body_html
    assert "Hello Pat," in message.body_text
    assert "http://127.0.0.1:5000/" in message.body_text
    assert message.body_html.lstrip().startswith("<!DOCTYPE html>")
    assert message.status is MessageStatus.PENDING and message.next_attempt_at == now()
    assert message.message_id.endswith("@northshire.example>")


def test_html_is_escaped_and_plain_text_is_not(mail_app):
    message = queue_message(to=RECIPIENT, subject="Check", template="test_message",
                            context={"name": "O'Brien & <Sons>"}, now=now())
    assert "Hello O'Brien & <Sons>," in message.body_text
    assert "O&#39;Brien &amp; &lt;Sons&gt;" in message.body_html
    assert "<Sons>" not in message.body_html


def test_each_message_has_its_own_message_id(mail_app):
    first, second = (queue_message(to=RECIPIENT, subject="Check", template="test_message",
                                   context={"name": "Pat"}, now=now()) for _ in range(2))
    assert first.message_id != second.message_id


def test_a_rolled_back_change_sends_nothing(mail_app, smtp_server):
    queue_message(to=RECIPIENT, subject="Check", template="test_message", context={"name": "Pat"}, now=now())
    rollback()  # the change that caused the message failed

    assert deliver() == 0
    assert outbox() == []
    assert smtp_server.handler.received == []


def test_a_command_that_fails_after_queueing_sends_nothing(mail_app, smtp_server):
    @in_transaction
    def change_that_fails() -> None:
        queue_message(to=RECIPIENT, subject="Check", template="test_message", context={"name": "Pat"}, now=now())
        raise RuntimeError("the change itself failed")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert deliver() == 0
    assert smtp_server.handler.received == []


def test_a_committed_change_is_sent_once(mail_app, smtp_server):
    queue_committed()

    assert deliver() == 1
    assert deliver() == 0  # a second pass finds nothing due
    assert len(smtp_server.handler.received) == 1
    assert smtp_server.handler.received[0].rcpt_tos == [RECIPIENT]
