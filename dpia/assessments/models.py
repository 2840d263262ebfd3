"""Assessments, their numbered revisions, the answers in each revision, and the rows of table questions.

Risks, measures, retention and access rules are typed, first-class records (queryable across
assessments); other tables keep their typed cells as JSON."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from dpia.accounts.models import Team, User
from dpia.assessments.rules.regimes import Regime
from dpia.core.database import enum_type
from dpia.core.extensions import db
from dpia.questionnaires.models import QuestionnaireVersion
from dpia.questionnaires.rules.definition import RowKind
from dpia.review.rules.states import RevisionState


class Assessment(db.Model):
    """The long-lived record for one project, e.g. `DPIA-2017-004`."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    team: Mapped[Team] = relationship()
    created_by: Mapped[User | None] = relationship()
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="assessment", order_by="Revision.number"
    )


class Revision(db.Model):
    """One numbered revision, pinned to the questionnaire version it was written against.

    `lock_version` is SQLAlchemy's version counter: a save based on a stale read fails instead of
    silently overwriting someone else's change.
    """

    __tablename__ = "revision"
    __table_args__ = (
        UniqueConstraint("assessment_id", "number"),
        # The dashboard lists assessments by their latest revision, newest first, a page at a time.
        Index("ix_revision_created_at_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    number: Mapped[int]
    state: Mapped[RevisionState] = mapped_column(enum_type(RevisionState, "revision_state"))
    regime: Mapped[Regime] = mapped_column(enum_type(Regime, "regime"))  # the law in force when it was written
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    rationale: Mapped[str | None] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Set by the workflow; kept as columns so dashboards can query them with an index.
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))  # the approved one it copies

    assessment: Mapped[Assessment] = relationship(back_populates="revisions")
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    add_ons: Mapped[list[RevisionAddOn]] = relationship(
        cascade="all, delete-orphan", order_by="RevisionAddOn.position", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": lock_version}


class RevisionAddOn(db.Model):
    """An add-on questionnaire version (e.g. live facial recognition) used by a revision."""

    __tablename__ = "revision_add_on"

    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"), primary_key=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship(lazy="joined")


class SectionSave(db.Model):
    """The version counter of one section of one revision.

    A section form carries the counter it was loaded with; saving checks and bumps it, so when two
    people edit the same section the second save is refused with their text kept.
    """

    __tablename__ = "section_save"

    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"), primary_key=True)
    section_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    lock_version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}


class Answer(db.Model):
    """The answer to one question in one revision, stored as JSON keyed by the question key."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("revision_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(100))
    value: Mapped[Any] = mapped_column(JSON)
    lock_version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    revision: Mapped[Revision] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}


class RowMixin:
    """What every row has: its revision and question, a stable identity across revisions, an order,
    and a version counter so two people editing one row cannot overwrite each other."""

    id: Mapped[int] = mapped_column(primary_key=True)
    question_key: Mapped[str] = mapped_column(String(100))
    # Copied unchanged into the next revision, so diffs can match a row with its earlier self.
    row_uid: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    lock_version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime]

    @declared_attr
    def revision_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("revision.id", ondelete="CASCADE"))

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("user.id"))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805
        return (
            UniqueConstraint("revision_id", "row_uid"),
            Index(f"ix_{cls.__tablename__}_revision_id_question_key", "revision_id", "question_key"),
        )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.lock_version}


class Risk(RowMixin, db.Model):
    __tablename__ = "risk"

    description: Mapped[str] = mapped_column(Text)
    affected: Mapped[str | None] = mapped_column(String(300))
    risk_model_key: Mapped[str] = mapped_column(String(50))  # the scale every rating below is on
    likelihood: Mapped[str | None] = mapped_column(String(32))
    severity: Mapped[str | None] = mapped_column(String(32))
    overall: Mapped[str | None] = mapped_column(String(32))
    residual_likelihood: Mapped[str | None] = mapped_column(String(32))
    residual_severity: Mapped[str | None] = mapped_column(String(32))
    residual: Mapped[str | None] = mapped_column(String(32))


class Measure(RowMixin, db.Model):
    __tablename__ = "measure"

    risk_uids: Mapped[list[str] | None] = mapped_column(JSON)  # the risks it addresses (one or more)
    description: Mapped[str] = mapped_column(Text)
    effect: Mapped[str | None] = mapped_column(String(20))
    approved: Mapped[bool | None] = mapped_column(Boolean)
    # The action plan: who sees the measure through, and by when (both optional, so older rows stay valid).
    owner: Mapped[str | None] = mapped_column(String(500))
    due_on: Mapped[date | None] = mapped_column(Date)


class RetentionRule(RowMixin, db.Model):
    __tablename__ = "retention_rule"

    data_category: Mapped[str] = mapped_column(String(300))
    period_days: Mapped[int | None]  # 0 = deleted immediately; None = set by policy (explained)
    trigger: Mapped[str | None] = mapped_column(String(40))
    justification: Mapped[str | None] = mapped_column(Text)
    exceptions: Mapped[str | None] = mapped_column(Text)
    deletion_method: Mapped[str | None] = mapped_column(String(20))


class AccessRule(RowMixin, db.Model):
    __tablename__ = "access_rule"

    data_category: Mapped[str] = mapped_column(String(300))
    who: Mapped[str] = mapped_column(String(300))
    logged: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)


class TableRow(RowMixin, db.Model):
    """A row of a questionnaire-defined table; `cells` maps column keys to typed values."""

    __tablename__ = "table_row"

    cells: Mapped[dict[str, Any]] = mapped_column(JSON)


ROW_MODELS: dict[RowKind | None, type[RowMixin]] = {
    RowKind.RISK: Risk,
    RowKind.MEASURE: Measure,
    RowKind.RETENTION_RULE: RetentionRule,
    RowKind.ACCESS_RULE: AccessRule,
    None: TableRow,
}
