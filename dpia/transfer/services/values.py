"""How values are written in the format and read back: times, dates, bytes and people.

Both directions live side by side so that a value read back writes out to the same text.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, LargeBinary, select

from dpia.accounts.models import User
from dpia.accounts.services.users import normalise_email
from dpia.core.database import UTCDateTime
from dpia.core.extensions import db
from dpia.transfer.rules.reading import FileProblem


def moment(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def read_moment(value: str | None, path: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise FileProblem(f"At {path}: {value!r} is not a valid time.") from None
    if parsed.tzinfo is None:
        raise FileProblem(f"At {path}: {value!r} has no time zone; times are UTC.")
    return parsed.astimezone(UTC)


def read_day(value: str | None, path: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FileProblem(f"At {path}: {value!r} is not a valid date.") from None


def binary(value: bytes | None) -> str | None:
    return None if value is None else base64.b64encode(value).decode("ascii")


def read_binary(value: str | None, path: str) -> bytes | None:
    if value is None:
        return None
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise FileProblem(f"At {path}: the value is not valid base64.") from None


class People:
    """People as the format names them ({email, name}), and back to accounts in this database."""

    def __init__(self) -> None:
        self._by_id: dict[int, dict[str, str]] = {}
        self._by_email: dict[str, User] = {}
        self.created: list[User] = []

    def of(self, user_id: int | None) -> dict[str, str] | None:
        """The person with this account id, as the format writes them."""
        if user_id is None:
            return None
        if user_id not in self._by_id:
            user = db.session.get(User, user_id)
            self._by_id[user_id] = {"email": user.email, "name": user.name} if user else {"email": "", "name": ""}
        return self._by_id[user_id]

    def account(self, person: dict[str, str] | None, *, now: datetime) -> int | None:
        """The id of this person's account, matched by email; someone unknown here gets an account that
        is deactivated, with no password and no roles, so their name is kept and they cannot sign in."""
        if person is None:
            return None
        email = normalise_email(person["email"])
        if email not in self._by_email:
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                user = User(email=email, name=person["name"][:200], password_hash=None, active=False,
                            created_at=now, deactivated_at=now)
                db.session.add(user)
                db.session.flush()
                self.created.append(user)
            self._by_email[email] = user
        return self._by_email[email].id


def columns_of(model: Any, skip: set[str]) -> list[Any]:
    """A model's table columns in table order, without the ones named in `skip`."""
    return [column for column in model.__table__.columns if column.key not in skip]


def plain(value: Any) -> Any:
    """A stored value as the format writes it (times, dates and bytes as text)."""
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, bytes | memoryview):
        return binary(bytes(value))
    if hasattr(value, "value") and isinstance(value.value, str):  # a stored enum member
        return value.value
    return value


def check_columns(data: dict[str, Any], model: Any, skip: set[str], path: str, *,
                  named: frozenset[str] | set[str] = frozenset()) -> None:
    """Every key must be a column this database stores (or one of `named`), and no required column missing.

    :raise FileProblem: naming the key.
    """
    columns = {column.key: column for column in columns_of(model, skip)}
    unknown = sorted(set(data) - set(columns) - set(named))
    if unknown:
        raise FileProblem(f'At {path}: "{unknown[0]}" is not a column this database stores; import the file '
                          "into a service at least as new as the one that exported it.")
    missing = sorted(key for key, column in columns.items() if key not in data and not column.nullable)
    if missing:
        raise FileProblem(f'At {path}: the key "{missing[0]}" is missing.')


def column_values(data: dict[str, Any], model: Any, skip: set[str], path: str) -> dict[str, Any]:
    """A row's column values read back from the format by each column's type (absent ones as None)."""
    values: dict[str, Any] = {}
    for column in columns_of(model, skip):
        value = data.get(column.key)
        where = f"{path}.{column.key}"
        if isinstance(column.type, UTCDateTime):
            value = read_moment(value, where)
        elif isinstance(column.type, Date):
            value = read_day(value, where)
        elif isinstance(column.type, LargeBinary):
            value = read_binary(value, where)
        values[column.key] = value
    return values
