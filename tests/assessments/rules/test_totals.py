"""Totals across a table's rows: sums over the rows that recorded a count, "Not recorded" when none
did (never 0), and ratios of the sums, always with their denominator."""

import pytest

from dpia.assessments.rules.totals import NOT_RECORDED, Total, table_totals
from dpia.questionnaires.rules.definition import Column, QuestionType
from dpia.questionnaires.rules.reading import definition_from_dict
from dpia.questionnaires.services import BUILTIN_DIR, read_definition

T = QuestionType
COLUMNS = (
    Column("date", "Start date", T.DATE, required=True),
    Column("faces_scanned", "Faces scanned", T.NUMBER, integer=True, not_recorded=True, total=True),
    Column("alerts", "Alerts", T.NUMBER, integer=True, not_recorded=True, total=True),
    Column("confirmed", "Confirmed identifications", T.NUMBER, integer=True, not_recorded=True, total=True),
    Column("incorrect", "Incorrect alerts", T.NUMBER, integer=True, not_recorded=True, total=True),
    Column("watchlist_size", "Images on the watchlist", T.NUMBER, integer=True, not_recorded=True),
    Column("precision", "Precision", T.RATIO, ratio_of=("confirmed", "alerts")),
    Column("false_alert_share", "Share of alerts that were incorrect", T.RATIO, ratio_of=("incorrect", "alerts")),
    Column("per_image", "Alerts per watchlist image", T.RATIO, ratio_of=("alerts", "watchlist_size")),
)
MOTIVATING = {"date": "2017-06-10", "alerts": 104, "confirmed": 2, "incorrect": 102, "watchlist_size": 500}


def by_key(totals: tuple[Total, ...]) -> dict[str, Total]:
    return {t.key: t for t in totals}


def test_the_motivating_deployment():
    totals = by_key(table_totals(COLUMNS, [MOTIVATING], noun="deployments"))
    assert list(totals) == ["faces_scanned", "alerts", "confirmed", "incorrect", "precision", "false_alert_share"]
    assert totals["alerts"].text == "104" and totals["alerts"].value == 104
    assert totals["confirmed"].text == "2"
    assert totals["incorrect"].text == "102"
    assert totals["faces_scanned"].text == "Not recorded"
    assert totals["faces_scanned"].value is None and totals["faces_scanned"].recorded == 0
    assert totals["precision"].text == "2 of 104 (1.9%)"
    assert (totals["precision"].numerator, totals["precision"].denominator) == (2, 104)
    assert totals["precision"].is_ratio and not totals["alerts"].is_ratio
    assert totals["false_alert_share"].text == "102 of 104 (98.1%)"


def test_only_totalled_columns_and_ratios_of_two_totalled_columns_get_totals():
    keys = [t.key for t in table_totals(COLUMNS, [MOTIVATING])]
    assert "watchlist_size" not in keys and "date" not in keys
    assert "per_image" not in keys  # its denominator has no total
    assert table_totals((Column("n", "N", T.NUMBER),), [{"n": 1}]) == ()


def test_not_recorded_is_kept_apart_from_zero():
    recorded_zero = by_key(table_totals(COLUMNS, [{"faces_scanned": 0, "alerts": 0, "confirmed": 0}]))
    assert recorded_zero["faces_scanned"].text == "0" and recorded_zero["faces_scanned"].value == 0
    assert recorded_zero["alerts"].text == "0"
    assert recorded_zero["precision"].text == "0 of 0 (no rate)"
    assert recorded_zero["incorrect"].text == NOT_RECORDED  # missing, not zero
    nothing = by_key(table_totals(COLUMNS, [{"faces_scanned": None, "alerts": ""}, {}]))
    assert nothing["faces_scanned"].text == nothing["alerts"].text == "Not recorded"
    assert nothing["precision"].text == "Not recorded"
    assert nothing["alerts"].value is None and nothing["alerts"].rows == 2


def test_a_sum_over_some_rows_says_how_many_recorded_it():
    rows = [MOTIVATING, {"alerts": 10, "confirmed": 4, "incorrect": 6, "faces_scanned": 20_000},
            {"alerts": 0, "faces_scanned": 1_500}]
    totals = by_key(table_totals(COLUMNS, rows, noun="deployments"))
    assert totals["alerts"].text == "114"
    assert totals["faces_scanned"].text == "21,500 (2 of 3 deployments recorded this)"
    assert (totals["faces_scanned"].recorded, totals["faces_scanned"].rows) == (2, 3)
    assert totals["confirmed"].text == "6 (2 of 3 deployments recorded this)"


def test_the_example_of_104_over_two_of_three_rows():
    rows = [{"alerts": 100}, {"alerts": 4}, {}]
    alerts = by_key(table_totals(COLUMNS, rows, noun="deployments"))["alerts"]
    assert alerts.text == "104 (2 of 3 deployments recorded this)"


def test_a_ratio_uses_only_the_rows_that_recorded_both():
    rows = [MOTIVATING, {"alerts": 50}, {"alerts": 10, "confirmed": 4, "incorrect": 6}]
    totals = by_key(table_totals(COLUMNS, rows, noun="deployments"))
    assert totals["alerts"].text == "164"
    # The 50 alerts whose outcome nobody recorded stay out of the rate's denominator.
    assert totals["precision"].text == "6 of 114 (5.3%), from the 2 of 3 deployments that recorded both"
    assert (totals["precision"].numerator, totals["precision"].denominator) == (6, 114)
    assert totals["precision"].recorded == 2


def test_the_default_noun_and_units():
    column = Column("people", "People", T.NUMBER, unit="people", total=True)
    (total,) = table_totals((column,), [{"people": 1000}, {}])
    assert total.text == "1,000 people (1 of 2 rows recorded this)"


def test_no_rows():
    totals = by_key(table_totals(COLUMNS, []))
    assert totals["alerts"].text == "Not recorded" and totals["alerts"].rows == 0
    assert totals["precision"].text == "Not recorded"


@pytest.mark.parametrize("value", [True, "104", [104]])
def test_cells_that_are_not_numbers_are_not_counted(value):
    (total,) = table_totals((Column("n", "N", T.NUMBER, total=True),), [{"n": value}, {"n": 3}])
    assert total.text == "3 (1 of 2 rows recorded this)"


def test_the_lfr_deployment_records_total_the_motivating_case():
    lfr = definition_from_dict(read_definition(BUILTIN_DIR / "lfr-add-on.yaml"))
    table = lfr.question("lfr.deployments")
    assert table is not None
    totals = by_key(table_totals(table.columns, [MOTIVATING], noun="deployments"))
    assert {k: t.text for k, t in totals.items()} == {
        "faces_scanned": "Not recorded", "alerts": "104", "confirmed": "2", "incorrect": "102",
        "unadjudicated": "Not recorded", "engagements": "Not recorded", "arrests": "Not recorded",
        "precision": "2 of 104 (1.9%)", "false_alert_share": "102 of 104 (98.1%)",
    }
