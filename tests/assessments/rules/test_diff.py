"""Comparing two revisions: answers, table rows matched by uid (or content), summaries."""

import pytest

from dpia.assessments.rules.diff import RowInput, Status, diff_revisions
from dpia.questionnaires.rules.definition import Option
from dpia.questionnaires.rules.reading import definition_from_dict
from dpia.questionnaires.rules.schema import parse
from tests.factories import FIXTURES

FIXTURE = FIXTURES / "all-types.yaml"
DEFINITION = definition_from_dict(parse(FIXTURE.read_text(), str(FIXTURE)))

BASE = {"basics.aims": "Find wanted people at events.", "basics.name": "LFR trial", "basics.children": False,
        "later.reason": "Children are not the subject of the trial."}

NON_MATCHES = {"data_category": "Faces that do not match", "period_days": 0, "trigger": "on_capture",
               "justification": "Nothing is kept.", "deletion_method": "automatic"}
WATCHLIST = {"data_category": "The watchlist", "period_days": 0, "trigger": "end_of_deployment",
             "justification": "Compiled for each deployment.", "deletion_method": "automatic"}
ALERTS = {"data_category": "Alert images", "period_days": 30, "trigger": "on_alert",
          "justification": "Long enough to deal with complaints.", "deletion_method": "automatic"}


def compare(old_answers=None, new_answers=None, old_rows=None, new_rows=None, old_def=DEFINITION,
            new_def=DEFINITION, **options):
    return diff_revisions(old_def, BASE if old_answers is None else old_answers, old_rows or {},
                          new_def, BASE if new_answers is None else new_answers, new_rows or {}, **options)


def section(diff, key):
    return next(s for s in diff.sections if s.key == key)


def question(diff, key):
    return next(q for s in diff.sections for q in s.questions if q.key == key)


def joined(tokens, *ops):
    return "".join(t.text for t in tokens if t.op in ops)


# -- answers --------------------------------------------------------------------------------------

def test_identical_revisions_have_no_changes():
    diff = compare()
    assert not diff.has_changes
    assert [s.summary for s in diff.sections] == ["No changes", "No changes"]
    assert [s.key for s in diff.sections] == ["basics", "later"]
    assert question(diff, "basics.name").status is Status.UNCHANGED


def test_changed_text_answer_has_a_word_diff():
    diff = compare(new_answers={**BASE, "basics.aims": "Find wanted people at planned events."})
    aims = question(diff, "basics.aims")
    assert aims.status is Status.CHANGED
    assert (aims.old_text, aims.new_text) == ("Find wanted people at events.", "Find wanted people at planned events.")
    assert ("planned", "insert") in aims.tokens
    assert joined(aims.new_tokens, "equal", "insert") == aims.new_text
    assert all(t.op != "insert" for t in aims.old_tokens)
    assert section(diff, "basics").summary == "1 answer changed"


def test_changed_plain_answers_use_display_text():
    diff = compare(new_answers={**BASE, "basics.kind": "new", "basics.people": 1200},
                   old_answers={**BASE, "basics.kind": "change", "basics.people": 1000})
    kind = question(diff, "basics.kind")
    assert (kind.old_text, kind.new_text) == ("Change to a system", "New system")
    assert kind.tokens == (("Change to a system", "delete"), ("New system", "insert"))
    assert question(diff, "basics.people").new_text == "1,200 people"
    assert section(diff, "basics").summary == "2 answers changed"


def test_answer_given_for_the_first_time_is_a_change():
    diff = compare(new_answers={**BASE, "basics.start": "2017-06-10"})
    start = question(diff, "basics.start")
    assert start.status is Status.CHANGED
    assert (start.old_text, start.new_text) == ("Not answered", "10 June 2017")
    assert start.old_tokens == () and start.new_tokens == (("10 June 2017", "insert"),)


def test_question_only_in_the_new_questionnaire_is_added_and_only_in_the_old_removed():
    data = parse(FIXTURE.read_text(), str(FIXTURE))
    data["sections"][0]["questions"].append({"key": "basics.extra", "label": "Extra", "type": "short_text"})
    data["sections"][0]["questions"] = [q for q in data["sections"][0]["questions"] if q["key"] != "basics.notice"]
    newer = definition_from_dict(data)
    diff = compare(old_answers={**BASE, "basics.notice": "https://example.test/privacy"},
                   new_answers={**BASE, "basics.extra": "More"}, new_def=newer)
    extra, notice = question(diff, "basics.extra"), question(diff, "basics.notice")
    assert (extra.status, extra.old_text, extra.new_text) == (Status.ADDED, None, "More")
    assert (notice.status, notice.old_text, notice.new_text) == (Status.REMOVED, "https://example.test/privacy", None)
    assert section(diff, "basics").summary == "1 answer added, 1 removed"
    # The new questionnaire's order first; a question it dropped stays in its old section, at the end.
    assert [q.key for q in section(diff, "basics").questions][-2:] == ["basics.extra", "basics.notice"]


