"""Re-authentication before sensitive actions."""

from __future__ import annotations
