"""The console's own settings: the last server address and username, never a password."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SERVER_URL = "http://127.0.0.1:8000"
APP_DIR_NAME = "portal-console"
SETTINGS_FILE = "settings.json"

log = logging.getLogger(__name__)


def default_config_dir() -> Path:
    """Return ``$XDG_CONFIG_HOME/portal-console`` (``~/.config/portal-console`` when unset)."""
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / APP_DIR_NAME


@dataclass(frozen=True)
class Settings:
    """What the console remembers between starts."""

    server_url: str = DEFAULT_SERVER_URL
    username: str = ""


class SettingsStore:
    """Reads and writes ``settings.json`` in one directory (injectable for tests)."""

    def __init__(self, config_dir: str | os.PathLike[str] | None = None) -> None:
        self.config_dir = Path(config_dir) if config_dir is not None else default_config_dir()

    @property
    def path(self) -> Path:
        """The settings file."""
        return self.config_dir / SETTINGS_FILE

    def load(self) -> Settings:
        """Return the saved settings; a missing or damaged file gives the defaults."""
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError) as exc:
            log.warning("Ignoring unreadable settings file %s: %s", self.path, exc)
            return Settings()
        if not isinstance(document, dict):
            return Settings()
        server_url = document.get("server_url")
        username = document.get("username")
        if not isinstance(server_url, str) or not server_url.strip():
            server_url = DEFAULT_SERVER_URL
        return Settings(
            server_url=server_url.strip(),
            username=username.strip() if isinstance(username, str) else "",
        )

    def save(self, settings: Settings) -> None:
        """Write the settings atomically, readable by the user only."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        document = {"server_url": settings.server_url, "username": settings.username}
        handle, temporary = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=self.config_dir)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(document, stream, indent=2)
                stream.write("\n")
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
