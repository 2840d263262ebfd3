"""The grounds for withholding content are exactly the FOI Act's exemptions that can stand beside
withheld text; no neither-confirm-nor-deny provision is offered anywhere a part is withheld (those are
for FOI responses only)."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from dpia.assessments.services.content import load_content
from dpia.core.errors import ValidationError
from dpia.publication.rules import EXEMPTIONS, Exemption, TargetType
from dpia.publication.services.redactions import set_redaction
from forms.publication import ProposalForm, RedactionForm
from tests import factories

GROUNDS = {
    "s21": ("s.21", "information reasonably accessible to the applicant by other means"),
    "s22": ("s.22", "information intended for future publication"),
    "s23_1": ("s.23(1)", "information supplied by, or relating to, bodies dealing with security matters"),
    "s24_1": ("s.24(1)", "national security"),
    "s26": ("s.26", "defence"),
    "s27": ("s.27", "international relations"),
    "s30": ("s.30", "investigations and proceedings"),
    "s31_1_a": ("s.31(1)(a)", "law enforcement: the prevention or detection of crime"),
    "s31_1_b": ("s.31(1)(b)", "law enforcement: the apprehension or prosecution of offenders"),
    "s31_1_c": ("s.31(1)(c)", "law enforcement: the administration of justice"),
    "s36": ("s.36", "prejudice to the effective conduct of public affairs"),
    "s38": ("s.38", "health and safety"),
    "s40_2": ("s.40(2)", "personal information of people other than the applicant"),
    "s41": ("s.41", "information provided in confidence"),
    "s42": ("s.42", "legal professional privilege"),
    "s43": ("s.43", "commercial interests"),
}
# Neither confirm nor deny: s.23(5), s.24(2), s.31(3), s.40(5), under any spelling a code might take.
NCND_CODES = ("s23_5", "s24_2", "s31_3", "s40_5")
NCND_CITATIONS = ("s.23(5)", "s.24(2)", "s.31(3)", "s.40(5)")


def test_the_grounds_are_exactly_the_list_each_with_citation_and_label():
    assert {e.value: (e.citation, EXEMPTIONS[e][1]) for e in Exemption} == GROUNDS
    assert Exemption.S31_1_A.label == "s.31(1)(a): law enforcement: the prevention or detection of crime"
    assert all(e.label.startswith(f"{e.citation}: ") for e in Exemption)


def test_no_neither_confirm_nor_deny_provision_is_a_ground():
    assert not set(NCND_CODES) & {e.value for e in Exemption}
    assert not set(NCND_CITATIONS) & {e.citation for e in Exemption}
    for code in NCND_CODES:
        with pytest.raises(ValueError):
            Exemption(code)


def test_the_forms_offer_exactly_the_grounds(app):
    with app.test_request_context():
        for form in (RedactionForm(formdata=None), ProposalForm(formdata=None)):
            assert [choice.value for choice in form.exemption.choices] == ["", *GROUNDS]  # "" selects nothing
            labels = " ".join(choice.label for choice in form.exemption.choices)
            assert not any(citation in labels for citation in NCND_CITATIONS)


@pytest.mark.parametrize("code", NCND_CODES)
def test_the_service_refuses_a_neither_confirm_nor_deny_code(db, setup, code):
    with pytest.raises(ValidationError, match="exemption"):
        set_redaction(actor=setup["dpo"], now=factories.NOW, content=load_content(setup["revision"]),
                      target_type=TargetType.QUESTION, target_key="basics.name", exemption=code, reason="x")


@pytest.fixture()
def setup(db):
    return factories.create_publication_setup()


def test_the_database_refuses_a_neither_confirm_nor_deny_code(db, setup):
    revision, dpo = setup["revision"], setup["dpo"]
    insert = text("INSERT INTO redaction (revision_id, target_type, target_key, exemption, reason, created_at, "
                  "created_by_id, proposed) VALUES (:revision, 'question', 'basics.name', :code, 'x', "
                  "'2017-04-12 09:30:00', :dpo, false)")
    for code in NCND_CODES:
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.execute(insert, {"revision": revision.id, "code": code, "dpo": dpo.id})
