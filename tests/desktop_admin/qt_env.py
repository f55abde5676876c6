"""Headless Qt for the console's tests: import this before anything creates a QApplication.

It sets the offscreen platform, a throwaway XDG_CACHE_HOME (font and WebEngine caches never land in
the user's home) and which binding qtpy (used by qtawesome) picks. It imports no Qt binding itself,
so it works whatever ``qt_api`` pytest-qt is configured with.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parents[2]
# make test runs the suite on SQLite and on PostgreSQL at once: each run saves its own pictures.
SCREENSHOTS_DIR = (
    ROOT / "test-artifacts" / "screenshots" / ("postgresql" if os.environ.get("TEST_DATABASE_URL") else "")
)

_CACHE_MARKER = "PORTAL_TEST_XDG_CACHE_HOME"

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_API", "pyside6")
# QtWebEngine refuses to start as root without it; the portal preview widget embeds one
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

_marker = os.environ.get(_CACHE_MARKER)
if not _marker or _marker != os.environ.get("XDG_CACHE_HOME"):
    _cache = Path(tempfile.mkdtemp(prefix="portal-qt-cache-"))
    atexit.register(shutil.rmtree, _cache, ignore_errors=True)
    os.environ["XDG_CACHE_HOME"] = os.environ[_CACHE_MARKER] = str(_cache)


class _Image(Protocol):
    def save(self, path: str) -> bool: ...


class _Grabbable(Protocol):
    def grab(self) -> _Image: ...


def save_screenshot(widget: _Grabbable, name: str) -> Path:
    """Save a widget as test-artifacts/screenshots/<name> and return the path."""
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS_DIR / name
    if not widget.grab().save(str(path)):
        raise OSError(f"could not save a screenshot to {path}")
    return path
