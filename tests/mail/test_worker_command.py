"""`flask dpia worker`: one pass with --once, refusal without MAIL_URL in production, and the poll
loop as a real process that stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from dpia.config import REPO_ROOT
from dpia.core.clock import set_clock
from dpia.core.extensions import db
from dpia.mail.models import MessageStatus
from tests.cli import run
from tests.mail.helpers import outbox_row, queue_committed


def test_once_delivers_what_is_due_and_exits(mail_app, smtp_server):
    row_id = queue_committed()
    result = run(mail_app, "worker", "--once")

    assert result.exit_code == 0, result.output
    assert "Attempted 1 message" in result.output
    assert len(smtp_server.handler.received) == 1
    assert outbox_row(row_id).status is MessageStatus.SENT


def test_once_without_mail_url_says_where_the_local_inbox_is(mail_app, tmp_path):
    queue_committed()
    result = run(mail_app, "worker", "--once")

    assert result.exit_code == 0, result.output
    assert f"local inbox {tmp_path / 'inbox'}" in result.output
    assert len(list((tmp_path / "inbox").glob("*.eml"))) == 1


def test_production_without_mail_url_refuses_to_start(mail_app, monkeypatch, tmp_path):
    monkeypatch.setitem(mail_app.config, "ENV_NAME", "production")
    row_id = queue_committed()
    result = run(mail_app, "worker", "--once")

    assert result.exit_code == 1
    assert "MAIL_URL is not set" in result.output and "set MAIL_URL" in result.output
    assert outbox_row(row_id).attempts == 0
    assert not (tmp_path / "inbox").exists()


def test_an_unusable_mail_url_refuses_to_start(mail_app, monkeypatch):
    monkeypatch.setitem(mail_app.config, "MAIL_URL", "http://mail.example.org")
    result = run(mail_app, "worker", "--once")

    assert result.exit_code == 1
    assert "MAIL_URL must start with smtp://" in result.output


def _wait_for(condition, *, seconds: float) -> bool:  # noqa: ANN001
    """Wait for another process to do something (not for the time to pass)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_the_loop_delivers_until_sigterm_then_exits_cleanly(mail_app, tmp_path):
    """The real command in its own process, as `make run` starts it beside gunicorn."""
    inbox = tmp_path / "inbox"
    env = {**os.environ, "FLASK_APP": "app", "DPIA_ENV": "local", "SECRET_KEY": "worker-test", "MAIL_URL": "",
           "DATABASE_URL": db.engine.url.render_as_string(hide_password=False), "MAIL_INBOX_DIR": str(inbox)}
    command = [str(Path(sys.executable).parent / "flask"), "dpia", "worker", "--interval", "0.2"]
    worker = subprocess.Popen(command, cwd=REPO_ROOT, env=env, text=True,  # noqa: S603 - our own command, no shell
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        set_clock(mail_app, None)  # that process reads the real clock, so the message is queued at the real time
        row_id = queue_committed()
        assert _wait_for(lambda: any(inbox.glob("*.eml")), seconds=60), "the worker delivered nothing"
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert worker.returncode == 0, output
    assert "worker stopping on SIGTERM" in output and "Traceback" not in output
    assert f"outbox message {row_id} sent on attempt 1" in output
    assert outbox_row(row_id).status is MessageStatus.SENT
