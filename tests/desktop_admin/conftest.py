"""Fixtures for the console's tests: headless Qt, the live server, a memory keyring, the console."""

from __future__ import annotations

from tests.desktop_admin import qt_env  # noqa: F401  (headless Qt before any Qt import)

# isort: split
import contextlib
import io
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring.backend
import keyring.errors
import pytest
import shiboken6
from PIL import Image
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_admin.api import ApiClient, ApiError
from desktop_admin.app import Console, apply_theme
from desktop_admin.credentials import CredentialStore
from desktop_admin.views.login_dialog import SignedIn
from desktop_admin.views.main_window import PAGE_PROFILES, MainWindow
from desktop_admin.views.profile_editor.editor import ProfileEditor
from tests.desktop_admin.server_fixture import LiveServer, live_server

__all__ = [
    "LiveServer",
    "MemoryKeyring",
    "admin_api",
    "console_theme",
    "credentials",
    "live_server",
    "make_console",
    "memory_keyring",
    "open_main_window",
    "settings_dir",
    "tidy",
]

WAIT_MS = 15_000


def unique(stem: str) -> str:
    """Return a name no other test run uses."""
    return f"{stem} {uuid.uuid4().hex[:8]}"


def png(width: int, height: int, colour: str = "#1565c0") -> bytes:
    """Return a PNG image of one colour."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def wait_idle(qtbot: QtBot, editor: ProfileEditor) -> None:
    """Wait until the editor's calls have all reported back."""
    qtbot.waitUntil(editor.runner.is_idle, timeout=WAIT_MS)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring in a dict: what a real OS keyring looks like from the console's side."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


@pytest.fixture
def console_theme(qapp: QApplication) -> Iterator[QApplication]:
    """The console's look for one test; the application's previous look is put back afterwards."""
    style, sheet, palette, font = qapp.style().name(), qapp.styleSheet(), qapp.palette(), qapp.font()
    apply_theme(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setFont(font)
    qapp.setStyle(style)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    """An empty in-memory keyring."""
    return MemoryKeyring()


@pytest.fixture
def credentials(memory_keyring: MemoryKeyring) -> CredentialStore:
    """A credential store over the memory keyring; the real keyring is never touched."""
    return CredentialStore("portal-console-tests", backend=memory_keyring)


@pytest.fixture
def settings_dir(tmp_path: Path) -> Path:
    """A config directory of the test's own."""
    return tmp_path / "config"


@pytest.fixture
def make_console(
    qtbot: QtBot, console_theme: QApplication, settings_dir: Path, credentials: CredentialStore
) -> Iterator[Callable[..., Console]]:
    """Return a function that starts a console (its sign-in dialog shown); everything is closed after."""
    consoles: list[Console] = []

    def start(
        *, server_url: str | None = None, store: CredentialStore | None = None, config: Path | None = None
    ) -> Console:
        console = Console(
            server_url=server_url,
            credentials=store if store is not None else credentials,
            settings_dir=config if config is not None else settings_dir,
        )
        consoles.append(console)
        qtbot.waitExposed(console.start())
        return console

    yield start
    # The console deletes its own windows as it goes, so they are not handed to qtbot.add_widget.
    for console in consoles:
        for widget in (console.main_window, console.login_dialog):
            if widget is not None and shiboken6.isValid(widget):
                widget.close()
                widget.deleteLater()


@pytest.fixture
def admin_api(live_server: LiveServer) -> Iterator[ApiClient]:
    """An administrator's client for arranging and checking server data around a test (someone else)."""
    client = ApiClient(live_server.base_url, timeout=10)
    client.sign_in("admin", live_server.admin_password)
    yield client
    client.sign_out()
    client.close()


@pytest.fixture
def tidy(admin_api: ApiClient) -> Iterator[list[int]]:
    """Profile ids to remove after the test, whatever it left behind."""
    made: list[int] = []
    yield made
    for profile_id in made:
        with contextlib.suppress(ApiError):
            admin_api.delete_profile(profile_id)


@pytest.fixture
def open_main_window(
    qtbot: QtBot, console_theme: QApplication, live_server: LiveServer
) -> Iterator[Callable[[str], MainWindow]]:
    """Return a function that signs 'admin' or 'rep' in and shows the main window's Profiles page."""
    windows: list[MainWindow] = []

    def open_as(username: str) -> MainWindow:
        client = ApiClient(live_server.base_url, timeout=10)
        token = client.sign_in(username, live_server.password(username))
        window = MainWindow(SignedIn(client=client, server_url=client.base_url, token=token))
        windows.append(window)
        qtbot.add_widget(window)
        window.show()
        qtbot.waitExposed(window)
        # Every first load done (profiles, history, the home counts), so tests start from a quiet window.
        qtbot.waitUntil(lambda: window.profiles_page.loaded_once and window.runner.is_idle(), timeout=WAIT_MS)
        window.show_page(PAGE_PROFILES)
        return window

    yield open_as
    for window in windows:
        window.close()
