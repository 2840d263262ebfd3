"""Review: comments, sign-off records bound to content, and the decisions revisions cite."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dpia.accounts.models import User
from dpia.core.database import enum_type
from dpia.core.extensions import db
from dpia.review.rules.sign_off import SignOffKind


class Comment(db.Model):
    """A remark on a revision or on one question of it; replies point at their parent."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_revision_id_resolved_at", "revision_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"))
    question_key: Mapped[str | None] = mapped_column(String(100))  # None: about the whole revision
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])


class SignOff(db.Model):
    """One row of the ICO step-7 sign-off table, signed against the exact content it covers.

    `content_hash` is the SHA-256 of the revision's canonical JSON when it was signed; approval
    recomputes the hash and refuses if any signed item no longer matches.
    """

    __tablename__ = "sign_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SignOffKind] = mapped_column(
        enum_type(SignOffKind, "sign_off_kind", length=40))
    signer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_position: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime]
    notes: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)  # kind-specific: recommendation, reasons...
    content_hash: Mapped[str] = mapped_column(String(64))

    signer: Mapped[User] = relationship()


class Decision(db.Model):
    """A decision taken between revisions (e.g. "alert images are kept for 30 days"), with its date."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    decided_on: Mapped[date] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(200))
    forum: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class RevisionDecision(db.Model):
    """Links a revision to the decisions that led to it."""

    __tablename__ = "revision_decision"

    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"), primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"), primary_key=True)

    decision: Mapped[Decision] = relationship(lazy="joined")


class ApprovalCondition(db.Model):
    """An action the approver made a condition of approval: what, who owns it, by when, and when it was done.

    Open conditions stay on the owning team's and the approver's dashboards until someone marks them done;
    they appear in the published record.
    """

    __tablename__ = "approval_condition"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))  # a person or role, as the approver wrote it
    due_on: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    done_note: Mapped[str | None] = mapped_column(Text)

    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])
