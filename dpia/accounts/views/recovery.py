"""Password reset and accepting an invitation, by single-use e-mailed links."""

from __future__ import annotations
