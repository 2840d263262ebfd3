"""Freedom of information requests about an assessment, their numbered items and how each was answered.

The requester's name is personal data: it stays on these rows, for the FOI officer's letter, and never
reaches a log, an audit summary or any public output.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dpia.core.database import enum_type
from dpia.core.extensions import db
from dpia.foi.rules import Answer, NcndProvision, ReviewOutcome
from dpia.publication.rules import Exemption


class FoiRequest(db.Model):
    """A request: when it arrived (to the minute, for s.22), what it says, who made it, when the reply is
    due and was sent, and any internal review. `revision_id` is the revision it concerns, when known."""

    __tablename__ = "foi_request"
    __table_args__ = (Index("ix_foi_request_sent_on_due_on", "sent_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime]
    request_text: Mapped[str] = mapped_column(Text)
    requester_name: Mapped[str] = mapped_column(String(200))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id", ondelete="SET NULL"))
    due_on: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date | None] = mapped_column(Date)
    review_requested_on: Mapped[date | None] = mapped_column(Date)
    review_outcome: Mapped[ReviewOutcome | None] = mapped_column(enum_type(ReviewOutcome, "review_outcome",
                                                                           length=20))
    review_decided_on: Mapped[date | None] = mapped_column(Date)
    s22_conclusion: Mapped[str | None] = mapped_column(Text)  # the officer's view on "reasonable to withhold"
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    items: Mapped[list[FoiItem]] = relationship(back_populates="foi_request", order_by="FoiItem.position",
                                                cascade="all, delete-orphan")


class FoiItem(db.Model):
    """One numbered item of a request, the assessment parts it asks for, and its answer (None until given).

    `parts` holds "whole", "section:<key>" or "question:<key>" of the revision the request concerns.
    """

    __tablename__ = "foi_item"
    __table_args__ = (UniqueConstraint("request_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("foi_request.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    parts: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[Answer | None] = mapped_column(enum_type(Answer, "answer", length=20))
    published_url: Mapped[str | None] = mapped_column(String(500))
    exemption: Mapped[Exemption | None] = mapped_column(enum_type(Exemption, "exemption", length=20))
    ncnd: Mapped[NcndProvision | None] = mapped_column(enum_type(NcndProvision, "ncnd", length=20))
    pit_for: Mapped[str | None] = mapped_column(Text)
    pit_against: Mapped[str | None] = mapped_column(Text)
    pit_conclusion: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    foi_request: Mapped[FoiRequest] = relationship(back_populates="items")
