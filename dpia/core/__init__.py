"""What every area stands on: extensions, the database, the clock, errors, hashing, pagination,
permission primitives, Markdown, security headers, templating, the transaction and the audit log.

Nothing here imports an area (an import-linter contract holds it to that).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Initialise the extensions and the request-wide hooks every area relies on."""
    from govuk_frontend_wtf.main import WTFormsHelpers

    from dpia.config import REPO_ROOT
    from dpia.core import error_pages, security, security_log, templating, transaction
    from dpia.core.audit import cli, models  # noqa: F401 - registers `dpia audit` and the audit model
    from dpia.core.database import configure_engine
    from dpia.core.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    WTFormsHelpers(app)
    with app.app_context():
        configure_engine(db.engine, method_is_read_only=security.request_is_read_only)
    security.init_app(app)
    security_log.init_app(app)
    error_pages.init_app(app)
    templating.init_app(app)
    transaction.init_app(app)  # last: its after-request hook must run before the others