def test_unanswered_question_asked_on_one_side_only_is_left_out():
    data = parse(FIXTURE.read_text(), str(FIXTURE))
    data["sections"][0]["questions"].append({"key": "basics.extra", "label": "Extra", "type": "short_text"})
    diff = compare(new_def=definition_from_dict(data))
    assert "basics.extra" not in [q.key for q in section(diff, "basics").questions]
    assert section(diff, "basics").summary == "No changes"


def test_question_that_stops_applying_counts_as_removed():
    old = {**BASE, "basics.children": True, "basics.children_safeguards": "Officers trained in safeguarding."}
    new = {**old, "basics.children": False}  # the safeguards answer is still stored, but hidden
    diff = compare(old_answers=old, new_answers=new)
    safeguards = question(diff, "basics.children_safeguards")
    assert safeguards.status is Status.REMOVED
    assert safeguards.new_text is None
    assert joined(safeguards.tokens, "delete") == "Officers trained in safeguarding."
    reason = question(diff, "later.reason")
    assert reason.status is Status.ADDED  # later.reason only applies when children are not affected
    assert section(diff, "basics").summary == "1 answer changed, 1 removed"
    assert section(diff, "later").summary == "1 answer added"


def test_hidden_questions_are_not_compared():
    old = {**BASE, "basics.children_safeguards": "Old hidden text"}
    new = {**BASE, "basics.children_safeguards": "New hidden text"}
    diff = compare(old_answers=old, new_answers=new)
    assert "basics.children_safeguards" not in [q.key for q in section(diff, "basics").questions]
    assert not diff.has_changes


# -- tables ---------------------------------------------------------------------------------------

def rows(*cells, uids=None):
    return [RowInput(uid, dict(c), str(i)) for i, (uid, c) in enumerate(zip(uids or [None] * len(cells), cells,
                                                                              strict=True), start=1)]


def test_rows_matched_by_uid_added_removed_and_changed():
    old = rows(NON_MATCHES, WATCHLIST, uids=["u1", "u2"])
    new = rows({**NON_MATCHES, "period_days": 1}, ALERTS, uids=["u1", "u3"])
    diff = compare(old_rows={"later.retention": old}, new_rows={"later.retention": new})
    table = question(diff, "later.retention").table
    assert [(r.status, r.uid) for r in table.rows] == [(Status.CHANGED, "u1"), (Status.ADDED, "u3"),
                                                       (Status.REMOVED, "u2")]
    changed = table.changed[0]
    assert changed.matched_by == "uid"
    assert [(c.key, c.label, c.old_text, c.new_text) for c in changed.changes] == [
        ("period_days", "Kept for", "0 days", "1 days")]
    added = table.added[0]
    assert added.title == "Alert images"
    assert {c.key: c.new_text for c in added.cells}["trigger"] == "When an alert is raised"
    assert all(c.old_text is None for c in added.cells)
    removed = table.removed[0]
    assert {c.key: c.old_text for c in removed.cells}["data_category"] == "The watchlist"
    assert question(diff, "later.retention").status is Status.CHANGED
    assert section(diff, "later").summary == "Retention rules: 1 added, 1 removed, 1 changed"


def test_uid_wins_over_content():
    """A row renamed in place is a change to that row, not one removed and one added."""
    old = rows(NON_MATCHES, uids=["u1"])
    new = rows({**NON_MATCHES, "data_category": "Non-matching faces"}, uids=["u1"])
    table = question(compare(old_rows={"later.retention": old}, new_rows={"later.retention": new}),
                     "later.retention").table
    assert [r.status for r in table.rows] == [Status.CHANGED]
    assert table.rows[0].changes[0].tokens == (("Faces that do not match", "delete"),
                                               ("Non-matching faces", "insert"))


def test_rows_without_a_uid_match_fall_back_to_the_first_column():
    """Revisions entered separately (like the demo's) have different uids but the same rows."""
    old = rows(NON_MATCHES, WATCHLIST, uids=["a1", "a2"])
    new = rows(NON_MATCHES, {**WATCHLIST, "justification": "Compiled for every deployment."}, ALERTS,
               uids=["b1", "b2", "b3"])
    diff = compare(old_rows={"later.retention": old}, new_rows={"later.retention": new})
    table = question(diff, "later.retention").table
    assert [(r.status, r.matched_by) for r in table.rows] == [
        (Status.UNCHANGED, "content"), (Status.CHANGED, "content"), (Status.ADDED, None)]
    assert [c.key for c in table.changed[0].changes] == ["justification"]
    assert table.changed[0].changes[0].tokens == (("Compiled for ", "equal"), ("each", "delete"),
                                                  ("every", "insert"), (" deployment.", "equal"))
    assert section(diff, "later").summary == "Retention rules: 1 added, 1 changed"


