"""Configuration from environment variables, with safe defaults.

Everything a deployment may change is read here and nowhere else, so the README's
configuration table and the code cannot drift apart.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_WORDS


def closed_days_text(default: str) -> str:
    """FORMSVC_CLOSED_DAYS: the municipality's own closed days (閉庁日) besides weekends and national
    holidays, read by formsvc.japanese.calendar (which also checks it); ``default`` when unset."""
    return os.environ.get("FORMSVC_CLOSED_DAYS", default)


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    return Path(os.environ.get("FORMSVC_INSTANCE_PATH", project_root() / "instance"))


def load_or_create_secret_key(instance: Path) -> str:
    """Return SECRET_KEY from the environment, else one generated once into instance/.

    The file is created with mode 0600 so that only the service user can read it; it lives
    outside version control (instance/ is ignored).
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_or_create_instance_secret(instance: Path, filename: str) -> str:
    """A random secret generated once into instance/<filename> (mode 0600), as SECRET_KEY is
    when unset: e.g. the demo's payment webhook secret, shared by the mock provider and the app."""
    secret_file = instance / filename
    if not secret_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker starting at the same moment wrote it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(32))
    return secret_file.read_text().strip()


def load_or_create_encryption_keys(instance: Path) -> list[str]:
    """Return the keys that encrypt 個人番号 at rest (formsvc.crypto), newest first.

    FORMSVC_ENCRYPTION_KEY is a comma-separated list of Fernet keys: the first encrypts, all of
    them decrypt (key rotation). Unset, one key is generated once into instance/encryption_key
    (mode 0600), as SECRET_KEY is. A key that is not a Fernet key stops the start; the message
    says which one without showing it.
    """
    from cryptography.fernet import Fernet

    listed = os.environ.get("FORMSVC_ENCRYPTION_KEY", "")
    if not listed.strip():
        key_file = instance / "encryption_key"
        if not key_file.exists():
            instance.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another worker starting at the same moment wrote it first
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(Fernet.generate_key().decode("ascii"))
        listed = key_file.read_text()
    keys = [key.strip() for key in listed.split(",") if key.strip()]
    if not keys:
        raise ValueError("FORMSVC_ENCRYPTION_KEY lists no key")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise ValueError(f"FORMSVC_ENCRYPTION_KEY: key {position} is not a Fernet key (32 bytes in URL-safe "
                             f"base64, e.g. from cryptography.fernet.Fernet.generate_key())") from None
    return keys


def payment_provider_origin(value: str | None) -> str | None:
    """FORMSVC_PAYMENT_PROVIDER_ORIGIN as a Content-Security-Policy source: only a plain
    https origin, so a typo or a stray ';' cannot widen or break the policy."""
    if not value:
        return None
    if not re.fullmatch(r"https://[A-Za-z0-9.-]+(:[0-9]{1,5})?", value.strip()):
        raise ValueError(f"FORMSVC_PAYMENT_PROVIDER_ORIGIN must be https://host[:port], not {value!r}")
    return value.strip()


