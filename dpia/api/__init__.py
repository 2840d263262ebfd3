"""The read API: JSON for other systems, with personal access tokens and an OpenAPI document."""

from flask import Flask, g, request
from flask.globals import request_ctx

from dpia.core.extensions import csrf, login_manager

API_BLUEPRINT = "api"
API_PREFIX = "/api"


def ignore_the_session() -> object:
    """An API call is authenticated by its token alone: the session cookie it may carry is set aside
    before anything reads it (the signed-in user stays anonymous, so the user loader never runs), and
    the empty session that replaces it is never written back, so the API sets no cookie.

    Registered as an app-wide hook from `init_app`, which runs before the blueprints that read the
    session (the MFA gate, re-authentication) are registered, so it runs before them. Addresses under
    /api that match no route get their JSON 404 or 405 here, for the same reason.
    """
    under_api = request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")
    if request.blueprint != API_BLUEPRINT and not under_api:
        return None
    app = request_ctx.app
    request_ctx._session = app.session_interface.make_null_session(app)  # Flask keeps it here
    g._login_user = login_manager.anonymous_user()  # Flask-Login's per-request user
    from dpia.api.views import routing_problem

    return routing_problem()


def init_app(app: Flask) -> None:
    from dpia.api import cli, models  # noqa: F401 - registers the models and the commands
    from dpia.api.views import bp
    from dpia.api.views.tokens import pages

    app.before_request(ignore_the_session)
    csrf.exempt(bp)  # no cookie is ever read or set, so there is no cross-site request to forge
    app.register_blueprint(pages)
