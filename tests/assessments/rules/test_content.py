"""The canonical document whose hash sign-offs are bound to."""

from dpia.assessments.rules.content import canonical_document
from dpia.core.hashing import canonical_json, sha256


def test_canonical_hash_is_stable_and_sensitive():
    def document(answers, rows=None):
        return canonical_document(questionnaires=[{"key": "uk-dpia", "version": 2, "content_hash": "h"}],
                                  question_keys=["a", "b"], answers=answers, rows=rows or {})
    base = sha256(canonical_json(document({"a": "x", "b": 1})))
    assert base == sha256(canonical_json(document({"b": 1, "a": "x"})))  # order does not matter
    assert base == sha256(canonical_json(document({"a": "x", "b": 1, "not.a.question": "ignored"})))
    assert base != sha256(canonical_json(document({"a": "x ", "b": 1})))
    with_row = sha256(canonical_json(document({"a": "x", "b": 1}, {"t": [("uid1", {"period_days": 30})]})))
    assert with_row != base
    assert with_row != sha256(canonical_json(document({"a": "x", "b": 1}, {"t": [("uid1", {"period_days": 31})]})))
