"""Pure export rules: how long a build's lease lasts, the retry schedule, and what is kept of a failure."""

from __future__ import annotations

from datetime import timedelta

# A worker's claim on a build; a worker that dies mid-build delays it by at most this much.
LEASE = timedelta(minutes=10)
FIRST_RETRY_DELAY = timedelta(seconds=30)
MAX_ATTEMPTS = 3
ERROR_LENGTH = 200


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed build (30 s, 1 minute, 2 minutes, ...)."""
    return FIRST_RETRY_DELAY * 2 ** max(attempts - 1, 0)


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS


def failure_summary(error: BaseException) -> str:
    """What is stored and logged of a failed build: the kind of error only. Its message may quote the
    document (an answer the renderer choked on), which is personal data."""
    return f"The file could not be built ({type(error).__name__})"[:ERROR_LENGTH]
