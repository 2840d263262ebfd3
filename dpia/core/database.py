"""Declarative base with a naming convention, shared column types, and engine settings."""

from __future__ import annotations

import enum
import select
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database.

    SQLite has no time zones and hands back naive values; PostgreSQL converts to the session's
    zone. Both come back from here as aware UTC, and naive values are refused on the way in so a
    local time can never be stored by accident.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(enum_class: type[enum.Enum], name: str, *, length: int = 32) -> Enum:
    """An enum column stored as its values (not member names), in a VARCHAR with a CHECK constraint.

    Values rather than native database enums: adding a member is then a reviewed change of one
    constraint, the same on SQLite and PostgreSQL.
    """
    return Enum(enum_class, native_enum=False, length=length, create_constraint=True, name=name,
                values_callable=lambda members: [member.value for member in members])


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


# A connection back in use within this many seconds is not pinged first (see below).
PING_AFTER_IDLE = 1.0


def ping_connections_that_sat_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it may be dead, not on every checkout.

    `pool_pre_ping` costs a round trip on every request, a third of a cached page's time on
    PostgreSQL. Instead a connection is pinged when it sat idle, or when its socket has something
    to read: an idle connection is sent nothing, unless the server is shutting it down (a restart,
    `pg_terminate_backend`). Looking costs a `select()` call, not a round trip. A dead connection is
    replaced, with the rest of the pool, before the page sees it.
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_in_doubt(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None:
            return  # opened just now
        if time.monotonic() - since < PING_AFTER_IDLE and not _socket_has_news(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The server went away: every pooled connection is as dead as this one. The pool retries.
            raise InvalidatePoolError("the pooled connection is gone") from error


def _socket_has_news(dbapi_connection: Any) -> bool:
    """Whether the server sent anything to a connection that asked nothing (or it cannot be told)."""
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except (AttributeError, OSError, ValueError):
        return True
    return bool(readable)


def configure_engine(engine: Engine, *, method_is_read_only: Callable[[], bool]) -> None:
    """Apply the SQLite settings multi-worker use needs; on other databases, ping doubtful connections.

    WAL lets readers run beside the one writer and `busy_timeout` makes writers queue. A deferred
    transaction that reads and then writes gets SQLITE_BUSY at once, without waiting, so writes
    start with `BEGIN IMMEDIATE`; requests that cannot write (GET, HEAD) start a plain `BEGIN` so
    readers do not queue behind each other.
    """
    if engine.dialect.name != "sqlite":
        ping_connections_that_sat_idle(engine)
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let the `begin` hook below issue BEGIN
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA busy_timeout=5000",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA secure_delete=ON",
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN" if method_is_read_only() else "BEGIN IMMEDIATE")
