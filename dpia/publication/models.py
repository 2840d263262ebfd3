"""Publication: the recorded intention to publish, slippage, redactions and the immutable public bundle."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from dpia.accounts.models import User
from dpia.assessments.models import Assessment, Revision
from dpia.core.database import enum_type
from dpia.core.extensions import db
from dpia.publication.rules import Exemption, Scope, TargetType


class PublicationDecision(db.Model):
    """A decision to publish a revision: scope, planned date (exact, month, quarter or undecided), channel.

    `recorded_at` is when the system learnt of it, from the server clock and the audit log, so the
    intention cannot be back-dated; `decided_on` is the date the decision-maker gives.
    """

    __tablename__ = "publication_decision"
    # The decisions whose revision has nothing scheduled yet, without reading the others (upcoming.py).
    __table_args__ = (Index("ix_publication_decision_scheduled_revision_id", "scheduled", "revision_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"), index=True)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(200))
    scope: Mapped[Scope] = mapped_column(enum_type(Scope, "scope", length=20))
    planned: Mapped[str] = mapped_column(String(20))  # a partial date: 2018-06-30, 2018-06, 2018-Q2, undecided
    channel: Mapped[str] = mapped_column(String(300))
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # Whether the revision's publication has been scheduled (set on all its decisions when it is, and on
    # any recorded after): the list of what is still planned then never passes over the public ones.
    scheduled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    revision: Mapped[Revision] = relationship()
    recorded_by: Mapped[User] = relationship()
    slippages: Mapped[list[Slippage]] = relationship(back_populates="decision", order_by="Slippage.recorded_at")


class Slippage(db.Model):
    """A planned date that passed, why, and the new plan. Kept as history, never edited."""

    __tablename__ = "slippage"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("publication_decision.id", ondelete="CASCADE"), index=True)
    previous_planned: Mapped[str] = mapped_column(String(20))
    new_planned: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    decision: Mapped[PublicationDecision] = relationship(back_populates="slippages")
    recorded_by: Mapped[User] = relationship()


class Redaction(db.Model):
    """A part of a revision withheld from the public, with its FOI Act exemption and reason.

    A new revision starts with the previous one's redactions as proposals (`proposed`, with the number
    of the revision they came from in `carried_from`): a proposal withholds like any redaction until a
    DPO confirms it (it stays, as an ordinary redaction) or drops it (it is deleted), and a revision
    with a proposal left cannot be scheduled.
    """

    __tablename__ = "redaction"
    __table_args__ = (
        UniqueConstraint("revision_id", "target_type", "target_key"),
        CheckConstraint("carried_from IS NOT NULL OR NOT proposed", name="proposal_is_carried"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"), index=True)
    target_type: Mapped[TargetType] = mapped_column(enum_type(TargetType, "target_type", length=20))
    target_key: Mapped[str] = mapped_column(String(100))  # section key, question key or row uid
    exemption: Mapped[Exemption] = mapped_column(enum_type(Exemption, "exemption", length=20))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    carried_from: Mapped[int | None]  # the number of the earlier revision this redaction was carried from
    proposed: Mapped[bool] = mapped_column(Boolean, default=False)


class Publication(db.Model):
    """The public bundle of one revision, rendered once at scheduling and never changed.

    Anonymous readers see it from `publish_at` on, unless it has been withdrawn: a condition
    checked in every query, so nothing has to run at the moment of publication.
    """

    __tablename__ = "publication"
    __table_args__ = (
        UniqueConstraint("revision_id"),
        Index("ix_publication_assessment_id_publish_at", "assessment_id", "publish_at"),
        # The feed's order (newest first, ties by id) and the validators' MIN/MAX of publish_at.
        Index("ix_publication_publish_at_id", "publish_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"))
    revision_number: Mapped[int]
    decision_id: Mapped[int] = mapped_column(ForeignKey("publication_decision.id"))
    publish_at: Mapped[datetime]
    scheduled_at: Mapped[datetime]
    scheduled_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    title: Mapped[str] = mapped_column(String(300))
    team_name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)  # plain text for listings and the feed
    search_text: Mapped[str] = mapped_column(Text)  # every public word, for the register's search
    html: Mapped[str] = mapped_column(Text)
    html_sha256: Mapped[str] = mapped_column(String(64))
    # The PDF and the Word file are built by the worker after scheduling (None until then), from the
    # document stored in `json`, so they show exactly what the page and the JSON show.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    docx: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    docx_sha256: Mapped[str | None] = mapped_column(String(64))
    json: Mapped[str] = mapped_column(Text)
    json_sha256: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))  # of the revision's canonical content (what was signed)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    assessment: Mapped[Assessment] = relationship()


class RegisterEntry(db.Model):
    """A publication as the register lists it: only the listing columns, never the stored bundles.

    Kept at about one row per assessment by `services/listing.py`. Visibility stays a query-time
    condition: an entry is public from `publish_at` until `public_until`, the earliest `publish_at` of
    a later non-withdrawn revision of the same assessment (NULL if none), so a revision that reaches its
    time supersedes the previous one without anything running. Withdrawn publications have no entry.
    The full-text index `register_search` (FTS5 on SQLite, a tsvector with GIN on PostgreSQL) follows
    these rows through triggers and is created by the migration, outside this metadata.
    """

    __tablename__ = "register_entry"
    __table_args__ = (
        UniqueConstraint("publication_id"),
        Index("ix_register_entry_publish_at_publication_id", "publish_at", "publication_id", "public_until"),
        Index("ix_register_entry_team_name_publish_at", "team_name", "publish_at", "publication_id", "public_until"),
        Index("ix_register_entry_assessment_id", "assessment_id"),
        Index("ix_register_entry_public_until", "public_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(40))
    revision_number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    team_name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    publish_at: Mapped[datetime]
    public_until: Mapped[datetime | None]


class RegisterVersion(db.Model):
    """One row that register maintenance bumps, so caches can validate listings without a scan.

    `entries` is the number of register entries, so the plain listing's count needs only two small
    indexed range counts (entries not yet public, entries no longer public).
    """

    __tablename__ = "register_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    entries: Mapped[int]
    changed_at: Mapped[datetime | None]


class PublicRetentionRule(db.Model):
    """A retention rule as one publication published it, for the public retention register.

    Written once at scheduling from the public (redacted) document, so a withheld row, question or
    section is never here and the text is exactly what the publication shows. Which rows are public
    is the register's condition: those of each assessment's current public revision (`RegisterEntry`).
    """

    __tablename__ = "public_retention_rule"
    __table_args__ = (UniqueConstraint("publication_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"))
    position: Mapped[int]  # the order the publication shows them in
    data_category: Mapped[str] = mapped_column(String(300))
    period_days: Mapped[int | None]  # 0 = deleted immediately; None = set by a policy
    trigger: Mapped[str] = mapped_column(String(100))  # as published: "When an alert is raised"
    justification: Mapped[str] = mapped_column(Text)  # plain text
    exceptions: Mapped[str | None] = mapped_column(Text)
    deletion_method: Mapped[str] = mapped_column(String(40))
