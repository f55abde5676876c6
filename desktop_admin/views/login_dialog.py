"""The sign-in dialog: server address, username, password and "Remember me"."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from common.schemas import TokenResponse
from desktop_admin.api import ApiClient, ApiError, normalise_base_url
from desktop_admin.api.errors import BAD_RESPONSE, INVALID_URL, TIMEOUT
from desktop_admin.views import ACCENT, MUTED, FieldError, MessageBanner, icon, icon_badge
from desktop_admin.views.busy import BusyIndicator, BusyLabel
from desktop_admin.workers import BackgroundRunner

log = logging.getLogger(__name__)

NO_KEYRING_TEXT = "No system keyring here: the console will ask for your password each time."


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: the client now holding the token, and what the server said."""

    client: ApiClient
    server_url: str
    token: TokenResponse
    note: str = ""
    """Something worth telling that did not stop the sign-in (the keyring refused, say)."""


SignInCall = Callable[[str, str, str, bool], SignedIn]
"""(server_url, username, password, remember) -> SignedIn; runs on a worker thread."""
RecallCall = Callable[[str], tuple[str, str] | None]
"""server_url -> the remembered (username, password), if any; runs on a worker thread."""


class LoginDialog(QDialog):
    """Asks where and as whom to sign in, signs in on a worker thread, and says plainly what failed."""

    signed_in = Signal(object)
    offline_requested = Signal()
    """The user chose to edit profile bundles without a server."""

    def __init__(
        self,
        *,
        sign_in: SignInCall,
        recall: RecallCall,
        keyring_available: bool,
        server_url: str,
        username: str = "",
        notice: str = "",
        notice_is_error: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._sign_in = sign_in
        self._recall = recall
        self._keyring_available = keyring_available
        self.result_session: SignedIn | None = None
        self.prefilled_from_keyring = False

        self.setObjectName("loginDialog")
        self.setWindowTitle("Sign in — Portal Console")
        self.setWindowIcon(icon("fa6s.headset", color=ACCENT))
        self.setMinimumWidth(460)

        self.busy_label = BusyLabel("Signing in…", self)
        self.busy = BusyIndicator(self.busy_label, parent=self)
        self.runner = BackgroundRunner(self, busy=self.busy)

        self._build(server_url, username)
        if notice:
            if notice_is_error:
                self.banner.show_error(notice)
            else:
                self.banner.show_info(notice)
        self._look_up_remembered(server_url)

    # --- layout ----------------------------------------------------------------------------

    def _build(self, server_url: str, username: str) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 24, 28, 20)
        outer.setSpacing(14)

        header = QHBoxLayout()
        header.setSpacing(14)
        badge = icon_badge(self, 48, "fa6s.headset", 26, name="brandBadge", color="#ffffff")
        titles = QVBoxLayout()
        titles.setSpacing(2)
        title = QLabel("Portal Console", self)
        title.setObjectName("dialogTitle")
        subtitle = QLabel("Sign in to administer the customer portal.", self)
        subtitle.setObjectName("muted")
        titles.addWidget(title)
        titles.addWidget(subtitle)
        header.addWidget(badge)
        header.addLayout(titles, 1)
        outer.addLayout(header)

        self.banner = MessageBanner(self)
        outer.addWidget(self.banner)

        self.form = QWidget(self)
        form = QVBoxLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(4)

        self.server_edit = QLineEdit(server_url, self.form)
        self.server_edit.setObjectName("serverEdit")
        self.server_edit.setPlaceholderText("http://127.0.0.1:8000")
        self.server_edit.addAction(icon("fa6s.server", color=MUTED), QLineEdit.ActionPosition.LeadingPosition)
        self.server_edit.editingFinished.connect(self._server_changed)
        self.server_error = FieldError(self.form)

        self.username_edit = QLineEdit(username, self.form)
        self.username_edit.setObjectName("usernameEdit")
        self.username_edit.setPlaceholderText("Your staff username")
        self.username_edit.addAction(icon("fa6s.user", color=MUTED), QLineEdit.ActionPosition.LeadingPosition)
        self.username_error = FieldError(self.form)

        self.password_edit = QLineEdit(self.form)
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.addAction(icon("fa6s.lock", color=MUTED), QLineEdit.ActionPosition.LeadingPosition)
        self.reveal_action = QAction(icon("fa6s.eye", color=MUTED), "Show password", self.password_edit)
        self.reveal_action.setCheckable(True)
        self.reveal_action.toggled.connect(self._reveal)
        self.password_edit.addAction(self.reveal_action, QLineEdit.ActionPosition.TrailingPosition)
        self.password_error = FieldError(self.form)

        for label_text, edit, error in (
            ("Server address", self.server_edit, self.server_error),
            ("Username", self.username_edit, self.username_error),
            ("Password", self.password_edit, self.password_error),
        ):
            label = QLabel(label_text, self.form)
            label.setObjectName("fieldLabel")
            label.setBuddy(edit)
            edit.setAccessibleName(label_text)
            edit.setMinimumHeight(32)
            edit.textEdited.connect(lambda _text, shown=error: shown.show_reason(""))
            form.addWidget(label)
            form.addWidget(edit)
            form.addWidget(error)
            form.addSpacing(8)

        self.remember_check = QCheckBox("Remember me on this computer", self.form)
        self.remember_check.setObjectName("rememberCheck")
        self.keyring_note = QLabel(NO_KEYRING_TEXT, self.form)
        self.keyring_note.setObjectName("hint")
        self.keyring_note.setWordWrap(True)
        if self._keyring_available:
            self.remember_check.setToolTip(
                "Keep your password in the system keyring so the console can fill it in next time."
            )
            self.keyring_note.setVisible(False)
        else:
            self.remember_check.setEnabled(False)
            self.remember_check.setToolTip(NO_KEYRING_TEXT)
        form.addWidget(self.remember_check)
        form.addWidget(self.keyring_note)
        outer.addWidget(self.form)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.busy_label)
        self.offline_button = QPushButton(icon("fa6s.plane", color=ACCENT), "Work offline", self)
        self.offline_button.setObjectName("rowLink")
        self.offline_button.setFlat(True)
        # Enter in the form always means Sign in, even after this button had the focus.
        self.offline_button.setAutoDefault(False)
        self.offline_button.setToolTip(
            "Edit and preview profile bundle files without a server; publish them once signed in."
        )
        self.offline_button.clicked.connect(self.offline_requested)
        buttons.addWidget(self.offline_button)
        buttons.addStretch(1)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.reject)
        self.sign_in_button = QPushButton(icon("fa6s.right-to-bracket", color="#ffffff"), "Sign in", self)
        self.sign_in_button.setObjectName("primaryButton")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.submit)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.sign_in_button)
        outer.addLayout(buttons)

        self.focus_first_empty()

    def focus_first_empty(self) -> None:
        """Put the cursor in the first field still to fill (the password when all are)."""
        first_empty = next(
            (e for e in (self.server_edit, self.username_edit, self.password_edit) if not e.text()),
            self.password_edit,
        )
        first_empty.setFocus()

    # --- behaviour -------------------------------------------------------------------------

    def submit(self) -> None:
        """Check the fields, then sign in on the worker thread."""
        if not self.form.isEnabled():
            return
        self._clear_errors()
        server_url = self.server_edit.text().strip()
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        first_bad: QLineEdit | None = None
        try:
            server_url = normalise_base_url(server_url)
        except ApiError as exc:
            self.server_error.show_reason(exc.message)
            first_bad = self.server_edit
        if not username:
            self.username_error.show_reason("Enter your username.")
            first_bad = first_bad or self.username_edit
        if not password:
            self.password_error.show_reason("Enter your password.")
            first_bad = first_bad or self.password_edit
        if first_bad is not None:
            first_bad.setFocus()
            return
        remember = self.remember_check.isEnabled() and self.remember_check.isChecked()
        self._set_working(True)
        sign_in = self._sign_in
        self.runner.run(
            lambda: sign_in(server_url, username, password, remember),
            on_success=self._succeeded,
            on_failure=self._failed,
            busy_text="Signing in…",
        )

    def _succeeded(self, session: SignedIn) -> None:
        self._set_working(False)
        self.result_session = session
        self.signed_in.emit(session)
        self.accept()

    def _failed(self, error: ApiError) -> None:
        self._set_working(False)
        self.banner.show_error(error.message)
        focus: QLineEdit | None = None
        if error.code == INVALID_URL:
            reason = error.fields.get("server", "is not a server address")
            self.server_error.show_reason(f"The address {reason}.")
            focus = self.server_edit
        elif error.is_network or error.code == BAD_RESPONSE:
            self.server_error.show_reason(
                "The server did not answer in time."
                if error.code == TIMEOUT
                else "No portal server answered at this address. Check it and that the server runs."
            )
            focus = self.server_edit
        elif error.is_auth:
            self.password_error.show_reason("Check your username and password, then try again.")
            focus = self.password_edit
        for name, edit, label in (
            ("username", self.username_edit, self.username_error),
            ("password", self.password_edit, self.password_error),
        ):
            if name in error.fields:
                label.show_reason(f"The {name} {error.fields[name]}.")
                focus = focus or edit
        if focus is not None:
            focus.setFocus()
            focus.selectAll()

    def _set_working(self, working: bool) -> None:
        self.form.setEnabled(not working)
        self.sign_in_button.setEnabled(not working)
        self.offline_button.setEnabled(not working)

    def _clear_errors(self) -> None:
        self.banner.dismiss()
        for label in (self.server_error, self.username_error, self.password_error):
            label.show_reason("")

    def _reveal(self, shown: bool) -> None:
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.reveal_action.setIcon(icon("fa6s.eye-slash" if shown else "fa6s.eye", color=MUTED))
        self.reveal_action.setText("Hide password" if shown else "Show password")

    def _server_changed(self) -> None:
        if not self.password_edit.text():
            self._look_up_remembered(self.server_edit.text())

    def _look_up_remembered(self, server_url: str) -> None:
        """Fill in the sign-in remembered for this server, without touching anything typed."""
        if not self._keyring_available or not server_url.strip():
            return
        recall = self._recall
        self.runner.run(
            lambda: recall(server_url.strip()),
            on_success=lambda found: self._prefill(server_url, found),
            on_failure=self._keyring_failed,
            busy_text=None,
        )

    def _prefill(self, server_url: str, found: tuple[str, str] | None) -> None:
        if found is None or self.server_edit.text().strip() != server_url.strip():
            return
        username, password = found
        typed = self.username_edit.text().strip()
        if self.password_edit.text() or (typed and typed != username):
            return
        self.username_edit.setText(username)
        self.password_edit.setText(password)
        self.remember_check.setChecked(True)
        self.prefilled_from_keyring = True

    def _keyring_failed(self, error: ApiError) -> None:
        log.warning("Could not read the keyring: %s", error.message)
        self.keyring_note.setText(error.message)
        self.keyring_note.setVisible(True)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.busy.clear()
        super().closeEvent(event)
