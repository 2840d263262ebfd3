"""The publication page's carried-over proposals: shown with what stops scheduling, confirmed or dropped
by the DPO, and a refused schedule that links to them and keeps what was typed."""

import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from dpia.assessments.services.content import load_content
from dpia.publication.models import Publication, Redaction
from dpia.publication.rules import Exemption, TargetType
from dpia.publication.services.redactions import set_redaction
from dpia.review.services.revisions import DecisionInput, start_revision
from tests import factories
from tests.factories import CANARY, approve, decide
from tests.web import as_user, csrf_token, sign_in, text_of

REF = "DPIA-2026-400"
BASE = f"/assessments/{REF}/revisions/2/publication"
NOTICE = "2 proposals carried over from revision 1 need a decision before this revision can be scheduled"


@pytest.fixture()
def carried(db):
    """Revision 1 withholds a row and a question; revision 2 (approved, decided) carries both as proposals."""
    data = factories.create_publication_setup()
    approve(data)
    first = data["revision"]
    for kind, key, exemption, reason in ((TargetType.ROW, data["hidden_row"], Exemption.S31_1_A, "Police tactics"),
                                         (TargetType.QUESTION, "basics.name", Exemption.S40_2, "Names of staff")):
        set_redaction(actor=data["dpo"], now=factories.NOW, content=load_content(first), target_type=kind,
                      target_key=key, exemption=exemption, reason=reason)
    second = start_revision(actor=data["author"], now=factories.NOW, assessment=first.assessment,
                            rationale="New rule", decisions=[DecisionInput(date(2017, 10, 16), "30 days", "Board",
                                                                           "Board")])
    data = {**data, "revision": second}
    approve(data)
    decide(data)
    db.session.commit()
    proposals = {r.target_type: r.id for r in db.session.scalars(select(Redaction).where(
        Redaction.revision_id == second.id))}
    return {**data, "row_proposal": proposals[TargetType.ROW], "name_proposal": proposals[TargetType.QUESTION]}


