"""Validation of the `next` parameter after sign-in (open-redirect defence, ASVS 3.7.2)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def _looks_like_local_path(candidate: str) -> bool:
    if not candidate.startswith("/") or candidate.startswith("//"):
        return False
    if "\\" in candidate:
        return False
    # Browsers and Werkzeug drop tabs, newlines and other control characters and may turn
    # "/\t/evil.example" into "//evil.example"; refuse anything containing them.
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in candidate):
        return False
    parts = urlsplit(candidate)
    return not parts.scheme and not parts.netloc


def safe_next_path(value: str | None, default: str) -> str:
    """Return `value` if it is a same-site path, else `default`.

    The check runs on the raw value and on its percent-decoded form, so `/%5Cevil.example` and
    `/%2F/evil.example` are refused as well as their literal spellings.
    """
    if not value:
        return default
    if _looks_like_local_path(value) and _looks_like_local_path(unquote(value)):
        return value
    return default
