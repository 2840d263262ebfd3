"""The built-in questionnaires: valid, loadable, consistent with each other and with the demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from dpia.assessments.rules.risk import rate
from dpia.demo import live_facial_recognition as lfr_demo
from dpia.demo.body_worn_video import BODY_WORN_VIDEO
from dpia.questionnaires.rules.definition import Definition, QuestionnaireKind, QuestionType, RowKind, combine
from dpia.questionnaires.rules.reading import definition_from_dict
from dpia.questionnaires.rules.schema import parse
from dpia.questionnaires.services import BUILTIN_DIR
from tests.questionnaires.builtin import BUILTIN_FILES, question


def test_the_expected_files_are_built_in():
    assert {p.name for p in BUILTIN_FILES} >= {"uk-dpia.yaml", "lfr-add-on.yaml"}


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda p: p.name)
def test_each_built_in_file_passes_the_validator_and_loads(path: Path):
    data = parse(path.read_text(encoding="utf-8"), str(path))
    definition = definition_from_dict(data)
    assert definition.key == data["key"]
    assert definition.sections and definition.questions


def test_core_and_add_on_metadata(core: Definition, lfr: Definition):
    assert core.kind is QuestionnaireKind.CORE and core.version == "2.1"
    assert core.risk_model is not None and core.risk_model.key == "ico-3x3"
    assert rate(core.risk_model, "possible", "significant") == "medium"
    assert [s.key for s in core.sections] == ["screening", "need", "processing", "consultation", "necessity",
                                              "risks", "measures", "outcomes", "review"]
    assert lfr.kind is QuestionnaireKind.ADD_ON and lfr.version == "1.1" and lfr.risk_model is None
    assert [s.key for s in lfr.sections] == ["lfr-legal", "lfr-article8", "lfr-deployment", "lfr-watchlist",
                                             "lfr-technology", "lfr-equality", "lfr-data", "lfr-risks",
                                             "lfr-deployments"]
    assert set(lfr.regimes) == {"dpa_2018_part_3", "uk_gdpr", "both"}
    assert all(s.key.startswith("lfr-") for s in lfr.sections)
    assert all(q.key.startswith("lfr.") for q in lfr.questions)


def test_question_and_section_keys_are_unique_across_core_and_add_on(core: Definition, lfr: Definition,
                                                                      combined: Definition):
    section_keys = [s.key for s in combined.sections]
    question_keys = [q.key for q in combined.questions]
    assert len(section_keys) == len(set(section_keys)) == len(core.sections) + len(lfr.sections)
    assert len(question_keys) == len(set(question_keys)) == len(core.questions) + len(lfr.questions)
    assert all(combined.question(q.key) is q for q in combined.questions)


def test_core_question_keys_follow_section_names(core: Definition):
    for section in core.sections:
        for q in section.questions:
            prefix, _, name = q.key.partition(".")
            assert prefix == section.key and name and name == name.lower(), q.key


def test_every_question_type_is_used(definitions: dict[str, Definition]):
    questions = [q for d in definitions.values() for q in d.questions]
    used = {q.type for q in questions}
    assert used == set(QuestionType) - {QuestionType.RATIO}
    column_types = {c.type for q in questions for c in q.columns}
    assert QuestionType.RATIO in column_types


DEMO_TEXTS = {"trial revision 1": lfr_demo.TRIAL_REVISION_1, "trial revision 2": lfr_demo.TRIAL_REVISION_2_CHANGES,
              "stadium": lfr_demo.STADIUM_REVISION_1, "body-worn video": BODY_WORN_VIDEO}


def fits(spec, value) -> bool:  # noqa: ANN001
    """Whether a typed value is one the question or column accepts."""
    kind = spec.type
    if kind is QuestionType.SINGLE_CHOICE and not getattr(spec, "options_from", None):
        return value in {o.value for o in spec.options}
    if kind is QuestionType.MULTIPLE_CHOICE and not getattr(spec, "options_from", None):
        return set(value) <= {o.value for o in spec.options}
    if kind is QuestionType.YES_NO:
        return isinstance(value, bool)
    if kind is QuestionType.PERSON:
        return set(value) == {"name", "role"}
    if kind is QuestionType.NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


@pytest.mark.parametrize("name", list(DEMO_TEXTS))
def test_demo_content_fits_its_questions(definitions: dict[str, Definition], name: str):
    """Every demo answer and table cell names a real question or column, with a value it accepts (the demo
    stores typed values, so nothing else would catch a typo)."""
    combined = combine(definitions["uk-dpia"], (definitions["lfr-add-on"],))
    text = DEMO_TEXTS[name]
    for key, value in {**text.answers, **lfr_demo.VAN_DRAFT_ANSWERS}.items():
        question = combined.question(key)
        assert question is not None and fits(question, value), key
    for key, rows in text.tables.items():
        columns = {c.key: c for c in combined.question(key).columns}
        for row in rows:
            for column, value in row.items():
                assert column in columns and fits(columns[column], value), (key, column)
            assert {c.key for c in columns.values() if c.required and not c.is_computed} <= set(row), key


def test_core_declares_its_key_questions(core: Definition, lfr: Definition, combined: Definition):
    assert core.key_questions == {
        "screening_triggers": "screening.mandatory_triggers",
        "screening_criteria": "screening.criteria",
        "screening_ico_list": "screening.ico_list",
        "screening_outcome": "screening.outcome",
        "screening_section": "screening",
        "views_sought": "consultation.views_sought",
    }
    assert question(core, "screening.mandatory_triggers") is core.key_question("screening_triggers")
    assert core.key_section("screening_section") is core.section("screening")
    assert lfr.key_questions == {}
    assert combined.key_questions == core.key_questions


def test_none_of_these_is_exclusive(definitions: dict[str, Definition]):
    triggers = {o.value: o for o in question(definitions["uk-dpia"], "screening.mandatory_triggers").options}
    assert triggers["none"].exclusive and triggers["none"].label == "None of these"
    assert [v for v, o in triggers.items() if o.exclusive] == ["none"]
    # Every "none" option of a multiple choice question is exclusive, and only those are.
    for q in (q for d in definitions.values() for q in d.questions):
        for option in q.options:
            is_none = option.value == "none" or option.label.lower().startswith("none")
            if q.type is QuestionType.MULTIPLE_CHOICE:
                assert option.exclusive is is_none, f"{q.key}: {option.value}"
            else:
                assert not option.exclusive, f"{q.key}: {option.value}"


def test_first_class_tables_sit_where_expected(core: Definition, lfr: Definition):
    expected = [
        (core, "processing.retention", RowKind.RETENTION_RULE),
        (core, "processing.access", RowKind.ACCESS_RULE),
        (core, "risks.register", RowKind.RISK),
        (core, "measures.register", RowKind.MEASURE),
        (lfr, "lfr.retention", RowKind.RETENTION_RULE),
        (lfr, "lfr.access", RowKind.ACCESS_RULE),
        (lfr, "lfr.risks", RowKind.RISK),
    ]
    for definition, key, kind in expected:
        q = question(definition, key)
        assert q.type is QuestionType.TABLE and q.row_kind is kind, key
        assert q.columns, key
    for key in ("processing.retention", "processing.access", "risks.register"):
        assert question(core, key).min_rows == 1


def test_prefilled_cells_use_known_columns_and_choices(definitions: dict[str, Definition]):
    for q in (q for d in definitions.values() for q in d.questions if q.prefill):
        columns = {c.key: c for c in q.columns}
        for row in q.prefill:
            for cell, value in row.items():
                assert cell in columns, f"{q.key}: unknown column {cell}"
                options = {o.value for o in columns[cell].options}
                if options:
                    assert value in options, f"{q.key}: {cell}={value!r}"
            for column in columns.values():
                # Risk ratings are left for the author; everything else required must be prefilled.
                if column.required and not column.options_from:
                    assert row.get(column.key) not in (None, ""), f"{q.key}: {column.key} missing"


def test_lfr_retention_prefill(lfr: Definition):
    rows = question(lfr, "lfr.retention").prefill
    assert any(r.get("period_days") == 30 and r["trigger"] == "on_alert" for r in rows)
    alert_rows = [r for r in rows if r["trigger"] == "on_alert"]
    assert [r["data_category"] for r in alert_rows] == ["Alert images and match data, for confirmed alerts",
                                                         "Alert images and match data, for incorrect alerts"]
    for row in alert_rows:  # each with its own period, to be checked against the force's policy
        assert isinstance(row.get("period_days"), int), row["data_category"]
    assert not any("confirmed and incorrect" in r["data_category"] for r in rows)
    assert any(r.get("period_days") == 0 and r["trigger"] == "on_capture" and r["deletion_method"] == "automatic"
               for r in rows)
    alert = next(r for r in rows if r["trigger"] == "on_alert")
    assert "evidence" in alert["exceptions"]
    policy = next(r for r in rows if r["trigger"] == "other")
    assert "period_days" not in policy and policy["deletion_method"] == "manual"


def test_lfr_access_prefill(lfr: Definition):
    rows = question(lfr, "lfr.access").prefill
    assert any(r["who"].lower() == "officers and staff assigned to the deployment" and r["logged"] is True
               for r in rows)


def test_lfr_risk_prefill(lfr: Definition):
    rows = question(lfr, "lfr.risks").prefill
    assert len(rows) == 10
    assert all(set(r) <= {"description", "affected"} and r["description"].strip() for r in rows)


def test_lfr_deployment_ratios_divide_number_columns(lfr: Definition):
    table = question(lfr, "lfr.deployments")
    assert table.type is QuestionType.TABLE and table.row_kind is None
    columns = {c.key: c for c in table.columns}
    ratios = [c for c in table.columns if c.type is QuestionType.RATIO]
    assert {c.ratio_of for c in ratios} == {("confirmed", "alerts"), ("incorrect", "alerts")}
    for ratio in ratios:
        for part in ratio.ratio_of:
            assert columns[part].type is QuestionType.NUMBER
    for key in ("watchlist_size", "faces_scanned", "alerts", "confirmed", "incorrect", "unadjudicated",
                "engagements", "arrests"):
        assert columns[key].not_recorded and columns[key].integer and columns[key].minimum == 0, key
        assert not columns[key].required, key  # empty means not recorded, so it cannot be required


def test_lfr_deployment_records_columns(lfr: Definition):
    columns = {c.key: c for c in question(lfr, "lfr.deployments").columns}
    assert list(columns) == [
        "date", "end", "times", "location", "authorising_officer", "authorisation_reference", "threshold",
        "watchlist_size", "faces_scanned", "alerts", "confirmed", "incorrect", "unadjudicated", "engagements",
        "arrests", "precision", "false_alert_share", "age_recorded", "notes"]
    # The start keeps the key `date`, so deployments already recorded keep their day.
    assert columns["date"].type is QuestionType.DATE and columns["date"].required
    assert columns["date"].label == "Start date"
    assert columns["end"].type is QuestionType.DATE and columns["end"].required
    assert columns["times"].type is QuestionType.SHORT_TEXT
    assert columns["threshold"].type is QuestionType.NUMBER and not columns["threshold"].integer
    assert columns["authorisation_reference"].type is QuestionType.SHORT_TEXT
    totalled = {key for key, c in columns.items() if c.total}
    assert totalled == {"faces_scanned", "alerts", "confirmed", "incorrect", "unadjudicated", "engagements",
                        "arrests"}
    assert all(columns[key].type is QuestionType.NUMBER for key in totalled)
    assert not columns["watchlist_size"].total  # adding watchlist sizes across deployments means nothing


def test_conditional_questions(core: Definition, lfr: Definition):
    assert question(core, "screening.not_required_justification").applies({"screening.outcome": "not_required"})
    assert not question(core, "screening.not_required_justification").applies({"screening.outcome": "required"})
    reason = question(core, "consultation.no_views_reason")
    assert reason.applies({"consultation.views_sought": False})
    assert not reason.applies({"consultation.views_sought": True})
    safeguards = question(lfr, "lfr.children_safeguards")
    assert safeguards.applies({"lfr.children_on_watchlist": True})
    assert not safeguards.applies({"lfr.children_on_watchlist": False})


def test_check_command_points_at_the_broken_line(app, tmp_path: Path):
    text = (BUILTIN_DIR / "uk-dpia.yaml").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == "- key: need.aims")
    index = next(i for i in range(start, len(lines)) if lines[i].strip() == "type: markdown")
    lines[index] = lines[index].replace("type: markdown", "type: essay")
    path = tmp_path / "broken.yaml"
    path.write_text("".join(lines), encoding="utf-8")

    result = app.test_cli_runner().invoke(args=["dpia", "questionnaire", "check", str(path)])

    assert result.exit_code == 1
    assert f"{path}:{index + 1}: question 'need.aims'" in result.output
    assert "'type' must be one of" in result.output


def test_check_command_accepts_the_built_in_files(app):
    result = app.test_cli_runner().invoke(
        args=["dpia", "questionnaire", "check", *(str(p) for p in BUILTIN_FILES)])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == len(BUILTIN_FILES)