def ids_of(html: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', html))


def test_the_page_shows_the_proposals_and_what_they_block(app, carried):
    dpo = as_user(app, carried["dpo"])
    response = dpo.get(BASE)
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert NOTICE in page and 'href="#proposals"' in html and 'id="proposals"' in html
    assert "Carried from" in page and "Revision 1" in page and "Police tactics" in page
    row_id = carried["row_proposal"]
    # Each proposal's form shows its exemption and reason as carried, under ids of its own.
    assert re.search(r'<option value="s31_1_a" selected>', html[html.index(f'id="proposal-{row_id}-exemption"'):])
    repeated = {name: n for name, n in ids_of(html).items() if n > 1 and name != "csrf_token"}
    assert repeated == {}
    assert not any(citation in html for citation in ("s.24(2)", "s.31(3)", "s.23(5)", "s.40(5)"))
    preview = dpo.get(f"{BASE}/preview").get_data(as_text=True)
    assert CANARY not in preview and "Withheld under FOI Act s.31(1)(a): Police tactics" in preview
    assert NOTICE in preview


def test_scheduling_is_refused_with_a_link_to_the_proposals_and_the_typed_time_kept(app, db, carried):
    dpo = as_user(app, carried["dpo"])
    token = csrf_token(dpo, BASE)
    refused = dpo.post(f"{BASE}/schedule", data={"csrf_token": token, "publish_date": ["1", "6", "2030"],
                                                 "publish_time": "09:30"})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    summary = html[html.index("govuk-error-summary"):html.index("</ul>", html.index("govuk-error-summary"))]
    assert 'href="#proposals"' in summary and NOTICE in text_of(refused)
    assert 'value="2030"' in html and 'value="09:30"' in html
    assert db.session.scalar(select(Publication)) is None


def test_the_dpo_confirms_one_drops_the_other_then_schedules(app, db, carried):
    dpo = as_user(app, carried["dpo"])
    token = csrf_token(dpo, BASE)
    row_id, name_id = carried["row_proposal"], carried["name_proposal"]
    prefix = f"proposal-{row_id}"
    bad = dpo.post(f"{BASE}/proposals/{row_id}/confirm",
                   data={f"{prefix}-csrf_token": token, f"{prefix}-exemption": "s38", f"{prefix}-reason": " "})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert f'href="#{prefix}-reason"' in html
    assert re.search(r'<option value="s38" selected>', html[html.index(f'id="{prefix}-exemption"'):])  # kept
    assert dpo.post(f"{BASE}/proposals/{row_id}/confirm",
                    data={f"{prefix}-csrf_token": token, f"{prefix}-exemption": "s38",
                          f"{prefix}-reason": "Safety of officers"}).status_code == 302
    confirmed = db.session.get(Redaction, row_id)
    assert (confirmed.proposed, confirmed.exemption, confirmed.reason) == (False, Exemption.S38, "Safety of officers")
    assert dpo.post(f"{BASE}/proposals/{name_id}/drop", data={"csrf_token": token}).status_code == 302
    assert db.session.get(Redaction, name_id) is None
    page = text_of(dpo.get(BASE))
    assert "need a decision" not in page and "Carried from revision 1, confirmed" in page
    assert dpo.post(f"{BASE}/schedule", data={"csrf_token": token, "publish_date": ["1", "6", "2030"],
                                              "publish_time": "09:30"}).status_code == 302
    publication = db.session.scalar(select(Publication))
    assert f"Hidden {CANARY}" not in publication.html and f"Secret {CANARY}" in publication.html
    assert "Withheld under FOI Act s.38: Safety of officers" in publication.html


def test_only_the_dpo_decides_on_proposals(app, carried):
    author = as_user(app, carried["author"])
    token = csrf_token(author, BASE)
    assert author.post(f"{BASE}/proposals/{carried['row_proposal']}/drop", data={"csrf_token": token}
                       ).status_code == 403
    assert author.post(f"{BASE}/proposals/{carried['row_proposal']}/confirm", data={"csrf_token": token}
                       ).status_code == 403
    assert "Confirm: keep it withheld" not in author.get(BASE).get_data(as_text=True)


def test_a_proposal_of_another_revision_is_not_found(app, carried):
    dpo = as_user(app, carried["dpo"])
    token = csrf_token(dpo, BASE)
    other = f"/assessments/{REF}/revisions/1/publication/proposals/{carried['row_proposal']}/drop"
    assert dpo.post(other, data={"csrf_token": token}).status_code == 404


def test_the_demo_revision_2_carries_the_watchlist_section_as_a_proposal(app, demo):
    client = app.test_client()
    assert sign_in(client, "dpo@demo.test", "demonstration-only").status_code == 302
    base = "/assessments/DPIA-2017-004/revisions/2/publication"
    page = text_of(client.get(base))
    assert "1 proposal carried over from revision 1 needs a decision before this revision can be scheduled" in page
    assert "Section: Live facial recognition: watchlist" in page and "Nothing is withheld" not in page
    preview = text_of(client.get(f"{base}/preview"))
    assert "Withheld under FOI Act s.31(1)(a)" in preview
    assert "People wanted by the police, including suspects" not in preview


def test_a_proposal_whose_part_is_gone_is_marked_and_offers_only_drop(app, db, carried):
    proposal = db.session.get(Redaction, carried["row_proposal"])
    proposal.target_key = "row-removed-since"  # as if the row had been removed from revision 2
    db.session.commit()
    html = as_user(app, carried["dpo"]).get(BASE).get_data(as_text=True)
    card = html[html.index(f'id="proposal-{proposal.id}"'):html.index(f'id="proposal-{carried["name_proposal"]}"')]
    assert "No longer in this revision" in card and "Drop: publish it" in card
    assert "Confirm: keep it withheld" not in card
