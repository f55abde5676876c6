"""The console application: sign in, then the main window; sign out, and back to sign in."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from desktop_admin.api import ApiClient, normalise_base_url
from desktop_admin.bundle import BUNDLE_SUFFIX, Bundle, BundleError, load_bundle
from desktop_admin.credentials import CredentialStore, CredentialsUnavailable
from desktop_admin.settings import Settings, SettingsStore
from desktop_admin.views import ACCENT, DANGER, MUTED, TEXT
from desktop_admin.views.login_dialog import LoginDialog, SignedIn
from desktop_admin.views.main_window import MainWindow
from desktop_admin.views.profile_editor.editor import ProfileEditor

log = logging.getLogger(__name__)

APP_NAME = "Portal Console"
ClientFactory = Callable[[str], ApiClient]

STYLE_SHEET = f"""
QWidget#central, QStackedWidget#pages, QWidget#homePage, QWidget#profilesPage {{ background: #f5f7fb; }}
QDialog {{ background: #ffffff; }}
QLabel#pageTitle {{ font-size: 20pt; font-weight: 600; color: {TEXT}; }}
QLabel#dialogTitle {{ font-size: 15pt; font-weight: 600; color: {TEXT}; }}
QLabel#muted, QLabel#hint {{ color: {MUTED}; }}
QLabel#fieldLabel {{ font-weight: 600; color: {TEXT}; }}
QLabel#fieldError {{ color: {DANGER}; }}
QLabel#emptyState {{ color: {MUTED}; padding: 24px; font-size: 11pt; }}
QLabel#brandBadge {{ background: {ACCENT}; border-radius: 10px; }}
QLabel#tileBadge {{ background: #e3ecfd; border-radius: 10px; }}

QLineEdit, QComboBox {{
    border: 1px solid #c9d0dc; border-radius: 6px; padding: 4px 8px; background: #ffffff;
    selection-background-color: {ACCENT};
}}
QLineEdit:focus, QComboBox:focus {{ border: 1px solid {ACCENT}; }}
QLineEdit:disabled, QComboBox:disabled {{ background: #f0f2f6; color: #8a92a3; }}
QComboBox::drop-down {{ border: none; width: 24px; }}

QPushButton, QToolButton#secondaryButton {{
    border: 1px solid #c9d0dc; border-radius: 6px; padding: 6px 16px; background: #ffffff; color: {TEXT};
}}
QPushButton:hover, QToolButton#secondaryButton:hover {{ background: #eef2f8; }}
QPushButton:disabled, QToolButton#secondaryButton:disabled {{ color: #a7adba; }}
QPushButton#primaryButton, QToolButton#primaryButton {{
    background: {ACCENT}; color: #ffffff; border: 1px solid {ACCENT}; border-radius: 6px;
    padding: 6px 16px; font-weight: 600;
}}
QToolButton#primaryButton {{ padding-right: 28px; }}
QToolButton#primaryButton::menu-button {{
    border-left: 1px solid #5b8ff2; width: 22px; border-top-right-radius: 6px;
    border-bottom-right-radius: 6px;
}}
QPushButton#primaryButton:hover, QToolButton#primaryButton:hover {{ background: #2459c9; }}
QPushButton#primaryButton:disabled {{ background: #9db8f3; border-color: #9db8f3; }}

QFrame#banner[kind="error"] {{ background: #fdecea; border: 1px solid #f3c0bb; border-radius: 6px; }}
QFrame#banner[kind="info"] {{ background: #e8f0fe; border: 1px solid #c3d5fb; border-radius: 6px; }}
QLabel#bannerText {{ color: {TEXT}; }}

QFrame#navigationPanel {{ background: #1c2740; }}
QLabel#brandName {{ color: #ffffff; font-size: 12pt; font-weight: 600; }}
QLabel#brandCaption, QLabel#sidebarFooter {{ color: #9aa6c0; }}
QLabel#navSection {{
    color: #7f8bab; font-size: 8pt; font-weight: 600; letter-spacing: 1px; padding-top: 8px;
}}
QListWidget#navigation {{ background: transparent; color: #e8ecf6; outline: none; }}
QListWidget#navigation::item {{ padding: 4px 10px; border-radius: 6px; margin: 1px 0; }}
QListWidget#navigation::item:hover {{ background: #26345a; }}
QListWidget#navigation::item:selected {{ background: {ACCENT}; color: #ffffff; }}

