"""Throw-away databases for tests: a SQLite file, or a fresh PostgreSQL database per use."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def backends() -> list[str]:
    """SQLite always; PostgreSQL too when TEST_DATABASE_URL names a server."""
    return ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """Create an empty database beside TEST_DATABASE_URL's, yield its URL, then drop it.

    A database of its own per test session means parallel runs on one server never collide.
    """
    assert POSTGRES_URL, "TEST_DATABASE_URL is not set"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"dpia_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
    else:
        with fresh_postgres_database() as url:
            yield url
