"""dpia: data protection impact assessments from first draft to published public record.

`create_app` is the composition root: it builds the app, lets `core` set up what every area stands
on, then lets each area register its models, blueprints, commands and template helpers. Areas that
answer under another area's URL prefix are nested in that area's blueprint here, once per process.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.routing import IntegerConverter

from dpia.config import REPO_ROOT, Config, config_from_environment


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


@cache
def blueprints() -> tuple[Blueprint, ...]:
    """Every top-level blueprint, one per URL prefix. Review, publication and FOI pages live under
    `/assessments`, and the questionnaire pages under `/admin`, so they are nested in those
    blueprints (blueprints cannot be nested again once registered, hence once per process)."""
    from dpia.accounts.views import account, admin, auth
    from dpia.api.views import bp as api
    from dpia.assessments.views import bp as assessments
    from dpia.attachments.views import bp as attachments
    from dpia.attachments.views import public_bp as published_files
    from dpia.cnil.views import bp as cnil
    from dpia.dashboard.views import bp as dashboard
    from dpia.documents.views import bp as documents
    from dpia.foi.views import bp as foi
    from dpia.publication.views.register import bp as public
    from dpia.publication.views.staff import bp as publication
    from dpia.questionnaires.views import bp as questionnaires
    from dpia.registers.views import bp as registers
    from dpia.review.views import bp as review
    from dpia.transfer.views import bp as transfer

    admin.register_blueprint(questionnaires)
    for child in (review, publication, foi, attachments, documents):
        assessments.register_blueprint(child)
    return auth, account, admin, dashboard, assessments, registers, public, api, transfer, cnil, published_files


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
    from dpia.core.templating import FastImportEnvironment

    app.jinja_environment = FastImportEnvironment  # before anything creates `app.jinja_env`
    # Whole numbers in URLs stop at the database's integer range, so a huge id is a 404, not an error.
    app.url_map.converters["int"] = BoundedIntegerConverter
    if isinstance(config, dict):
        app.config.update(config)
    else:
        app.config.update((config or config_from_environment()).load())
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(REPO_ROOT / "templates")),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                      "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf")}),
    ])

    from dpia import (
        accounts,
        api,
        assessments,
        attachments,
        cnil,
        core,
        demo,
        documents,
        foi,
        mail,
        publication,
        questionnaires,
        review,
        transfer,
    )
    from dpia.core.cli import dpia_cli

    core.init_app(app)
    for area in (accounts, mail, questionnaires, assessments, review, publication, documents, foi, attachments,
                 transfer, cnil, api, demo):
        area.init_app(app)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    app.cli.add_command(dpia_cli)
    return app
