"""GOV.UK Frontend components rendered once per set of parameters (`dpia.core.templating`)."""

from __future__ import annotations

import re

import pytest
from flask import get_template_attribute
from markupsafe import Markup

from dpia.accounts.rules import Role
from dpia.core import templating
from dpia.core.templating import component
from tests import factories
from tests.web import as_user, text_of


@pytest.fixture
def fresh_components(monkeypatch):
    """An empty component cache, and the names of the macros called behind it."""
    templating._render_frozen.cache_clear()
    calls: list[str] = []
    real = templating.govuk_macro

    def counted(name: str):  # noqa: ANN202
        macro = real(name)
        calls.append(macro.name)
        return macro

    monkeypatch.setattr(templating, "govuk_macro", counted)
    yield calls
    templating._render_frozen.cache_clear()


def test_a_component_is_what_its_macro_renders_and_is_rendered_once(app, fresh_components):
    params = {"text": "Save and return to the task list", "name": "action", "value": "save"}
    with app.test_request_context():
        direct = get_template_attribute("govuk_frontend_jinja/components/button/macro.html", "govukButton")(params)
        first = component("button", params)
        again = component("button", dict(params))
    assert first == again == direct
    assert 'value="save"' in first
    assert fresh_components == ["govukButton"]


def test_text_and_markup_parameters_are_told_apart(app, fresh_components):
    """Markup is never taken from the cache, so a plain string is escaped as the macro would escape it."""
    with app.test_request_context():
        plain = component("back-link", {"text": "<b>Back</b>", "href": "/x"})
        marked = component("back-link", {"text": Markup("<b>Back</b>"), "href": "/x"})
    assert "&lt;b&gt;Back&lt;/b&gt;" in plain
    assert "<b>Back</b>" in marked
    assert len(fresh_components) == 2


def test_the_signed_in_frame_carries_this_requests_sign_out_token(app, db, fresh_components):
    """The navigation is cached without the account slot; each page puts its own token in."""
    client = as_user(app, factories.create_user(Role.TEAM_MEMBER, name="Pat Example"))
    fresh_components.clear()  # the sign-in pages had a frame without the account slot
    pages = [text_of(client.get("/")), text_of(client.get("/"))]
    for page in pages:
        assert "__dpia_account_slot__" not in page
        navigation = re.search(r'<section aria-label="Service information".*?</section>', page, re.S).group(0)
        assert 'action="/sign-out"' in navigation and "Pat Example" in navigation
        assert re.search(r'name="csrf_token" type="hidden" value="[^"]+"', navigation)
    assert fresh_components.count("govukServiceNavigation") == 1
