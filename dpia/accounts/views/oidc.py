"""Single sign-on with OpenID Connect."""

from __future__ import annotations
