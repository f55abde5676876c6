"""The console's main window: navigation on the left, the pages, the signed-in user, Sign out."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_admin.api import ApiError
from desktop_admin.bundle import (
    BUNDLE_FILE_FILTER,
    BUNDLE_SUFFIX,
    Bundle,
    export_bundle,
    load_bundle,
)
from desktop_admin.views import ACCENT, MUTED, ON_DARK, icon, icon_badge
from desktop_admin.views.busy import BusyIndicator, BusyLabel
from desktop_admin.views.history_page import HistoryPage
from desktop_admin.views.home_page import HomePage
from desktop_admin.views.login_dialog import SignedIn
from desktop_admin.views.profile_editor.editor import ProfileEditor
from desktop_admin.views.profiles_page import ProfilesPage
from desktop_admin.workers import BackgroundRunner

log = logging.getLogger(__name__)

PAGE_HOME = "home"
PAGE_PROFILES = "profiles"
PAGE_HISTORY = "history"
STATUS_MS = 8000
SHUTDOWN_WAIT_MS = 5000

ROLE_LABELS = {"administrator": "Administrator", "care-rep": "Care rep"}


def role_label(role: str) -> str:
    """Return a staff role as people say it."""
    return ROLE_LABELS.get(role, role.replace("-", " ").capitalize())


class MainWindow(QMainWindow):
    """Shows Home and Profiles for one signed-in staff member.

    ``signed_out(notice, is_error)`` fires when the session is over: signed out on request, or
    ended by the server; the window does not close itself.
    """

    signed_out = Signal(str, bool)

    def __init__(
        self,
        session: SignedIn,
        *,
        forget_credentials: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._client = session.client
        self._forget_credentials = forget_credentials
        self._signing_out = False
        self._signed_out = False
        self.last_status = ""
        self.editors: list[ProfileEditor] = []
        self.problem_box: QMessageBox | None = None

        host = urlsplit(session.server_url).netloc or session.server_url
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"Portal Console — {session.token.username} on {host}")
        self.setWindowIcon(icon("fa6s.headset", color=ACCENT))
        self.resize(1280, 780)

        self.busy_label = BusyLabel("Working…", self)
        self.busy = BusyIndicator(self.busy_label, parent=self)
        self.runner = BackgroundRunner(self, busy=self.busy)

        self.home_page = HomePage(self)
        self.profiles_page = ProfilesPage(self._client, self.runner, self)
        self._pages: dict[str, QWidget] = {PAGE_HOME: self.home_page, PAGE_PROFILES: self.profiles_page}

        self.history_page = HistoryPage(self._client, self.runner, self)
        self._pages[PAGE_HISTORY] = self.history_page
        self.history_page.status_message.connect(self.show_status)
        self.history_page.session_ended.connect(self._session_ended)

        self._build_actions()
        self._build_central(host)
        self._build_toolbar()
        self._build_menus()
        self._build_status_bar(session.server_url)

        self.home_page.profiles_requested.connect(lambda: self.show_page(PAGE_PROFILES))
        self.profiles_page.profiles_loaded.connect(self.home_page.set_profile_count)
        self.profiles_page.load_failed.connect(lambda _error: self.home_page.set_profile_count_failed())
        self.profiles_page.status_message.connect(self.show_status)
        self.profiles_page.session_ended.connect(self._session_ended)
        self.profiles_page.edit_requested.connect(self.open_profile_editor)
        self.profiles_page.export_requested.connect(self.export_profile)

        self.show_page(PAGE_HOME)
        if session.note:
            self.show_status(session.note)
        self.refresh()

    # --- layout ----------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.refresh_action = QAction(icon("fa6s.arrows-rotate"), "&Refresh", self)
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.setToolTip("Load the lists again from the server (F5)")
        self.refresh_action.triggered.connect(self.refresh)
        self.sign_out_action = QAction(icon("fa6s.right-from-bracket"), "Sign &out", self)
        self.sign_out_action.setToolTip("Sign out and forget the remembered password")
        self.sign_out_action.triggered.connect(self.sign_out)
        self.quit_action = QAction(icon("fa6s.power-off"), "&Quit", self)
        self.quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        self.go_home_action = QAction(icon("fa6s.house"), "&Home", self)
        self.go_home_action.setShortcut(QKeySequence("Ctrl+1"))
        self.go_home_action.triggered.connect(lambda: self.show_page(PAGE_HOME))
        self.go_profiles_action = QAction(icon("fa6s.id-card"), "&Profiles", self)
        self.go_profiles_action.setShortcut(QKeySequence("Ctrl+2"))
        self.go_profiles_action.triggered.connect(lambda: self.show_page(PAGE_PROFILES))
        self.new_bundle_action = QAction(icon("fa6s.file-circle-plus"), "&New Profile Bundle", self)
        self.new_bundle_action.setToolTip(
            "Brand a profile in a file of its own, from the out-of-box configuration"
        )
        self.new_bundle_action.triggered.connect(lambda: self.open_bundle_editor(None, None))
        self.open_bundle_action = QAction(icon("fa6s.folder-open"), "&Open Profile Bundle…", self)
        self.open_bundle_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Open))
        self.open_bundle_action.setToolTip("Edit and preview a profile bundle file (Ctrl+O)")
        self.open_bundle_action.triggered.connect(lambda: self.open_bundle())
        self.publish_bundle_action = QAction(icon("fa6s.cloud-arrow-up"), "&Publish Bundle to Server…", self)
        self.publish_bundle_action.setToolTip(
            "Put a profile bundle on this server, as a new profile or over one"
        )
        self.publish_bundle_action.triggered.connect(lambda: self.open_bundle(publish=True))
        self.export_action = QAction(icon("fa6s.file-export"), "&Export Profile…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setToolTip(
            "Save the profile chosen on the Profiles page as a bundle file (Ctrl+E)"
        )
        self.export_action.triggered.connect(lambda: self.export_profile())

    def _build_central(self, host: str) -> None:
        central = QWidget(self)
        central.setObjectName("central")
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)

        sidebar = QFrame(central)
        sidebar.setObjectName("navigationPanel")
        sidebar.setFixedWidth(224)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(14, 18, 14, 14)
        side.setSpacing(14)
        brand = QHBoxLayout()
        brand.setSpacing(10)
        badge = icon_badge(sidebar, 36, "fa6s.headset", 20, name="brandBadge", color="#ffffff")
        names = QVBoxLayout()
        names.setSpacing(0)
        product = QLabel("Portal Console", sidebar)
        product.setObjectName("brandName")
        caption = QLabel("Customer Care", sidebar)
        caption.setObjectName("brandCaption")
        names.addWidget(product)
        names.addWidget(caption)
        brand.addWidget(badge)
        brand.addLayout(names, 1)
        side.addLayout(brand)
        section = QLabel("MANAGE", sidebar)
        section.setObjectName("navSection")
        side.addWidget(section)

        self.navigation = QListWidget(sidebar)
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(18, 18))
        self.navigation.setFrameShape(QFrame.Shape.NoFrame)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.navigation.setAccessibleName("Navigation")
        for key, text, icon_name in (
            (PAGE_HOME, "Home", "fa6s.house"),
            (PAGE_PROFILES, "Profiles", "fa6s.id-card"),
            (PAGE_HISTORY, "History", "fa6s.clock-rotate-left"),
        ):
            item = QListWidgetItem(
                icon(icon_name, color=ON_DARK, color_active="#ffffff", color_selected="#ffffff"), text
            )
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(180, 40))
            self.navigation.addItem(item)
        self.navigation.currentItemChanged.connect(self._navigated)
        side.addWidget(self.navigation, 1)
        server = QLabel(f"Server\n{host}", sidebar)
        server.setObjectName("sidebarFooter")
        server.setToolTip(self.session.server_url)
        side.addWidget(server)

        self.stack = QStackedWidget(central)
        self.stack.setObjectName("pages")
        for page in self._pages.values():
            self.stack.addWidget(page)
        row.addWidget(sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Main toolbar", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setIconSize(QSize(16, 16))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.page_title = QLabel(toolbar)
        self.page_title.setObjectName("toolbarTitle")
        self.page_title.setMinimumWidth(220)  # the toolbar does not re-lay out when the text grows
        toolbar.addWidget(self.page_title)
        spacer = QWidget(toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.refresh_action)
        toolbar.addSeparator()
        token = self.session.token
        user = QWidget(toolbar)
        user_row = QHBoxLayout(user)
        user_row.setContentsMargins(8, 0, 8, 0)
        user_row.setSpacing(8)
        avatar = QLabel(user)
        avatar.setPixmap(icon("fa6s.circle-user", color=MUTED).pixmap(QSize(22, 22)))
        self.user_label = QLabel(
            f"<b>{html.escape(token.username)}</b>&nbsp;&nbsp;{html.escape(role_label(token.role))}", user
        )
        self.user_label.setObjectName("userLabel")
        self.user_label.setTextFormat(Qt.TextFormat.RichText)
        self.user_label.setToolTip(f"Signed in as {token.username} ({role_label(token.role)})")
        self.user_label.setAccessibleName(f"Signed in as {token.username}, {role_label(token.role)}")
        user_row.addWidget(avatar)
        user_row.addWidget(self.user_label)
        toolbar.addWidget(user)
        toolbar.addAction(self.sign_out_action)
        self.toolbar = toolbar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

    def _build_menus(self) -> None:
        menu_bar = self.menuBar()
        file_menu = menu_bar.addMenu("&File")
        file_menu.addAction(self.new_bundle_action)
        file_menu.addAction(self.open_bundle_action)
        file_menu.addAction(self.publish_bundle_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.refresh_action)
        file_menu.addSeparator()
        file_menu.addAction(self.sign_out_action)
        file_menu.addAction(self.quit_action)
        go_menu = menu_bar.addMenu("&Go")
        go_menu.addAction(self.go_home_action)
        go_menu.addAction(self.go_profiles_action)
        self.file_menu, self.go_menu = file_menu, go_menu

    def _build_status_bar(self, server_url: str) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        bar.setSizeGripEnabled(False)
        bar.addPermanentWidget(self.busy_label)
        connected = QLabel(f"Connected to {server_url}", bar)
        connected.setObjectName("muted")
        bar.addPermanentWidget(connected)

    # --- navigation ------------------------------------------------------------------------

    def page_keys(self) -> list[str]:
        """Return the pages the navigation offers, in order."""
        items = (self.navigation.item(row) for row in range(self.navigation.count()))
        return [str(item.data(Qt.ItemDataRole.UserRole)) for item in items]

    def current_page(self) -> str:
        """Return the key of the page shown."""
        for key, page in self._pages.items():
            if self.stack.currentWidget() is page:
                return key
        return ""

    def show_page(self, key: str) -> None:
        """Show a page and mark it in the navigation."""
        page = self._pages[key]
        self.stack.setCurrentWidget(page)
        self.page_title.setText({PAGE_HOME: "Home", PAGE_PROFILES: "Profiles", PAGE_HISTORY: "History"}[key])
        for row in range(self.navigation.count()):
            item = self.navigation.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key and self.navigation.currentRow() != row:
                self.navigation.setCurrentRow(row)

    def _navigated(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None:
            self.show_page(str(current.data(Qt.ItemDataRole.UserRole)))

    # --- actions ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load what the pages show again."""
        if not self.profiles_page.loaded_once:
            self.home_page.set_profile_count(None)
        self.profiles_page.refresh()
        self.history_page.refresh()
        self._load_portal_user_count()

    def _load_portal_user_count(self) -> None:
        """Count the portal users for the home page (one row asked for: only the total matters)."""
        if self.home_page.portal_user_count is None:
            self.home_page.set_portal_user_count(None)
        client, home = self._client, self.home_page

        def failed(error: ApiError) -> None:
            if error.is_auth:
                self._session_ended(error.message)
            else:
                home.set_portal_user_count_failed()

        self.runner.run(
            lambda: client.list_portal_users(page_size=1).total,
            on_success=home.set_portal_user_count,
            on_failure=failed,
            busy_text="Counting portal users…",
        )

    def open_profile_editor(self, profile_id: int | None = None) -> ProfileEditor:
        """Open a profile (None: a new one) in an editor window, or bring its open editor forward."""
        for editor in self.editors:
            if profile_id is not None and editor.profile_id == profile_id:
                editor.show()
                editor.raise_()
                editor.activateWindow()
                return editor
        editor = ProfileEditor(self._client, profile_id, self)
        self._adopt_editor(editor)
        return editor

    def _adopt_editor(self, editor: ProfileEditor) -> None:
        editor.setWindowFlag(Qt.WindowType.Window, True)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(lambda profile: self.profiles_page.refresh(select_id=profile.id))
        editor.status_message.connect(self.show_status)
        editor.session_ended.connect(self._session_ended)
        editor.closed.connect(lambda: self._forget_editor(editor))
        self.editors.append(editor)
        editor.show()

    def open_bundle_editor(self, bundle: Bundle | None, path: Path | None) -> ProfileEditor:
        """Open a bundle (None: a new one) in an editor window that can publish it to this server."""
        for editor in self.editors:
            if path is not None and editor.bundle_mode and editor.bundle_path == path:
                editor.show()
                editor.raise_()
                editor.activateWindow()
                return editor
        editor = ProfileEditor(self._client, bundle=bundle, bundle_path=path, parent=self)
        self._adopt_editor(editor)
        return editor

    def choose_bundle_path(self, *, saving: bool, suggested: str = "") -> Path | None:
        """Ask for a bundle file to open or to export to; None when the user cancels."""
        if saving:
            start = str(Path.home() / f"{suggested or 'profile'}{BUNDLE_SUFFIX}")
            chosen, _filter = QFileDialog.getSaveFileName(self, "Export profile", start, BUNDLE_FILE_FILTER)
        else:
            chosen, _filter = QFileDialog.getOpenFileName(
                self, "Open profile bundle", str(Path.home()), BUNDLE_FILE_FILTER
            )
        return Path(chosen) if chosen else None

    def open_bundle(self, path: Path | None = None, *, publish: bool = False) -> None:
        """Read a bundle file and open it in an editor; with ``publish``, go on to publishing it."""
        path = path or self.choose_bundle_path(saving=False)
        if path is None:
            return
        chosen = path

        def opened(bundle: Bundle) -> None:
            editor = self.open_bundle_editor(bundle, chosen)
            if publish:
                editor.publish()

        self.runner.run(
            lambda: load_bundle(chosen),
            on_success=opened,
            on_failure=lambda error: self.show_problem(f"{chosen.name} could not be opened", error.message),
            busy_text="Opening the bundle…",
        )

    def export_profile(self, profile_id: int | None = None) -> None:
        """Save a server profile (by default the one chosen on the Profiles page) as a bundle file."""
        if profile_id is None:
            selected = self.profiles_page.selected_profile()
            if selected is None:
                self.show_page(PAGE_PROFILES)
                self.show_status("Choose the profile to export on the Profiles page, then export it.")
                return
            profile_id = selected.id
        known = {row.id: row.name for row in self.profiles_page.model.rows()}
        path = self.choose_bundle_path(saving=True, suggested=known.get(profile_id, "profile"))
        if path is None:
            return
        if not path.suffix:
            path = path.with_suffix(BUNDLE_SUFFIX)
        client, target, chosen_id = self._client, path, profile_id

        def failed(error: ApiError) -> None:
            if error.is_auth:
                self._session_ended(error.message)
            else:
                self.show_problem("The profile was not exported", error.message)

        self.runner.run(
            lambda: export_bundle(client, chosen_id, target),
            on_success=lambda bundle: self.show_status(f"Exported “{bundle.content.name}” to {target}."),
            on_failure=failed,
            busy_text="Exporting the profile…",
        )

    def show_problem(self, title: str, message: str) -> None:
        """Tell the user about a failure where they are looking (a message box over the window)."""
        self.last_status = message
        box = QMessageBox(QMessageBox.Icon.Warning, title, title + ".", parent=self)
        box.setInformativeText(message)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.problem_box = box
        box.open()

    def close_editors(self) -> bool:
        """Close every profile editor (each asks about unsaved changes); False when one stays open."""
        return all(editor.close() for editor in list(self.editors))

    def _forget_editor(self, editor: ProfileEditor) -> None:
        if editor in self.editors:
            self.editors.remove(editor)

    def show_status(self, message: str) -> None:
        """Say something in the status bar for a while."""
        self.last_status = message
        self.statusBar().showMessage(message, STATUS_MS)

    def sign_out(self) -> None:
        """Revoke the token on the server, forget the remembered password, then report signed out."""
        if self._signing_out or self._signed_out:
            return
        if not self.close_editors():
            return
        self._signing_out = True
        self.sign_out_action.setEnabled(False)
        client, forget = self._client, self._forget_credentials

        def work() -> str:
            problem = ""
            try:
                client.sign_out()
            except ApiError as exc:
                problem = exc.message
            if forget is not None:
                forget()
            return problem

        self.runner.run(
            work,
            on_success=lambda problem: self._finish_sign_out(str(problem)),
            on_failure=lambda error: self._finish_sign_out(error.message),
            busy_text="Signing out…",
        )

    def _finish_sign_out(self, problem: str) -> None:
        self._signing_out = False
        self._signed_out = True
        if problem:
            self.signed_out.emit(
                f"You are signed out of the console, but not everything went well: {problem}", True
            )
        else:
            self.signed_out.emit("You have signed out.", False)

    def _session_ended(self, message: str) -> None:
        if self._signed_out:
            return
        self._signed_out = True
        self.signed_out.emit(message, True)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.close_editors():
            event.ignore()
            return
        if not self._signed_out and not self._signing_out:
            # Quitting ends the session too; tokens are not kept anywhere, so revoke this one.
            self._signed_out = True
            client = self._client
            self.runner.run(client.sign_out, on_failure=lambda _error: None, busy_text=None)
        if not self.runner.wait(SHUTDOWN_WAIT_MS):
            log.warning("A server call was still running when the window closed")
        self._client.close()
        self.busy.clear()
        super().closeEvent(event)
