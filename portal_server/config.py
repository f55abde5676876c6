"""Server settings, read from the environment with safe defaults."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from portal_server.clock import Clock, SystemClock
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
        )


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
