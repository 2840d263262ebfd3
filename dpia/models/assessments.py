"""Assessments, their numbered revisions, and the answers in each revision."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dpia.domain.states import Regime, RevisionState
from dpia.extensions import db
from dpia.models.questionnaires import QuestionnaireVersion
from dpia.models.users import Team, User


def _enum(enum_cls: type, name: str) -> Enum:
    return Enum(enum_cls, native_enum=False, length=32, create_constraint=True, name=name,
                values_callable=lambda members: [m.value for m in members])


class Assessment(db.Model):
    """The long-lived record for one project, e.g. `DPIA-2017-004`."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    regime: Mapped[Regime] = mapped_column(_enum(Regime, "regime"))
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
    __table_args__ = (UniqueConstraint("assessment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    number: Mapped[int]
    state: Mapped[RevisionState] = mapped_column(_enum(RevisionState, "revision_state"))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    rationale: Mapped[str | None] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Set by the workflow; kept as columns so dashboards can query them with an index.
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))  # the approved one it copies

    assessment: Mapped[Assessment] = relationship(back_populates="revisions")
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    created_by: Mapped[User | None] = relationship()
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