QToolBar#mainToolbar {{
    background: #ffffff; border: none; border-bottom: 1px solid #e1e5ec; padding: 6px 12px; spacing: 6px;
}}
QToolBar#mainToolbar QToolButton {{ padding: 5px 10px; border-radius: 6px; color: {TEXT}; }}
QToolBar#mainToolbar QToolButton:hover {{ background: #eef2f8; }}
QLabel#toolbarTitle {{ font-size: 11pt; font-weight: 600; color: {TEXT}; padding-left: 8px; }}
QLabel#userLabel {{ color: {TEXT}; }}
QStatusBar {{ background: #ffffff; border-top: 1px solid #e1e5ec; color: {MUTED}; }}
QStatusBar::item {{ border: none; }}
QStatusBar QLabel {{ padding: 0 12px; }}
QMenuBar {{ background: #ffffff; color: {TEXT}; }}
QMenuBar::item:selected {{ background: #eef2f8; }}

QPushButton#tile {{
    background: #ffffff; border: 1px solid #dfe3ea; border-radius: 10px; text-align: left; padding: 0;
}}
QPushButton#tile:hover {{ border: 1px solid {ACCENT}; background: #fbfcff; }}
QLabel#tileCount {{ font-size: 26pt; font-weight: 700; color: {TEXT}; }}
QLabel#tileTitle {{ font-size: 12pt; font-weight: 600; color: {TEXT}; }}
QLabel#tileCaption {{ color: {MUTED}; }}

QTableView#profilesTable {{
    background: #ffffff; alternate-background-color: #f8f9fc; border: 1px solid #dfe3ea;
    border-radius: 8px; selection-background-color: #dbe7fd; selection-color: {TEXT}; gridline-color: #eef0f4;
}}
QTableView#profilesTable::item {{ padding: 0 8px; border-bottom: 1px solid #eef0f4; }}
QHeaderView::section {{
    background: #ffffff; color: {MUTED}; font-weight: 600; border: none;
    border-bottom: 1px solid #dfe3ea; padding: 8px;
}}
QPushButton#rowLink, QPushButton#rowLinkDanger {{
    border: none; padding: 4px 8px; border-radius: 4px; background: transparent;
}}
QPushButton#rowLink {{ color: {ACCENT}; }}
QPushButton#rowLinkDanger {{ color: {DANGER}; }}
QPushButton#rowLink:hover, QPushButton#rowLinkDanger:hover {{ background: #eef2f8; }}
QPushButton#rowLinkDanger:disabled {{ color: #b9bfcc; }}
QWidget#rowActions {{ background: transparent; }}
"""


def apply_theme(app: QApplication) -> None:
    """Give the console its look: Fusion, a light palette and the style sheet above."""
    app.setStyle("Fusion")
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f5f7fb"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f8f9fc"))
    palette.setColor(QPalette.ColorRole.Text, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Button, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#1c2740"))
    palette.setColor(QPalette.ColorRole.ToolTipText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8a92a3"))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 10.0))
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)


class Console(QObject):
    """Runs the sign-in dialog and the main window in turn.

    ``client_factory``, ``credentials`` and ``settings_dir`` are the console's side effects,
    injectable so tests use a real server with a memory keyring and a temporary directory.
    """

    finished = Signal()

    def __init__(
        self,
        *,
        server_url: str | None = None,
        client_factory: ClientFactory | None = None,
        credentials: CredentialStore | None = None,
        settings_dir: str | os.PathLike[str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = SettingsStore(settings_dir)
        self.credentials = credentials if credentials is not None else CredentialStore()
        self.client_factory: ClientFactory = client_factory or ApiClient
        self._server_url = server_url
        self._keyring_available: bool | None = None
        self.login_dialog: LoginDialog | None = None
        self.main_window: MainWindow | None = None
        self.offline_editor: ProfileEditor | None = None

    # --- the two windows -------------------------------------------------------------------

    def start(self, notice: str = "", notice_is_error: bool = False) -> LoginDialog:
        """Show the sign-in dialog, prefilled with the last server and username."""
        saved = self.settings.load()
        server_url = self._server_url or saved.server_url
        self._server_url = None  # a --server address counts for the first sign-in only
        if self._keyring_available is None:
            self._keyring_available = self.credentials.available()
        dialog = LoginDialog(
            sign_in=self.sign_in,
            recall=self.recall,
            keyring_available=self._keyring_available,
            server_url=server_url,
            username=saved.username,
            notice=notice,
            notice_is_error=notice_is_error,
        )
        dialog.signed_in.connect(self._signed_in)
        dialog.offline_requested.connect(lambda: self.work_offline())
        dialog.rejected.connect(self._login_cancelled)
        self.login_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _signed_in(self, session: SignedIn) -> None:
        server_url = session.server_url
        credentials = self.credentials
        keyring_available = bool(self._keyring_available)

        def forget() -> None:
            if keyring_available:
                credentials.forget(server_url)

        window = MainWindow(session, forget_credentials=forget)
        window.signed_out.connect(self._signed_out)
        self.main_window = window
        window.show()
        if self.login_dialog is not None:
            self.login_dialog.deleteLater()
            self.login_dialog = None

    def work_offline(self, bundle: Bundle | None = None, path: Path | None = None) -> ProfileEditor:
        """Edit a bundle (None: a new one) with no server; closing it goes back to signing in."""
        if self.offline_editor is not None:
            self.offline_editor.raise_()
            self.offline_editor.activateWindow()
            return self.offline_editor
        editor = ProfileEditor(None, bundle=bundle, bundle_path=path)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.closed.connect(self._offline_closed)
        self.offline_editor = editor
        if self.login_dialog is not None:
            self.login_dialog.hide()
        editor.show()
        return editor

    def open_file(self, path: Path) -> ProfileEditor | LoginDialog:
        """Open a bundle named on the command line offline, or say at sign-in why it cannot be."""
        try:
            bundle = load_bundle(path)
        except BundleError as exc:
            return self.start(f"{path.name}: {exc.message}", notice_is_error=True)
        return self.work_offline(bundle, path)

    def _offline_closed(self) -> None:
        self.offline_editor = None
        if self.main_window is not None:
            return
        if self.login_dialog is None:
            self.start()
        else:
            self.login_dialog.show()
            self.login_dialog.raise_()
            self.login_dialog.activateWindow()
            self.login_dialog.focus_first_empty()

    def _signed_out(self, notice: str, is_error: bool) -> None:
        window = self.main_window
        self.main_window = None
        self.start(notice, notice_is_error=is_error)
        if window is not None:
            window.close()
            window.deleteLater()

    def _login_cancelled(self) -> None:
        if self.main_window is None:
            self.finished.emit()

    # --- work done on the sign-in dialog's worker thread -----------------------------------

    def sign_in(self, server_url: str, username: str, password: str, remember: bool) -> SignedIn:
        """Sign in; then remember or forget the password and save the server and username."""
        client = self.client_factory(server_url)
        try:
            token = client.sign_in(username, password)
        except BaseException:
            client.close()
            raise
        notes = []
        try:
            if remember:
                self.credentials.remember(client.base_url, username, password)
            elif self.credentials.available():
                self.credentials.forget(client.base_url)
        except CredentialsUnavailable as exc:
            notes.append(exc.message)
        try:
            self.settings.save(Settings(server_url=client.base_url, username=username))
        except OSError as exc:
            log.warning("Could not save the settings in %s: %s", self.settings.path, exc)
            notes.append(f"The console could not save its settings ({exc.strerror or exc}).")
        return SignedIn(client=client, server_url=client.base_url, token=token, note=" ".join(notes))

    def recall(self, server_url: str) -> tuple[str, str] | None:
        """Return the sign-in remembered for a server address, if any."""
        try:
            key = normalise_base_url(server_url)
        except Exception:
            return None
        return self.credentials.recall(key)


def parse_arguments(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """Read the console's options; the rest is left for Qt."""
    parser = argparse.ArgumentParser(prog="portal-console", description="The customer-care console.")
    parser.add_argument("--server", metavar="URL", help="the portal server to sign in to")
    parser.add_argument(
        "--offline", action="store_true", help="edit a new profile bundle without signing in to a server"
    )
    parser.add_argument(
        "--open",
        dest="bundle",
        metavar="BUNDLE",
        type=Path,
        help=f"a profile bundle ({BUNDLE_SUFFIX}) to open without a server; a bare file name works too",
    )
    arguments, rest = parser.parse_known_args(list(argv))
    # A bundle named on its own (as a file manager passes it) is ours; every other word is Qt's.
    named = [word for word in rest if word.endswith(BUNDLE_SUFFIX) and not word.startswith("-")]
    if named and arguments.bundle is None:
        arguments.bundle = Path(named[0])
    return arguments, [word for word in rest if word not in named]


def run(
    argv: Sequence[str] | None = None,
    *,
    client_factory: ClientFactory | None = None,
    credentials: CredentialStore | None = None,
    settings_dir: str | os.PathLike[str] | None = None,
) -> tuple[QApplication, Console]:
    """Create (or reuse) the QApplication and start the console, without entering the event loop."""
    arguments, qt_arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *qt_arguments])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("portal-suite")
    apply_theme(app)
    console = Console(
        server_url=arguments.server,
        client_factory=client_factory,
        credentials=credentials,
        settings_dir=settings_dir,
        parent=app,
    )
    console.finished.connect(app.quit)
    if arguments.bundle is not None:
        console.open_file(arguments.bundle)
    elif arguments.offline:
        console.work_offline()
    else:
        console.start()
    return app, console


def main(
    argv: Sequence[str] | None = None,
    *,
    client_factory: ClientFactory | None = None,
    credentials: CredentialStore | None = None,
    settings_dir: str | os.PathLike[str] | None = None,
) -> int:
    """Run the console until its last window closes; return the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app, _console = run(
        argv, client_factory=client_factory, credentials=credentials, settings_dir=settings_dir
    )
    return int(app.exec())
