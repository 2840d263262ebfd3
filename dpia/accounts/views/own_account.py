"""A person's own account: password, sessions."""

from __future__ import annotations