def public_url(value: str | None) -> str | None:
    """FORMSVC_PUBLIC_URL: the service's external base URL (``https://shinsei.example.lg.jp``), for
    links in mails written outside any trustworthy request (never the request's Host header).
    Only http(s)://host[:port] with an optional plain path prefix; no query, fragment or user info."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*/?", value):
        raise ValueError(f"FORMSVC_PUBLIC_URL must be http(s)://host[:port][/path], not {value!r}")
    return value.rstrip("/")


def default_database_url(instance: Path) -> str:
    return f"sqlite:///{instance / 'formsvc.sqlite3'}"


def settings_from_environment() -> dict:
    instance = instance_path()
    return {
        "INSTANCE_DIR": str(instance),
        "SECRET_KEY": load_or_create_secret_key(instance),
        # Fernet keys for 個人番号 at rest (formsvc.crypto): the first encrypts, all decrypt.
        "ENCRYPTION_KEYS": load_or_create_encryption_keys(instance),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(instance),
        "FORMSVC_DEMO": env_flag("FORMSVC_DEMO"),
        # The mock My Number card provider (/mock-idp): never in production; on in demo mode.
        # None: follow FORMSVC_DEMO (resolved in create_app, after any overrides).
        "MOCK_IDP_ENABLED": env_flag("FORMSVC_MOCK_IDP") if "FORMSVC_MOCK_IDP" in os.environ else None,
        "DEFINITIONS_DIR": os.environ.get(
            "FORMSVC_DEFINITIONS_DIR", str(project_root() / "form_definitions")
        ),
        "MAX_CONTENT_LENGTH": int(os.environ.get("FORMSVC_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)),
        "MUNICIPALITY_NAME": os.environ.get("FORMSVC_MUNICIPALITY", "デモ市"),
        # Where the municipality is, as an address begins (several separated by commas): the
        # counter warns when a card's address is elsewhere (a 転入 not yet registered). The
        # demo's default is the home of the usual test card (formsvc.mock_idp.cards); "" turns
        # the check off.
        "MUNICIPALITY_ADDRESS": os.environ.get("FORMSVC_MUNICIPALITY_ADDRESS", "埼玉県さいたま市"),
        # How long an unfinished application is kept after the resident's last step.
        "DRAFT_LIFETIME_HOURS": int(os.environ.get("FORMSVC_DRAFT_LIFETIME_HOURS", 24)),
        "PERMANENT_SESSION_LIFETIME": 3600 * int(os.environ.get("FORMSVC_DRAFT_LIFETIME_HOURS", 24)),
        # A signed-in resident's unfinished application is kept for them this long.
        "SAVED_DRAFT_DAYS": int(os.environ.get("FORMSVC_SAVED_DRAFT_DAYS", 30)),
        # A resident's sign-in ends after this long without activity (a warning comes first).
        "RESIDENT_IDLE_MINUTES": int(os.environ.get("FORMSVC_RESIDENT_IDLE_MINUTES", 30)),
        # A staff sign-in ends after this long without activity (the same warning first).
        "STAFF_IDLE_MINUTES": int(os.environ.get("FORMSVC_STAFF_IDLE_MINUTES", 30)),
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto. 0: trust no
        # such header (the client could make up its address and escape sign-in throttling).
        "PROXY_COUNT": int(os.environ.get("FORMSVC_PROXY_COUNT", 0)),
        # Relying party: any OpenID Connect provider; the embedded mock when unset in demo mode.
        "OIDC_ISSUER": os.environ.get("FORMSVC_OIDC_ISSUER"),
        "OIDC_CLIENT_ID": os.environ.get("FORMSVC_OIDC_CLIENT_ID"),
        "OIDC_CLIENT_SECRET": os.environ.get("FORMSVC_OIDC_CLIENT_SECRET"),
        # A page left open for a long time still submits; an expired token gets a clear page.
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        # Messages to residents (formsvc.review.mail): smtp, file (instance/outbox/*.eml) or console.
        # Unset: smtp when FORMSVC_SMTP_HOST is set, else file. `formsvc send-outbox` delivers them.
        "MAIL_BACKEND": os.environ.get("FORMSVC_MAIL_BACKEND") or None,
        "MAIL_FROM": os.environ.get("FORMSVC_MAIL_FROM", "no-reply@localhost"),
        "SMTP_HOST": os.environ.get("FORMSVC_SMTP_HOST") or None,
        "SMTP_PORT": int(os.environ.get("FORMSVC_SMTP_PORT", 587)),
        "SMTP_USER": os.environ.get("FORMSVC_SMTP_USER") or None,
        "SMTP_PASSWORD": os.environ.get("FORMSVC_SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": env_flag("FORMSVC_SMTP_STARTTLS", default=True),
        # Online payment of fees (formsvc.payments): the provider's name (registered at app
        # creation; "mock" in demo mode) and the secret its notifications are signed with.
        "PAYMENT_PROVIDER": os.environ.get("FORMSVC_PAYMENT_PROVIDER") or None,
        "PAYMENT_WEBHOOK_SECRET": os.environ.get("FORMSVC_PAYMENT_WEBHOOK_SECRET") or None,
        # The provider's page origin (https://pay.example.jp), allowed as a form-action target.
        # The service's external base URL for links in staff mails (formsvc.review.notifications).
        "PUBLIC_URL": public_url(os.environ.get("FORMSVC_PUBLIC_URL")),
        "PAYMENT_PROVIDER_ORIGIN": payment_provider_origin(os.environ.get("FORMSVC_PAYMENT_PROVIDER_ORIGIN")),
        # The demo's mock payment provider (/mock-pay): never in production; on in demo mode.
        "MOCK_PAYMENTS_ENABLED": (env_flag("FORMSVC_MOCK_PAYMENTS") if "FORMSVC_MOCK_PAYMENTS" in os.environ
                                  else None),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env_flag("FORMSVC_SECURE_COOKIES"),
        # Background jobs (formsvc.jobs): where the queue is (None: beside the database, see
        # formsvc.jobs.queue), how many jobs a `formsvc worker` runs at once, and after how many
        # seconds without a heartbeat a running job's worker is taken for dead.
        "JOB_QUEUE_URL": os.environ.get("FORMSVC_JOB_QUEUE_URL") or None,
        "JOB_WORKERS": int(os.environ.get("FORMSVC_JOB_WORKERS", 2)),
        "JOB_STALE_SECONDS": float(os.environ.get("FORMSVC_JOB_STALE_SECONDS", 60)),
        # Where the bytes of residents' files go (formsvc.submissions.storage, which checks the
        # value at start-up): database, folder:/absolute/path or s3://bucket[/prefix]. For s3, the
        # endpoint of an S3-compatible store (None: AWS) and its region; the credentials come from
        # the standard AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, …).
        "UPLOAD_STORAGE": os.environ.get("FORMSVC_UPLOAD_STORAGE") or "database",
        "S3_ENDPOINT_URL": os.environ.get("FORMSVC_S3_ENDPOINT_URL") or None,
        "S3_REGION": os.environ.get("FORMSVC_S3_REGION") or None,
    }
