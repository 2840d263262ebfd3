"""The security log: one JSON line per security event on the `dpia.security` logger.

Each line carries the UTC time, the actor (an account id, never a name or an e-mail address), the
source IP, the event, its object and its outcome. JSON encoding keeps a CR or LF inside a value on
the same line. Callers never pass a password, token, code or session id: only ids and outcomes.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Iterable
from datetime import UTC
from typing import Any

from flask import Flask, current_app, has_request_context, request

from dpia.core import clock

logger = logging.getLogger("dpia.security")

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _trusted_networks(value: object) -> tuple[_Network, ...]:
    if not value:
        return ()
    items: Iterable[str] = value.split(",") if isinstance(value, str) else value  # type: ignore[assignment]
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def _is_trusted(address: str, networks: tuple[_Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip() -> str | None:
    """The address the request came from.

    The `X-Forwarded-For` header is believed only when `TRUSTED_PROXIES` lists the proxies in front
    of the app, and only as far as those proxies: the first address from the right that is not a
    trusted proxy is the client. Without `TRUSTED_PROXIES` the header is ignored, since anyone can
    send it.
    """
    if not has_request_context():
        return None
    remote = request.remote_addr
    networks = _trusted_networks(current_app.config.get("TRUSTED_PROXIES"))
    if not networks or remote is None or not _is_trusted(remote, networks):
        return remote
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address, networks):
            return address if _valid_ip(address) else remote
    return forwarded[0] if forwarded and _valid_ip(forwarded[0]) else remote


def _valid_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def log_security_event(event: str, *, outcome: str, actor: int | None = None, object: str | None = None,  # noqa: A002
                       **details: Any) -> None:
    """Write one security event as one JSON line.

    :param event: what happened, e.g. ``sign_in``, ``mfa_failed``, ``authorisation_denied``.
    :param outcome: ``success``, ``failure``, ``throttled``, ``denied``, ``ended``...
    :param actor: the account id of whoever acted, when known.
    :param object: what the event is about, as ``type:id`` (``user:12``, ``/admin/users``).
    :param details: further plain values (counts, reasons); never a secret or personal data.
    """
    record = {
        # The application's clock, so a line's time matches the audit row written with it.
        "time": clock.now().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": event,
        "outcome": outcome,
        "actor": actor,
        "ip": client_ip(),
        "object": object,
        **details,
    }
    logger.info(json.dumps(record, ensure_ascii=True, default=str, separators=(",", ":")))


def init_app(app: Flask) -> None:
    """Send security events to standard error as bare JSON lines unless logging is configured already
    (a handler on this logger or on the root logger), so each event is written once."""
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = True
