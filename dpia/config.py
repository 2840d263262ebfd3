"""Configuration classes, read from the environment.

`Config` is the local default (SQLite under `instance/`), `ProductionConfig` adds the settings a
deployment behind TLS needs, `TestConfig` is what the test suite builds apps from.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = REPO_ROOT / "instance"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_sqlite_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'dpia.sqlite3'}"


def local_secret_key() -> str:
    """Return the secret key generated once into `instance/secret_key` for local use."""
    import secrets

    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_oidc_issuer(issuer: str, *, production: bool) -> None:
    """Refuse an identity provider reached over plain http, except on this machine outside
    production (the tests' provider): its discovery document, keys and tokens would travel unprotected.

    :raise RuntimeError: the issuer is not an https URL and that exception does not apply.
    """
    if not issuer:
        return
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS and not production:
        return
    raise RuntimeError(f"OIDC_ISSUER must be an https URL (http only on 127.0.0.1 outside production): {issuer}")


class Config:
    """Local and demo use: SQLite, non-Secure cookies (plain http on 127.0.0.1)."""

    ENV_NAME = "local"
    SECRET_KEY: str | None = None  # filled in by `load()`
    SQLALCHEMY_DATABASE_URI: str | None = None
    # No ping on every checkout: connections that sat idle are pinged (core/database.py).
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    ORGANISATION_NAME = os.environ.get("DPIA_ORGANISATION_NAME", "Northshire Police")
    SERVICE_NAME = "Data protection impact assessments"

    # Sessions: the browser cookie only carries a reference to a server-side session row
    # (see dpia/accounts/services/sessions.py), so sign-out really ends it.
    SESSION_COOKIE_NAME = "dpia_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)  # idle timeout, enforced on the server
    # The cookie is re-sent when the session row's last_seen_at moves on, not on every response
    # (dpia/accounts/views/cookie.py), so its expiry tracks the server's idle deadline.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=0)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False

    WTF_CSRF_TIME_LIMIT = 3600
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 500 * 1024
    MAX_FORM_PARTS = 1000

    # Sign-in throttle: this many failed attempts per account within the window blocks the account
    # for the rest of the window, whatever the password.
    LOGIN_THROTTLE_ATTEMPTS = 5
    LOGIN_THROTTLE_WINDOW = timedelta(seconds=60)

    # Re-authentication: signing off, approving, publishing decisions and account changes need the
    # password (and a TOTP code where enrolled) given within this long.
    REAUTHENTICATION_WINDOW = timedelta(minutes=10)
    INVITATION_LIFETIME = timedelta(hours=72)
    PASSWORD_RESET_LIFETIME = timedelta(hours=1)
    # TOTP codes: this many wrong codes per account within the window blocks further codes.
    MFA_THROTTLE_ATTEMPTS = 5
    MFA_THROTTLE_WINDOW = timedelta(seconds=60)

    # The proxies in front of the app (addresses or networks, comma-separated). Only requests from
    # them have their X-Forwarded-For header believed, for the security log's source IP.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "")

    # E-mail. MAIL_URL is smtp://user:password@host:587 (STARTTLS), smtps://...:465 (TLS), or
    # smtp://relay:25?starttls=false for a relay without a password; without it, outside
    # production, `flask dpia worker` writes messages as .eml files into MAIL_INBOX_DIR.
    MAIL_URL = os.environ.get("MAIL_URL", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "dpia@localhost")  # "Name <address>" or a bare address
    MAIL_INBOX_DIR = os.environ.get("MAIL_INBOX_DIR", str(INSTANCE_DIR / "mail"))
    # A CA bundle for an SMTP server whose certificate an internal authority signed; else the system's.
    MAIL_CA_FILE = os.environ.get("MAIL_CA_FILE", "")
    MAIL_TIMEOUT = 20  # seconds for each SMTP connection, command and reply
    # The address links in e-mails point to (the worker has no request to take it from).
    BASE_URL = os.environ.get("DPIA_BASE_URL", "http://127.0.0.1:5000")

    # Single sign-on with OpenID Connect; off unless an issuer is set. The issuer must be https,
    # except on this machine (127.0.0.1 or localhost) outside production. The provider must send
    # people back to BASE_URL + /sign-in/sso/callback.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    # Shown on the button: "Sign in with <name>".
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your organisation's account")
    # Comma-separated e-mail domains whose people may create their own team-member account on first
    # single sign-on. Empty: only invited people can sign in.
    OIDC_SELF_REGISTRATION_DOMAINS = os.environ.get("OIDC_SELF_REGISTRATION_DOMAINS", "")
    # Comma-separated `acr` values by which the provider says it used more than one factor, so that
    # staff are not asked for a TOTP code as well. Empty: only the `amr` claim counts.
    OIDC_MFA_ACR_VALUES = os.environ.get("OIDC_MFA_ACR_VALUES", "")

    DEMO_ALLOWED = True
    HSTS = False

    # Evidence files: stored once each under their SHA-256, outside the database. Under instance/ by
    # default; a deployment with several app servers points this at storage they share.
    ATTACHMENTS_DIR = os.environ.get("ATTACHMENTS_DIR", str(INSTANCE_DIR / "attachments"))
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))

    @classmethod
    def load(cls) -> dict[str, object]:
        """Return this class's settings with environment-dependent values resolved."""
        settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
        settings["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL") or default_sqlite_url()
        settings["SECRET_KEY"] = os.environ.get("SECRET_KEY") or local_secret_key()
        check_oidc_issuer(str(settings["OIDC_ISSUER"]), production=False)
        return settings


class ProductionConfig(Config):
    """Behind TLS: Secure cookies, HSTS, secrets only from the environment, no demo data."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-dpia_session"
    REMEMBER_COOKIE_SECURE = True
    DEMO_ALLOWED = False
    HSTS = True

    @classmethod
    def load(cls) -> dict[str, object]:
        settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "DPIA_BASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )
        settings["SECRET_KEY"] = os.environ["SECRET_KEY"]
        settings["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
        # Links in e-mails and the single sign-on redirect are built from it, so it must be the
        # public https address people use.
        base_url = os.environ["DPIA_BASE_URL"].rstrip("/")
        if not base_url.startswith("https://"):
            raise RuntimeError("DPIA_BASE_URL must be the service's public https:// address, "
                               "e.g. https://dpia.example.org")
        settings["BASE_URL"] = base_url
        settings["DEMO_ALLOWED"] = _env_bool("DPIA_ALLOW_DEMO", False)
        check_oidc_issuer(str(settings["OIDC_ISSUER"]), production=True)
        return settings


class TestConfig(Config):
    """Isolated apps for the test suite; the database URL is given by the fixture."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    # Whatever the developer's environment says, tests send no real mail and write no inbox under
    # instance/; a test that delivers points MAIL_URL or MAIL_INBOX_DIR at its own server or tmp_path.
    MAIL_URL = ""
    MAIL_FROM = "dpia@localhost"
    MAIL_INBOX_DIR = str(Path(tempfile.gettempdir()) / "dpia-test-inbox")
    MAIL_CA_FILE = ""
    MAIL_TIMEOUT = 5
    BASE_URL = "http://127.0.0.1:5000"
    # Single sign-on stays off (and never reaches a developer's real provider) unless a test turns it on.
    OIDC_ISSUER = ""
    OIDC_SELF_REGISTRATION_DOMAINS = ""
    OIDC_MFA_ACR_VALUES = ""
    # Evidence files go to a directory of this test process's own, never under instance/.
    ATTACHMENTS_DIR = str(Path(tempfile.gettempdir()) / f"dpia-test-attachments-{os.getpid()}")

    @classmethod
    def load(cls) -> dict[str, object]:
        return {key: getattr(cls, key) for key in dir(cls) if key.isupper()}


def config_from_environment() -> type[Config]:
    """Pick the configuration class named by `DPIA_ENV` (`production`, else local)."""
    return ProductionConfig if os.environ.get("DPIA_ENV") == "production" else Config