def test_plain_pairs_are_accepted_and_empty_first_columns_never_match():
    old = [(None, {"date": None, "alerts": 5}), ("x", {"date": "2017-06-01", "alerts": 104})]
    new = [(None, {"date": None, "alerts": 6}), ("y", {"date": "2017-06-01", "alerts": 104})]
    table = question(compare(old_rows={"later.deployments": old}, new_rows={"later.deployments": new}),
                     "later.deployments").table
    assert [r.status for r in table.rows] == [Status.ADDED, Status.UNCHANGED, Status.REMOVED]
    assert table.summary == "Deployments: 1 added, 1 removed"


def test_ratio_cells_are_compared_as_shown():
    old = [("d1", {"date": "2017-06-10", "alerts": 104, "confirmed": 2})]
    new = [("d1", {"date": "2017-06-10", "alerts": 104, "confirmed": 3})]
    table = question(compare(old_rows={"later.deployments": old}, new_rows={"later.deployments": new}),
                     "later.deployments").table
    assert [(c.key, c.old_text, c.new_text) for c in table.rows[0].changes] == [
        ("confirmed", "2", "3"), ("precision", "2 of 104 (1.9%)", "3 of 104 (2.9%)")]


def test_revision_dependent_options_are_looked_up_per_revision():
    def labels(*pairs):
        return lambda column: tuple(Option(v, t) for v, t in pairs) if column.options_from == "risks" else None

    measure = {"risk_uids": ["r-old"], "description": "Check every alert.", "effect": "reduced"}
    old = [("m1", measure)]
    new = [("m1", {**measure, "risk_uids": ["r-new"]})]
    diff = compare(old_rows={"later.measures": old}, new_rows={"later.measures": new},
                   old_options=labels(("r-old", "R1: Incorrect alerts")),
                   new_options=labels(("r-new", "R1: Incorrect alerts")))
    measures = question(diff, "later.measures")
    assert measures.status is Status.UNCHANGED  # the same risk as people read it
    assert measures.table.rows[0].title == "R1: Incorrect alerts"


def test_section_summary_combines_tables_and_answers():
    old = rows(NON_MATCHES, uids=["u1"])
    new = rows({**NON_MATCHES, "period_days": 1}, ALERTS, uids=["u1", "u2"])
    risks_new = [("k1", {"description": "Incorrect alerts", "likelihood": "possible", "severity": "severe"})]
    diff = compare(old_answers={**BASE}, new_answers={**BASE, "later.reason": "Adults only."},
                   old_rows={"later.retention": old}, new_rows={"later.retention": new, "later.risks": risks_new})
    assert section(diff, "later").summary == "Retention rules: 1 added, 1 changed; Risks: 1 added; 1 answer changed"
    assert section(diff, "basics").summary == "No changes"
    assert [s.key for s in diff.changed_sections] == ["later"]


def test_table_label_in_summaries():
    data = parse(FIXTURE.read_text(), str(FIXTURE))
    later = data["sections"][1]["questions"]
    later.append({"key": "later.retention2", "label": "Other retention", "type": "table", "rows": "retention_rule"})
    two = definition_from_dict(data)
    diff = compare(old_def=two, new_def=two, new_rows={"later.retention2": rows(ALERTS, uids=["z"])})
    # Two tables of retention rules in one section are told apart by their labels.
    assert section(diff, "later").summary == "Other retention: 1 added"


def test_section_only_in_the_old_questionnaire_comes_last():
    data = parse(FIXTURE.read_text(), str(FIXTURE))
    data["sections"] = [data["sections"][1]]
    # later.reason still applies: its show_if reads the stored answer about children.
    new_answers = {"later.reason": BASE["later.reason"], "basics.children": False}
    diff = compare(new_def=definition_from_dict(data), new_answers=new_answers, old_answers=BASE)
    assert [(s.key, s.status) for s in diff.sections] == [("later", Status.UNCHANGED), ("basics", Status.REMOVED)]
    assert section(diff, "basics").summary == "3 answers removed"


@pytest.mark.parametrize(("old", "new", "expected"), [
    ({"basics.children": True}, {"basics.children": False}, ("Yes", "No")),
    ({"basics.criteria": ["monitoring"]}, {"basics.criteria": ["monitoring", "biometric"]},
     ("Systematic monitoring", "Systematic monitoring, Biometric data")),
    ({"basics.owner": {"name": "Jo", "role": ""}}, {"basics.owner": {"name": "Jo", "role": "SIRO"}},
     ("Jo", "Jo, SIRO")),
])
def test_display_text_for_every_plain_type(old, new, expected):
    key = next(iter(old))
    diff = compare(old_answers={**BASE, "later.reason": None, **old}, new_answers={**BASE, "later.reason": None, **new})
    assert (question(diff, key).old_text, question(diff, key).new_text) == expected
