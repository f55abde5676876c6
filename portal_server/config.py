"""Server settings, read from the environment with safe defaults."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from portal_server.clock import Clock, SystemClock
from portal_server.housekeeping.retention import Retention
from portal_server.notifications.mailer import Mailer, mailer_for
from portal_server.security.throttle import RULES, Rule


@dataclass
class ServerConfig:
    """Everything the server needs to start; tests build one directly."""

    data_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str | None = None
    license: str | None = None
    token_ttl_seconds: int = 8 * 3600
    max_json_bytes: int = 256 * 1024
    max_request_bytes: int = 3 * 1024 * 1024
    staff_lockout_threshold: int = 5
    trust_forwarded_for: bool = False
    access_log: bool = False
    mail_sender: str = "no-reply@portal.localhost"
    verify_link_days: int = 5
    throttle_rules: Mapping[str, Rule] = field(default_factory=lambda: dict(RULES))
    clock: Clock = field(default_factory=SystemClock)
    mailer: Mailer | None = None
    # How often each worker's sender looks for mail queued elsewhere (its own it sends at once).
    mail_poll_seconds: float = 5.0
    retention: Retention = field(default_factory=Retention)
    # Housekeeping runs this often in each worker, the first time after a random 0 to jitter
    # seconds (so workers started together do not purge at the same moment), and deletes at most
    # ``housekeeping_batch`` rows per statement.
    housekeeping_every_seconds: float = 3600.0
    housekeeping_start_jitter_seconds: float = 60.0
    housekeeping_batch: int = 5000

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        if not self.database_url:
            self.database_url = f"sqlite://{self.data_dir / 'portal.db'}"
        if not self.secret_key:
            self.secret_key = secrets.token_urlsafe(32)
        if self.mailer is None:
            self.mailer = mailer_for(self.smtp_url, self.data_dir)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ServerConfig:
        """Build the settings from environment variables (DESIGN §6)."""
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("PORTAL_DATA_DIR", "var"))
        return cls(
            data_dir=data_dir,
            database_url=env.get("DATABASE_URL", ""),
            secret_key=env.get("PORTAL_SECRET_KEY", "") or _stored_secret(data_dir),
            base_url=env.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
            smtp_url=env.get("SMTP_URL") or None,
            license=env.get("PORTAL_LICENSE") or None,
            trust_forwarded_for=env.get("PORTAL_TRUST_PROXY", "") == "1",
            access_log=env.get("PORTAL_ACCESS_LOG", "") == "1",
            mail_sender=env.get("PORTAL_MAIL_FROM", "no-reply@portal.localhost"),
            verify_link_days=_positive_int(env.get("PORTAL_VERIFY_LINK_DAYS", "5"), 5),
            retention=Retention(
                audit=_retention(env, "PORTAL_AUDIT_RETENTION_DAYS", Retention.audit),
                sent_mail=_retention(env, "PORTAL_SENT_MAIL_RETENTION_DAYS", Retention.sent_mail),
                failed_mail=_retention(env, "PORTAL_FAILED_MAIL_RETENTION_DAYS", Retention.failed_mail),
            ),
        )


class ConfigError(ValueError):
    """An environment variable holds a value the server will not guess about."""

    def __init__(self, variable: str, reason: str) -> None:
        super().__init__(f"{variable}: {reason}")
        self.variable = variable
        self.reason = reason


MAX_RETENTION_DAYS = 36_500


def _retention(env: Mapping[str, str], variable: str, default: timedelta | None) -> timedelta | None:
    """Read a retention in days, 0 meaning keep for ever.

    A value that is not a number of days stops the server rather than falling back to the
    default: "forever" or "-1" meant to keep, and the default would delete.
    """
    text = env.get(variable, "").strip()
    if not text:
        return default
    try:
        days = int(text)
    except ValueError:
        days = -1
    if not 0 <= days <= MAX_RETENTION_DAYS:
        raise ConfigError(
            variable,
            f"must be a whole number of days from 0 (keep for ever) to {MAX_RETENTION_DAYS:,}, not {text!r}",
        )
    return timedelta(days=days) if days else None


def _positive_int(text: str, default: int) -> int:
    try:
        value = int(text)
    except ValueError:
        return default
    return value if value > 0 else default


def _stored_secret(data_dir: Path) -> str:
    """Keep one generated secret per data directory so restarts keep sessions valid."""
    path = data_dir / "secret_key"
    if path.exists():
        path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.chmod(0o600)  # an older file may have been created wider
    path.write_text(secret, encoding="utf-8")
    return secret
