"""Canonical JSON and SHA-256: the one way anything in dpia is serialised for hashing.

Sign-offs, questionnaire versions, audit entries and published bundles are all bound to hashes made
here, so two equal values always hash alike.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """`value` as canonical JSON: sorted keys, no spare whitespace, UTF-8. Equal values give equal bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(data: str | bytes) -> str:
    """The SHA-256 of `data` (text is hashed as UTF-8), in hex."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()
