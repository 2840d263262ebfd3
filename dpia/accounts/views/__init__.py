"""Account pages, one module per journey, on three blueprints:

- `auth` (no prefix): signing in and out, the second-factor step, password reset, invitations and
  single sign-on; mostly reachable before signing in;
- `account` (`/account`): a person's own password, sessions and MFA;
- `admin` (`/admin`): administrators' pages for accounts and teams (questionnaires nest in it).
"""

from __future__ import annotations

from flask import Blueprint

auth = Blueprint("auth", __name__)
account = Blueprint("account", __name__, url_prefix="/account")
admin = Blueprint("admin", __name__, url_prefix="/admin")

# Each module adds its routes and hooks to the blueprints above.
from dpia.accounts.views import admin_pages, mfa, oidc, own_account, reauthentication, recovery, sign_in  # noqa: E402,F401
