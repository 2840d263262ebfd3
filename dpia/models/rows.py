"""Rows of table questions. Risks, measures, retention and access rules are typed, first-class
records (queryable across assessments); other tables keep their typed cells as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from dpia.domain.questionnaire import RowKind
from dpia.extensions import db


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

    risk_uid: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    effect: Mapped[str | None] = mapped_column(String(20))
    approved: Mapped[bool | None] = mapped_column(Boolean)


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
