"""dpia: data protection impact assessments from first draft to published public record."""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.routing import IntegerConverter

from dpia.config import REPO_ROOT, Config, config_from_environment

_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _request_is_read_only() -> bool:
    return has_request_context() and request.method in _READ_ONLY_METHODS


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    """Build the application.

    :param config: a `Config` class, a mapping of settings (tests), or None to pick by `DPIA_ENV`.
    """
    app = Flask(
        __name__,
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
        instance_path=str(REPO_ROOT / "instance"),
    )
    # Whole numbers in URLs stop at the database's integer range, so a huge id is a 404, not an error.
    app.url_map.converters["int"] = BoundedIntegerConverter
    if isinstance(config, dict):
        app.config.update(config)
    else:
        app.config.update((config or config_from_environment()).load())

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(REPO_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )

    from govuk_frontend_wtf.main import WTFormsHelpers

    from dpia import models  # noqa: F401  (registers every model with the metadata)
    from dpia.database import configure_engine
    from dpia.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    WTFormsHelpers(app)
    with app.app_context():
        configure_engine(db.engine, method_is_read_only=_request_is_read_only)

    from dpia.views import register_views

    register_views(app)

    from dpia.cli import register_cli

    register_cli(app)
    return app
