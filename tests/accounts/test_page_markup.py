"""The account pages are well-formed HTML: every element closed in order, no id used twice, every
form control labelled by id. (axe-core in the browser tests checks the rest.)"""

from html.parser import HTMLParser

import pytest

from dpia.accounts.rules import Role
from tests import factories
from tests.web import as_user, text_of

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr"})


class Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        if tag == "label" and attributes.get("for"):
            self.label_for.add(attributes["for"])
        if tag in ("input", "select", "textarea") and attributes.get("type") not in ("hidden", "submit"):
            self.controls.append(attributes.get("id") or f"<{tag} name={attributes.get('name')}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.open[-1] if self.open else 'nothing'}>")
            if tag in self.open:
                while self.open and self.open.pop() != tag:
                    pass
            return
        self.open.pop()


def problems_in(html: str) -> list[str]:
    markup = Markup()
    markup.feed(html)
    markup.close()
    found = list(markup.problems)
    if markup.open:
        found.append(f"left open: {markup.open}")
    found += [f"id {id_!r} used twice" for id_ in sorted({i for i in markup.ids if markup.ids.count(i) > 1})]
    found += [f"control {control} has no label" for control in markup.controls if control not in markup.label_for]
    return found


@pytest.fixture()
def admin_client(app, db, clock):
    return as_user(app, factories.create_user(Role.ADMIN))


ADMIN_PAGES = ["/admin/users", "/admin/users/invite", "/admin/teams", "/account", "/account/password",
               "/account/sessions", "/account/two-factor"]
ANONYMOUS_PAGES = ["/sign-in", "/forgot-password", "/reset-password/no-such-link", "/invitation/no-such-link"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_signed_in_account_pages_are_well_formed(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert problems_in(text_of(response)) == []


def test_a_person_s_pages_for_admins_are_well_formed(admin_client):
    person = factories.create_user(Role.REVIEWER, teams=(factories.create_team(),))
    for path in (f"/admin/users/{person.id}", f"/admin/users/{person.id}/edit",
                 f"/admin/teams/{person.memberships[0].team_id}"):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert problems_in(text_of(response)) == [], path


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_pages_before_sign_in_are_well_formed(client, db, path):
    response = client.get(path)
    assert response.status_code in (200, 410)
    assert problems_in(text_of(response)) == []


def test_the_checker_finds_what_it_looks_for():
    assert problems_in("<div><p>text</div>") != []
    assert problems_in('<p id="a"></p><p id="a"></p>') == ["id 'a' used twice"]
    assert problems_in('<input id="x" name="x">') == ["control x has no label"]
