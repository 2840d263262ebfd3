"""Columns of the first-class tables: risks, measures, retention rules and access rules.

Their shape is fixed in code (and in the database) so they can be queried across assessments;
a questionnaire only says where such a table appears and what rows it starts with.
"""

from __future__ import annotations

from dpia.questionnaires.rules.definition import Column, Option, QuestionType, RowKind

RETENTION_TRIGGERS = (
    Option("on_capture", "When captured"),
    Option("on_alert", "When an alert is raised"),
    Option("end_of_deployment", "At the end of the deployment"),
    Option("case_closure", "When the case is closed"),
    Option("other", "Another event (explain in the justification)"),
)
DELETION_METHODS = (Option("automatic", "Automatic"), Option("manual", "Manual"))
MEASURE_EFFECTS = (
    Option("eliminated", "Eliminated"),
    Option("reduced", "Reduced"),
    Option("accepted", "Accepted"),
)

ROW_COLUMNS: dict[RowKind, tuple[Column, ...]] = {
    RowKind.RISK: (
        Column("description", "Risk to individuals", QuestionType.MARKDOWN, required=True,
               hint="The source of the risk and the harm it could do to people"),
        Column("affected", "Who is affected", QuestionType.SHORT_TEXT),
        Column("likelihood", "Likelihood of harm", QuestionType.SINGLE_CHOICE, required=True,
               options_from="likelihood"),
        Column("severity", "Severity of harm", QuestionType.SINGLE_CHOICE, required=True,
               options_from="severity"),
        Column("residual_likelihood", "Likelihood after measures", QuestionType.SINGLE_CHOICE,
               options_from="likelihood", hint="Leave blank until measures are agreed"),
        Column("residual_severity", "Severity after measures", QuestionType.SINGLE_CHOICE,
               options_from="severity"),
    ),
    RowKind.MEASURE: (
        Column("risk_uids", "Risks it addresses", QuestionType.MULTIPLE_CHOICE, required=True, options_from="risks",
               hint="A measure may address several risks"),
        Column("description", "Measure", QuestionType.MARKDOWN, required=True,
               hint="What you will do to reduce or remove the risk"),
        Column("effect", "Effect on the risk", QuestionType.SINGLE_CHOICE, required=True, options=MEASURE_EFFECTS),
        Column("approved", "Measure approved", QuestionType.YES_NO),
        # The action plan. Optional, so rows written before these columns existed stay complete.
        Column("owner", "Owner", QuestionType.SHORT_TEXT,
               hint="Who is responsible for putting the measure in place: a role rather than a name"),
        Column("due_on", "Due date", QuestionType.DATE, hint="When the measure should be in place"),
    ),
    RowKind.RETENTION_RULE: (
        Column("data_category", "Data", QuestionType.SHORT_TEXT, required=True,
               hint="For example, images of people who triggered an alert"),
        Column("period_days", "Kept for", QuestionType.NUMBER, unit="days", minimum=0, maximum=36_500, integer=True,
               hint="0 means deleted immediately. Leave blank if a policy sets the period, and explain below."),
        Column("trigger", "Counted from", QuestionType.SINGLE_CHOICE, required=True, options=RETENTION_TRIGGERS),
        Column("justification", "Why this period", QuestionType.MARKDOWN, required=True),
        Column("exceptions", "Exceptions", QuestionType.MARKDOWN,
               hint="For example, kept longer when needed as evidence"),
        Column("deletion_method", "How it is deleted", QuestionType.SINGLE_CHOICE, required=True,
               options=DELETION_METHODS),
    ),
    RowKind.ACCESS_RULE: (
        Column("data_category", "Data", QuestionType.SHORT_TEXT, required=True),
        Column("who", "Who may see it", QuestionType.SHORT_TEXT, required=True,
               hint="Roles rather than names, for example officers assigned to the deployment"),
        Column("logged", "Access is logged", QuestionType.YES_NO, required=True),
        Column("notes", "Conditions and controls", QuestionType.MARKDOWN),
    ),
}

ROW_KIND_LABELS = {
    RowKind.RISK: "risk",
    RowKind.MEASURE: "measure",
    RowKind.RETENTION_RULE: "retention rule",
    RowKind.ACCESS_RULE: "access rule",
}


def columns_for_kind(kind: RowKind) -> tuple[Column, ...]:
    return ROW_COLUMNS[kind]
