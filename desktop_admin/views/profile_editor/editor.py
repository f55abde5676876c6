"""The profile editor: every tab of one profile, a draft kept across them, and one save.

The editor holds the draft (the profile's content as a dict) and the version it was loaded at.
Tabs show and change parts of the draft; nothing reaches the server until Save & Complete, which
first checks the whole draft with the shared schema. A save based on an old version is refused by
the server; the editor then offers to reload or to compare the draft with what was saved since.
Markets and logo uploads are the exceptions: they are separate calls made at once.
"""

from __future__ import annotations

import copy
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from common.profile import LogoSlot, Profile, ProfileContent
from common.validation import FieldErrors, parse
from desktop_admin.api import ApiClient, ApiError
from desktop_admin.bundle import (
    BUNDLE_FILE_FILTER,
    BUNDLE_SUFFIX,
    Bundle,
    load_bundle,
    save_bundle,
)
from desktop_admin.views import ACCENT, DANGER, MUTED, TEXT, MessageBanner, icon
from desktop_admin.views.busy import BusyIndicator, BusyLabel
from desktop_admin.views.compare_dialog import CompareDialog
from desktop_admin.views.profile_editor.basic_tab import BasicTab, describe_path
from desktop_admin.views.profile_editor.chat_tab import ChatTab
from desktop_admin.views.profile_editor.draft import content_of, new_draft, snapshot, value_at
from desktop_admin.views.profile_editor.links_tab import LinksTab
from desktop_admin.views.profile_editor.markets_tab import MarketsTab
from desktop_admin.views.profile_editor.menu_tab import MenuTab
from desktop_admin.views.profile_editor.notifications_tab import NotificationsTab
from desktop_admin.views.profile_editor.settings_tab import SettingsTab
from desktop_admin.views.profile_editor.support_tab import SupportTab
from desktop_admin.views.profile_editor.tab import EditorTab, TabBase
from desktop_admin.views.profile_editor.tickets_tab import TicketsTab
from desktop_admin.views.profile_editor.widgets_tab import WidgetsTab
from desktop_admin.views.publish_dialog import PublishDialog
from desktop_admin.widgets.logo_picker import LogoPicker
from desktop_admin.widgets.portal_preview import PortalPreview
from desktop_admin.workers import BackgroundRunner

__all__ = ["CompareDialog", "ProfileEditor", "content_of", "new_draft"]

log = logging.getLogger(__name__)

# The portal page the preview turns to when a tab about that page is shown.
PREVIEW_PAGES = {"Settings": "login", "Menu": "home", "Home Widgets": "home", "Support Menu": "support"}
SHUTDOWN_WAIT_MS = 5000

SAVE = "save"
DISCARD = "discard"
CANCEL = "cancel"
RELOAD = "reload"
COMPARE = "compare"

SAVE_AND_COMPLETE = "Save & Complete"
SAVE_BUNDLE = "Save Bundle"
BUNDLE_MARKETS_NOTE = (
    "Bundles carry no markets: markets route a server's subscribers, so they are associated on the server "
    "once the bundle is published there."
)

STYLE_SHEET = f"""
QWidget#profileEditor {{ background: #f5f7fb; }}
QFrame#editorHeader {{ background: #ffffff; border-bottom: 1px solid #e1e5ec; }}
QLabel#editorTitle {{ font-size: 17pt; font-weight: 600; color: {TEXT}; }}
QLabel#editorMeta {{ color: {MUTED}; }}
QLabel#stateChip {{ border-radius: 11px; padding: 3px 10px; font-weight: 600; }}
QLabel#stateChip[state="dirty"] {{ background: #fff4dc; color: #8a5300; }}
QLabel#stateChip[state="clean"] {{ background: #e3f4e8; color: #1b7f3b; }}
QLabel#stateChip[state="new"] {{ background: #e3ecfd; color: {ACCENT}; }}
QLabel#defaultBadge {{ background: #e3ecfd; color: {ACCENT}; border-radius: 9px; padding: 1px 8px;
    font-weight: 600; }}
QToolBar#editorToolbar {{ background: transparent; border: none; spacing: 6px; }}
QToolBar#editorToolbar QToolButton {{ margin-left: 6px; padding: 6px 12px; border-radius: 6px; color: {TEXT};
    border: 1px solid #c9d0dc; background: #ffffff; }}
QToolBar#editorToolbar QToolButton:hover {{ background: #eef2f8; }}
QToolBar#editorToolbar QToolButton#fileButton {{ padding-right: 24px; }}
QToolBar#editorToolbar QToolButton#fileButton::menu-indicator {{ subcontrol-position: right center;
    subcontrol-origin: padding; right: 8px; }}
QToolBar#editorToolbar QToolButton:checked {{ background: #e3ecfd; border-color: {ACCENT}; color: {ACCENT}; }}
QToolBar#editorToolbar QToolButton#saveButton {{ background: {ACCENT}; color: #ffffff;
    border: 1px solid {ACCENT}; font-weight: 600; }}
QToolBar#editorToolbar QToolButton#saveButton:hover {{ background: #2459c9; }}
QToolBar#editorToolbar QToolButton#saveButton:disabled {{ background: #9db8f3; border-color: #9db8f3; }}
QTabWidget#editorTabs {{ background: #ffffff; }}
QTabWidget#editorTabs::tab-bar {{ left: 16px; }}
QTabWidget#editorTabs::pane {{ border: none; border-top: 1px solid #e1e5ec; background: #f5f7fb; }}
QTabWidget#editorTabs QTabBar {{ background: #ffffff; }}
QTabWidget#editorTabs QTabBar::tab {{ background: #ffffff; color: {MUTED}; padding: 10px 14px;
    border: none; border-bottom: 2px solid transparent; font-weight: 600; }}
QTabWidget#editorTabs QTabBar::tab:selected {{ color: {ACCENT}; border-bottom: 2px solid {ACCENT}; }}
QTabWidget#editorTabs QTabBar::tab:hover {{ color: {TEXT}; }}
QScrollArea#tabScroll, QWidget#tabCanvas {{ background: #f5f7fb; border: none; }}
QFrame#tabFooter {{ background: #ffffff; border-top: 1px solid #e1e5ec; }}
QFrame#editorSection {{ background: #ffffff; border: 1px solid #dfe3ea; border-radius: 10px; }}
QFrame#editorSection QLabel {{ background: transparent; }}
QLabel#sectionTitle {{ font-size: 12pt; font-weight: 600; color: {TEXT}; }}
QLabel#sectionHint, QLabel#fieldHint {{ color: {MUTED}; }}
QLabel#fieldLabel {{ font-weight: 600; color: {TEXT}; }}
QLabel#fieldError {{ color: {DANGER}; }}
QLabel#tabErrors {{ color: {DANGER}; background: #fdecea; border: 1px solid #f3c0bb; border-radius: 6px;
    padding: 8px 12px; }}
QLabel#marketName {{ font-weight: 600; color: {TEXT}; }}
QFrame#noteCard {{ background: #e8f0fe; border: 1px solid #c3d5fb; border-radius: 8px; }}
QFrame#supportPreview {{ background: #f8f9fc; border: 1px solid #dfe3ea; border-radius: 8px; }}
QLabel#previewTitle {{ font-weight: 600; color: {TEXT}; }}
QListWidget#marketList {{ background: #ffffff; border: 1px solid #dfe3ea; border-radius: 8px; }}
QListWidget#marketList::item {{ border-bottom: 1px solid #eef0f4; }}
QComboBox#editorCombo {{ padding-right: 28px; }}
QComboBox#editorCombo::down-arrow {{
    image: url(:/qt-project.org/styles/commonstyle/images/arrow-down-16.png); width: 10px; height: 10px; }}
QComboBox#editorCombo::down-arrow:disabled {{ image: none; }}
QPlainTextEdit {{ border: 1px solid #c9d0dc; border-radius: 6px; padding: 4px 6px; background: #ffffff; }}
QPlainTextEdit:focus {{ border: 1px solid {ACCENT}; }}
QPlainTextEdit:disabled {{ background: #f0f2f6; color: #8a92a3; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"] {{
    border: 1px solid {DANGER}; background: #fff8f7; }}
QPushButton#continueButton {{ background: {ACCENT}; color: #ffffff; border: 1px solid {ACCENT};
    border-radius: 6px; padding: 7px 18px; font-weight: 600; }}
QPushButton#continueButton:hover {{ background: #2459c9; }}
QPushButton#continueButton:disabled {{ background: #9db8f3; border-color: #9db8f3; }}
QPushButton#rowLinkDanger {{ border: none; padding: 4px 8px; border-radius: 4px; background: transparent;
    color: {DANGER}; }}
QPushButton#rowLinkDanger:hover {{ background: #eef2f8; }}
QFrame#previewPanel {{ background: #ffffff; border-left: 1px solid #e1e5ec; }}
QLabel#previewHeading {{ font-size: 12pt; font-weight: 600; color: {TEXT}; }}
QSplitter#editorSplitter::handle {{ background: #e1e5ec; }}
QTableWidget#compareTable {{ background: #ffffff; alternate-background-color: #f8f9fc;
    border: 1px solid #dfe3ea; border-radius: 8px; }}
QTableWidget#compareTable::item {{ padding: 6px 10px; border-bottom: 1px solid #eef0f4; color: {TEXT}; }}
QTableWidget#compareTable QHeaderView::section {{ background: #ffffff; color: {MUTED}; font-weight: 600;
    border: none; border-bottom: 1px solid #dfe3ea; padding: 8px 10px; }}
"""


def mnemonic_free(text: str) -> str:
    """Return text for a button or tab label, where a lone "&" would mark a shortcut letter."""
    return text.replace("&", "&&")


def contract(tab: TabBase) -> EditorTab:
    """Return a tab as the editor's contract sees it (TabBase declares only the shared parts)."""
    return cast(EditorTab, tab)


@dataclass
class Created:
    """What saving a new profile produced: the profile, and logos that could not be uploaded."""

    profile: Profile
    logo_failures: dict[str, ApiError] = field(default_factory=dict)


class TabPage(QWidget):
    """One tab in a scroll area, with its "Continue to …" button at the bottom."""

    CONTENT_WIDTH = 1040

    def __init__(self, tab: TabBase, save_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tab = tab
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("tabScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        canvas = QWidget(self.scroll_area)
        canvas.setObjectName("tabCanvas")
        row = QHBoxLayout(canvas)
        row.setContentsMargins(28, 22, 28, 28)
        tab.setMaximumWidth(self.CONTENT_WIDTH)
        # Never squeezed below its natural height (the scroll area scrolls instead), and as wide as
        # the window allows up to a readable width, centred by the two stretches.
        tab.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding)
        row.addStretch(1)
        row.addWidget(tab, 1000)
        row.addStretch(1)
        self.scroll_area.setWidget(canvas)
        column.addWidget(self.scroll_area, 1)
        footer = QFrame(self)
        footer.setObjectName("tabFooter")
        bar = QHBoxLayout(footer)
        bar.setContentsMargins(28, 10, 28, 10)
        note = QLabel(f"Changes are kept as you move between tabs and saved together with {save_label}.")
        note.setObjectName("muted")
        note.setParent(footer)
        self.continue_button = QPushButton(footer)
        self.continue_button.setObjectName("continueButton")
        self.continue_button.setCursor(Qt.CursorShape.PointingHandCursor)
        bar.addWidget(note, 1)
        bar.addWidget(self.continue_button)
        column.addWidget(footer)


class ProfileEditor(QWidget):
    """Edits one profile, or a new one from the out-of-box configuration, in tabs.

    With ``bundle`` (or without a client) it edits a profile bundle instead: Save writes the bundle
    file, logos stay in the file, no server is needed, and "Publish to Server" puts the bundle on
    the server the console is signed in to, if any.

    ``saved(Profile)`` fires after every successful save or publish, ``status_message(str)`` says
    what happened, ``session_ended(str)`` when the server no longer accepts the sign-in, and
    ``closed`` once the editor has closed. ``ask_unsaved``, ``ask_conflict``, ``confirm`` and
    ``choose_bundle_path`` ask the user; tests replace them.
    """

    saved = Signal(object)
    status_message = Signal(str)
    session_ended = Signal(str)
    closed = Signal()

    def __init__(
        self,
        client: ApiClient | None,
        profile_id: int | None = None,
        parent: QWidget | None = None,
        *,
        bundle: Bundle | None = None,
        bundle_path: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("profileEditor")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE_SHEET)
        self._client: ApiClient | None = None
        if client is not None:
            # A client of its own: ApiClient is not thread-safe and the editor has its own worker thread.
            self._client = ApiClient(client.base_url, timeout=client.timeout)
            self._client.set_token(client.token)
        self.bundle_mode = bundle is not None or client is None
        self.bundle_path: Path | None = Path(bundle_path) if bundle_path is not None else None
        self._clean_logos: dict[str, bytes] = {}
        self.publish_dialog: PublishDialog | None = None
        self.busy_label = BusyLabel("Working…", self)
        self.busy = BusyIndicator(self.busy_label, parent=self)
        self.runner = BackgroundRunner(self, busy=self.busy)

        self.profile_id = profile_id
        self.loaded_version: int | None = None
        self.is_default = False
        self.markets: list[str] = []
        self.draft: dict[str, Any] = new_draft()
        self.pending_logos: dict[str, bytes] = {}
        self.compare_dialog: CompareDialog | None = None
        self.last_status = ""
        self.tab_errors: dict[str, int] = {}
        self._loaded_content: dict[str, Any] | None = None
        self._clean: dict[str, Any] = {}
        self._logo_images: dict[str, bytes | None] = {}
        self._server_errors: dict[str, tuple[str, Any]] = {}
        self._errors_shown = False
        self._loading = False
        self._saving = False
        self._close_after_save = False
        self._closed = False

        self.tabs: list[TabBase] = []
        self.pages: list[TabPage] = []
        self.preview: PortalPreview | None = None
        self.preview_panel: QFrame | None = None
        self._build()
        if self.bundle_mode:
            self.take_bundle(bundle, self.bundle_path)
        else:
            self._load_draft(self.draft)
            if profile_id is not None:
                self._fetch()
        self.resize(1200, 860)

    @property
    def online(self) -> bool:
        """Whether the editor is connected to a server (a bundle can be edited without one)."""
        return self._client is not None

    def _server(self) -> ApiClient:
        """Return the editor's client; only reached by what needs a server, which offline is hidden."""
        if self._client is None:
            raise ApiError("The console is working offline: sign in to a server to do this.", code="offline")
        return self._client

    # --- building --------------------------------------------------------------------------

    def _make_tabs(self) -> list[TabBase]:
        """Create the tabs in the order of the reference portal."""
        self.basic_tab = BasicTab()
        self.settings_tab = SettingsTab(logo_picker=LogoPicker())
        self.notifications_tab = NotificationsTab()
        self.menu_tab = MenuTab()
        self.markets_tab = MarketsTab()
        self.widgets_tab = WidgetsTab()
        self.support_tab = SupportTab()
        self.tickets_tab = TicketsTab()
        self.links_tab = LinksTab()
        self.chat_tab = ChatTab()
        return [
            self.basic_tab,
            self.settings_tab,
            self.notifications_tab,
            self.menu_tab,
            self.markets_tab,
            self.widgets_tab,
            self.support_tab,
            self.tickets_tab,
            self.links_tab,
            self.chat_tab,
        ]

    def _build(self) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._build_header())

        self.banner = MessageBanner(self)
        banner_row = QHBoxLayout()
        banner_row.setContentsMargins(28, 10, 28, 0)
        banner_row.addWidget(self.banner)
        self.banner_holder = QWidget(self)
        self.banner_holder.setLayout(banner_row)
        self.banner_holder.setVisible(False)
        self.banner.dismissed.connect(lambda: self.banner_holder.setVisible(False))
        column.addWidget(self.banner_holder)

        self.tab_widget = QTabWidget(self)
        self.tab_widget.setObjectName("editorTabs")
        self.tab_widget.setDocumentMode(True)
        self.tab_widget.setUsesScrollButtons(True)
        self.tab_widget.setIconSize(QSize(14, 14))
        self.tab_widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.tab_widget.tabBar().setDrawBase(False)
        self.tabs = self._make_tabs()
        for tab in self.tabs:
            page = TabPage(tab, self.save_label(), self.tab_widget)
            self.pages.append(page)
            self.tab_widget.addTab(page, mnemonic_free(tab.TITLE))
            tab.edited.connect(self._edited)
        for index, page in enumerate(self.pages):
            if index + 1 < len(self.pages):
                following = self.tabs[index + 1].TITLE
                page.continue_button.setText(mnemonic_free(f"Continue to {following}"))
                page.continue_button.setIcon(icon("fa6s.arrow-right", color="#ffffff"))
                page.continue_button.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
                page.continue_button.clicked.connect(lambda _checked=False, i=index: self.show_tab_at(i + 1))
            else:
                page.continue_button.setText(mnemonic_free(self.save_label()))
                page.continue_button.setIcon(icon("fa6s.check", color="#ffffff"))
                page.continue_button.clicked.connect(self.save)
        self._default_tab_colour = self.tab_widget.tabBar().tabTextColor(0)
        self.tab_widget.currentChanged.connect(lambda _index: self._update_preview())
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("editorSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(self.tab_widget)
        column.addWidget(self.splitter, 1)

        # The brand name's placeholder is the brand the name gives while no brand is entered.
        self.basic_tab.name_edit.textChanged.connect(self.settings_tab.set_profile_name)
        self.settings_tab.logo_chosen.connect(self._logo_chosen)
        self.settings_tab.logo_cleared.connect(self._logo_cleared)
        self.markets_tab.add_requested.connect(self._add_market)
        self.markets_tab.remove_requested.connect(self._remove_market)

    def _build_header(self) -> QFrame:
        header = QFrame(self)
        header.setObjectName("editorHeader")
        row = QHBoxLayout(header)
        row.setContentsMargins(28, 16, 20, 14)
        row.setSpacing(14)
        badge = QLabel(header)
        badge.setPixmap(icon("fa6s.id-card", color=ACCENT).pixmap(QSize(28, 28)))
        row.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        names = QVBoxLayout()
        names.setSpacing(2)
        title_row = QHBoxLayout()
        title_row.setSpacing(10)
        self.title_label = QLabel(header)
        self.title_label.setObjectName("editorTitle")
        self.default_badge = QLabel("Default profile", header)
        self.default_badge.setObjectName("defaultBadge")
        self.default_badge.setToolTip("Subscribers whose market has no profile of its own see this one")
        self.default_badge.setVisible(False)
        title_row.addWidget(self.title_label)
        title_row.addWidget(self.default_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        title_row.addStretch(1)
        self.meta_label = QLabel(header)
        self.meta_label.setObjectName("editorMeta")
        names.addLayout(title_row)
        names.addWidget(self.meta_label)
        row.addLayout(names, 1)

        self.state_chip = QLabel(header)
        self.state_chip.setObjectName("stateChip")
        row.addWidget(self.state_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.busy_label, 0, Qt.AlignmentFlag.AlignVCenter)

        self.toolbar = QToolBar("Profile", header)
        self.toolbar.setObjectName("editorToolbar")
        self.toolbar.setIconSize(QSize(15, 15))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        reload_text = "Reload from File" if self.bundle_mode else "Reload"
        self.reload_action = QAction(icon("fa6s.arrows-rotate"), reload_text, self)
        self.reload_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.reload_action.setToolTip(
            "Read the bundle file again (F5)"
            if self.bundle_mode
            else "Load the profile again from the server (F5)"
        )
        self.reload_action.triggered.connect(self.reload)
        self.save_action = QAction(
            icon("fa6s.floppy-disk", color="#ffffff"), mnemonic_free(self.save_label()), self
        )
        self.save_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_action.setToolTip(
            "Check every tab and save the bundle file (Ctrl+S)"
            if self.bundle_mode
            else "Check every tab and save the profile (Ctrl+S)"
        )
        self.save_action.triggered.connect(self.save)
        self.preview_action = QAction(icon("fa6s.eye"), "Preview", self)
        self.preview_action.setCheckable(True)
        self.preview_action.setShortcut(QKeySequence("Ctrl+P"))
        self.preview_action.setToolTip("Show the portal pages as this draft makes them (Ctrl+P)")
        self.preview_action.toggled.connect(self.set_preview_visible)
        self.open_action = QAction(icon("fa6s.folder-open"), "Open…", self)
        self.open_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Open))
        self.open_action.setToolTip("Open another profile bundle in this window (Ctrl+O)")
        self.open_action.triggered.connect(self.open_bundle_file)
        self.save_as_action = QAction(icon("fa6s.file-export"), "Save As…", self)
        self.save_as_action.setShortcut(QKeySequence(QKeySequence.StandardKey.SaveAs))
        self.save_as_action.setToolTip("Save the bundle under another name (Ctrl+Shift+S)")
        self.save_as_action.triggered.connect(self.save_as)
        self.publish_action = QAction(icon("fa6s.cloud-arrow-up"), "Publish to Server…", self)
        self.publish_action.setToolTip("Put this profile on the server as a new profile or over one there")
        self.publish_action.triggered.connect(self.publish)
        self.close_action = QAction("Close", self)
        self.close_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
        self.close_action.triggered.connect(self.close)
        actions = [self.reload_action, self.save_action, self.preview_action, self.close_action]
        if self.bundle_mode:
            actions += [self.open_action, self.save_as_action, self.publish_action]
        for action in actions:
            self.addAction(action)
        self.toolbar.addAction(self.preview_action)
        if self.bundle_mode:
            # The file's actions share one drop-down, so the toolbar fits beside a long profile name.
            self.publish_action.setVisible(self.online)
            self.file_menu = QMenu("File", self)
            for action in (self.open_action, self.save_as_action, self.reload_action):
                self.file_menu.addAction(action)
            file_button = QToolButton(self.toolbar)
            file_button.setObjectName("fileButton")
            file_button.setText("File")
            file_button.setIcon(icon("fa6s.file-lines"))
            file_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            file_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            file_button.setMenu(self.file_menu)
            file_button.setAccessibleName("File: open, save as or reload the bundle")
            self.toolbar.addWidget(file_button)
            if self.online:
                self.toolbar.addAction(self.publish_action)
        else:
            self.toolbar.addAction(self.reload_action)
        self.toolbar.addAction(self.save_action)
        save_button = self.toolbar.widgetForAction(self.save_action)
        if save_button is not None:
            save_button.setObjectName("saveButton")
        row.addWidget(self.toolbar, 0, Qt.AlignmentFlag.AlignVCenter)
        return header

    # --- tabs ------------------------------------------------------------------------------

    def tab(self, title: str) -> TabBase | None:
        """Return the tab with this title, if the editor has it."""
        return next((tab for tab in self.tabs if title == tab.TITLE), None)

    def tab_titles(self) -> list[str]:
        """Return the tabs' titles in order."""
        return [tab.TITLE for tab in self.tabs]

    def current_tab(self) -> TabBase:
        """Return the tab shown."""
        return self.tabs[self.tab_widget.currentIndex()]

    def show_tab(self, title: str) -> None:
        """Show the tab with this title."""
        tab = self.tab(title)
        if tab is not None:
            self.show_tab_at(self.tabs.index(tab))

    def show_tab_at(self, index: int) -> None:
        """Show the tab at a position."""
        if 0 <= index < len(self.tabs):
            self.tab_widget.setCurrentIndex(index)

    def continue_button(self, title: str) -> QPushButton:
        """Return the button at the bottom of a tab ("Continue to …" or "Save & Complete")."""
        tab = self.tab(title)
        if tab is None:
            raise KeyError(title)
        return self.pages[self.tabs.index(tab)].continue_button

    # --- the preview -----------------------------------------------------------------------

    def set_preview_visible(self, visible: bool) -> None:
        """Show or hide the portal preview beside the tabs (created the first time it is shown)."""
        if visible and self.preview is None:
            panel = QFrame(self.splitter)
            panel.setObjectName("previewPanel")
            panel_column = QVBoxLayout(panel)
            panel_column.setContentsMargins(16, 14, 16, 12)
            panel_column.setSpacing(8)
            heading = QLabel("Preview", panel)
            heading.setObjectName("previewHeading")
            self.preview = PortalPreview(panel)
            panel_column.addWidget(heading)
            panel_column.addWidget(self.preview, 1)
            self.preview_panel = panel
            self.splitter.addWidget(panel)
            width = max(self.splitter.width(), 1000)
            self.splitter.setSizes([width * 3 // 5, width * 2 // 5])
        if self.preview_panel is not None:
            self.preview_panel.setVisible(visible)
        if self.preview_action.isChecked() != visible:
            self.preview_action.setChecked(visible)
        self._update_preview()

    def _update_preview(self) -> None:
        """Hand the draft, and the logos the editor holds, to the preview when it is shown."""
        if self.preview is None or self.preview_panel is None or self.preview_panel.isHidden():
            return
        if self.tabs:
            page = PREVIEW_PAGES.get(self.current_tab().TITLE)
            if page is not None:
                self.preview.set_page(page)
        self.preview.show_profile(copy.deepcopy(self.sync_draft()), self.bundle_logos())

    # --- the draft -------------------------------------------------------------------------

    def sync_draft(self) -> dict[str, Any]:
        """Write every tab's values into the draft and return it."""
        for tab in self.tabs:
            contract(tab).apply(self.draft)
        return self.draft

    def is_new(self) -> bool:
        """Whether the profile has never been saved (on the server, or for a bundle, to a file)."""
        if self.bundle_mode:
            return self.bundle_path is None
        return self.profile_id is None

    def save_label(self) -> str:
        """Return what the save button says: a bundle is saved to its file, a profile is completed."""
        return SAVE_BUNDLE if self.bundle_mode else SAVE_AND_COMPLETE

    def bundle_logos(self) -> dict[str, bytes]:
        """Return the custom logos the editor holds, by slot: what the preview shows and a bundle carries."""
        logos = {slot: data for slot, data in self._logo_images.items() if data}
        logos.update(self.pending_logos)
        return logos

    def _set_chat_saved(self, saved: bool) -> None:
        """Chat can be set up only on a saved profile (the seed's rule)."""
        self.chat_tab.set_saved(saved)

    def is_dirty(self) -> bool:
        """Whether the draft holds changes the server (or the bundle file) does not have."""
        if self._loading or self._closed:
            return False
        if self.bundle_mode:
            return self.sync_draft() != self._clean or self.bundle_logos() != self._clean_logos
        return self.sync_draft() != self._clean or bool(self.pending_logos)

    def _load_draft(self, content: dict[str, Any]) -> None:
        """Show content in every tab and take it as the unchanged state."""
        self.draft = copy.deepcopy(content)
        for tab in self.tabs:
            contract(tab).load(self.draft)
        # What the tabs make of the content is the baseline, so merely looking changes nothing.
        self._clean = copy.deepcopy(self.sync_draft())
        if self.bundle_mode:
            self.markets_tab.set_profile(saved=False, markets=[], note=BUNDLE_MARKETS_NOTE)
            # A bundle is a document of its own: chat is part of its content like everything else.
            self._set_chat_saved(True)
        else:
            self.markets_tab.set_profile(saved=not self.is_new(), markets=self.markets)
            self._set_chat_saved(not self.is_new())
        self._clear_errors()
        self._refresh_state()
        self._update_preview()

    def _take_profile(self, profile: Profile) -> None:
        self.profile_id = profile.id
        self.loaded_version = profile.version
        self.is_default = profile.is_default
        self.markets = list(profile.markets)
        self._loaded_content = content_of(profile)

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the profile again from the server, after asking when that drops changes."""
        if self.bundle_mode:
            if self.bundle_path is not None:
                self._open_path(
                    self.bundle_path,
                    question="Read the bundle file again? Your unsaved changes will be lost.",
                )
            return
        if self.is_new() or self._saving:
            return
        if self.is_dirty() and not self.confirm(
            "Reload profile", "Reload the profile from the server? Your unsaved changes will be lost."
        ):
            return
        self._fetch()

    def _fetch(self) -> None:
        profile_id = self.profile_id
        if profile_id is None:
            return
        self._loading = True
        self._refresh_state()
        client = self._server()
        self.runner.run(
            lambda: client.get_profile(profile_id),
            on_success=self._loaded,
            on_failure=self._load_failed,
            busy_text="Loading the profile…",
        )

    def _loaded(self, profile: Profile) -> None:
        self._loading = False
        self._take_profile(profile)
        self.pending_logos.clear()
        self._load_draft(content_of(profile))
        self._fetch_logos()

    def _load_failed(self, error: ApiError) -> None:
        self._loading = False
        self._refresh_state()
        if error.is_auth:
            self.session_ended.emit(error.message)
        if error.status == 404:
            self._show_banner("This profile no longer exists: someone removed it.", error=True)
        else:
            self._show_banner(error.message, error=True)

    def _fetch_logos(self) -> None:
        """Show the stored logos in the picker (without one, the references are shown as text)."""
        if self.settings_tab.logo_picker is None:
            return
        logos = self.draft.get("logos") or {}
        client = self._server()
        for slot in LogoSlot:
            ref = logos.get(slot.value)
            self._show_logo(slot.value, None)
            if not ref:
                continue
            self._fetch_logo(client, slot.value, str(ref.get("sha256", "")))

    def _fetch_logo(self, client: ApiClient, slot: str, digest: str) -> None:
        def shown(data: bytes) -> None:
            self._show_logo(slot, bytes(data))

        def not_shown(error: ApiError) -> None:
            log.warning("The %s logo could not be shown: %s", slot, error)

        self.runner.run(
            lambda: client.fetch_logo(digest), on_success=shown, on_failure=not_shown, busy_text=None
        )

    def _show_logo(self, slot: str, data: bytes | None) -> None:
        self._logo_images[slot] = data
        self.settings_tab.set_logo_image(slot, data)
        self._update_preview()

    # --- bundles ---------------------------------------------------------------------------

    def choose_bundle_path(self, *, saving: bool) -> Path | None:
        """Ask for a bundle file to save to or open; None when the user cancels."""
        start = str(self.bundle_path or Path.home())
        if saving:
            name = str(self.draft.get("name") or "").strip() or "profile"
            if self.bundle_path is None:
                start = str(Path.home() / f"{name}{BUNDLE_SUFFIX}")
            chosen, _filter = QFileDialog.getSaveFileName(
                self, "Save profile bundle", start, BUNDLE_FILE_FILTER
            )
        else:
            chosen, _filter = QFileDialog.getOpenFileName(
                self, "Open profile bundle", start, BUNDLE_FILE_FILTER
            )
        return Path(chosen) if chosen else None

    def take_bundle(self, bundle: Bundle | None, path: Path | None) -> None:
        """Show a bundle (None: a new one from the out-of-box configuration) as the unchanged state."""
        self.bundle_path = path
        if bundle is None:
            content = new_draft()
            logos: dict[str, bytes] = {}
        else:
            content = bundle.content.model_dump(mode="json")
            logos = dict(bundle.logos)
        self.pending_logos.clear()
        self._logo_images = {slot.value: logos.get(slot.value) for slot in LogoSlot}
        self._clean_logos = dict(logos)
        for slot in LogoSlot:
            self.settings_tab.set_logo_image(slot.value, logos.get(slot.value))
        self._load_draft(content)

    def open_bundle_file(self) -> None:
        """Open another bundle in this editor, after asking when that drops unsaved changes."""
        if self._saving or self._loading:
            return
        question = "Open another bundle? Your unsaved changes to this one will be lost."
        if self.is_dirty() and not self.confirm("Open profile bundle", question):
            return
        path = self.choose_bundle_path(saving=False)
        if path is not None:
            self._open_path(path)

    def _open_path(self, path: Path, *, question: str = "") -> None:
        if question and self.is_dirty() and not self.confirm("Reload bundle", question):
            return
        self._loading = True
        self._refresh_state()

        def opened(bundle: Bundle) -> None:
            self._loading = False
            self.take_bundle(bundle, path)
            self._announce(f"Opened {path.name}.")

        def refused(error: ApiError) -> None:
            self._loading = False
            self._refresh_state()
            self._show_banner(f"{path.name}: {error.message} The profile shown has not changed.", error=True)

        self.runner.run(
            lambda: load_bundle(path), on_success=opened, on_failure=refused, busy_text="Opening the bundle…"
        )

    def save_as(self) -> bool:
        """Save the bundle under a name the user chooses; True when a save was started."""
        if self._saving or self._loading or not self.bundle_mode:
            return False
        return self._save_bundle(None)

    def _save_bundle(self, path: Path | None) -> bool:
        self.banner.dismiss()
        try:
            content = parse(ProfileContent, self.sync_draft())
        except FieldErrors as exc:
            self._show_errors(exc.fields, reveal=True)
            return False
        self._clear_errors()
        target = path or self.choose_bundle_path(saving=True)
        if target is None:
            return False
        if not target.suffix:
            target = target.with_suffix(BUNDLE_SUFFIX)
        self._saving = True
        self._refresh_state()
        sent = copy.deepcopy(self.draft)
        logos = self.bundle_logos()

        self.runner.run(
            lambda: save_bundle(target, content, logos),
            on_success=lambda _bundle: self._bundle_saved(target, sent, logos),
            on_failure=self._bundle_save_failed,
            busy_text="Saving the bundle…",
        )
        return True

    def _bundle_saved(self, path: Path, sent: dict[str, Any], logos: dict[str, bytes]) -> None:
        self._saving = False
        self.bundle_path = path
        self._clean = copy.deepcopy(sent)
        self._clean_logos = dict(logos)
        self._refresh_state()
        self._announce(f"Saved the bundle as {path}.")
        if self._close_after_save:
            self._close_after_save = False
            self.close()

    def _bundle_save_failed(self, error: ApiError) -> None:
        self._saving = False
        self._close_after_save = False
        self._refresh_state()
        self._show_banner(f"{error.message} Your changes are still here.", error=True)

    def publish(self) -> PublishDialog | None:
        """Check the draft and open the dialog that puts it on the server (without blocking)."""
        if self._client is None or self._saving or self._loading:
            return None
        try:
            content = parse(ProfileContent, self.sync_draft())
        except FieldErrors as exc:
            self._show_errors(exc.fields, reveal=True, message="Fix these before publishing the profile.")
            return None
        self._clear_errors()
        dialog = PublishDialog(self._client, self.runner, Bundle(content, self.bundle_logos()), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.published.connect(self._published)
        dialog.session_ended.connect(self.session_ended)
        dialog.finished.connect(lambda _result: self._publish_closed(dialog))
        self.publish_dialog = dialog
        dialog.open()
        return dialog

    def _publish_closed(self, dialog: PublishDialog) -> None:
        if self.publish_dialog is dialog:
            self.publish_dialog = None

    def _published(self, profile: Profile) -> None:
        self._announce(f"Published “{profile.name}” to the server as version {profile.version}.")
        self.saved.emit(profile)

    # --- saving ----------------------------------------------------------------------------

    def validate(self) -> dict[str, str]:
        """Check the whole draft with the shared schema; return {field: reason}, empty when valid."""
        try:
            parse(ProfileContent, self.sync_draft())
        except FieldErrors as exc:
            return dict(exc.fields)
        return {}

    def save(self) -> bool:
        """Check the whole draft and, when it is valid, save it; True when a request was sent."""
        if self._saving or self._loading or self._closed:
            return False
        if self.bundle_mode:
            return self._save_bundle(self.bundle_path)
        if not self.is_new() and self.loaded_version is None:
            self._show_banner(
                "The profile has not been loaded, so there is nothing to save. Reload it.", error=True
            )
            return False
        self.banner.dismiss()
        try:
            content = parse(ProfileContent, self.sync_draft())
        except FieldErrors as exc:
            self._server_errors.clear()
            self._show_errors(exc.fields, reveal=True)
            return False
        self._clear_errors()
        self._saving = True
        self._refresh_state()
        sent = copy.deepcopy(self.draft)
        client = self._server()
        profile_id, version = self.profile_id, self.loaded_version
        if profile_id is not None and version is not None:  # always both or neither, checked above
            self.runner.run(
                lambda: client.replace_profile(profile_id, content, version=version),
                on_success=lambda profile: self._saved(profile, sent),
                on_failure=self._save_failed,
                busy_text="Saving the profile…",
            )
        else:
            pending = dict(self.pending_logos)

            def create() -> Created:
                created = Created(client.create_profile(content))
                for slot, data in pending.items():
                    try:
                        created.profile = client.upload_logo(created.profile.id, slot, data)
                    except ApiError as exc:
                        created.logo_failures[slot] = exc
                return created

            self.runner.run(
                create,
                on_success=lambda created: self._created(created, sent),
                on_failure=self._save_failed,
                busy_text="Creating the profile…",
            )
        return True

    def _created(self, created: Created, sent: dict[str, Any]) -> None:
        self.pending_logos.clear()
        self._saved(created.profile, sent)
        if created.logo_failures:
            problems = {}
            for slot, error in created.logo_failures.items():
                reason = error.fields.get(slot) or error.message
                problems[f"logos.{slot}"] = f"was not uploaded: {reason}"
                self._server_errors[f"logos.{slot}"] = (problems[f"logos.{slot}"], None)
                self._show_logo(slot, None)
            self._show_errors(problems, reveal=True)
            self._show_banner(
                "The profile was created, but some logos were not uploaded. Choose them again on the "
                "Settings tab.",
                error=True,
            )

    def _saved(self, profile: Profile, sent: dict[str, Any]) -> None:
        self._saving = False
        self._take_profile(profile)
        if self.sync_draft() == sent:
            # Show what the server keeps (trimmed text, lower-case colours and so on).
            self._load_draft(content_of(profile))
        else:
            # Typed while the save was on its way: keep that, it is simply not saved yet.
            self._clean = copy.deepcopy(sent)
            self.markets_tab.set_profile(saved=True, markets=self.markets)
            self._set_chat_saved(True)
            self._clear_errors()
            self._refresh_state()
        self._announce(f"Saved “{profile.name}” as version {profile.version}.")
        self.saved.emit(profile)
        if self._close_after_save:
            self._close_after_save = False
            self.close()

    def _save_failed(self, error: ApiError) -> None:
        self._saving = False
        self._close_after_save = False
        self._refresh_state()
        if error.is_auth:
            self._show_banner(error.message, error=True)
            self.session_ended.emit(error.message)
        elif error.is_conflict:
            self._resolve_conflict(error)
        elif error.fields:
            draft = self.sync_draft()
            self._server_errors = {path: (why, snapshot(draft, path)) for path, why in error.fields.items()}
            self._show_errors(dict(error.fields), reveal=True, message=error.message)
        else:
            self._show_banner(f"{error.message} Your changes are still here.", error=True)

    # --- conflicts -------------------------------------------------------------------------

    def _resolve_conflict(self, error: ApiError) -> None:
        choice = self.ask_conflict(error.current_version)
        if choice == RELOAD:
            self._fetch()
            self._announce("Reloaded the profile as it is saved now; your changes were dropped.")
        elif choice == COMPARE:
            self._fetch_for_compare()
        else:
            self._show_banner(f"{error.message} Nothing was saved; your changes are still here.", error=True)

    def _fetch_for_compare(self) -> None:
        profile_id = self.profile_id
        if profile_id is None:
            return
        client = self._server()
        self.runner.run(
            lambda: client.get_profile(profile_id),
            on_success=self.open_compare_dialog,
            on_failure=lambda error: self._show_banner(error.message, error=True),
            busy_text="Loading the saved profile…",
        )

    def open_compare_dialog(self, theirs: Profile) -> CompareDialog:
        """Show how the draft differs from ``theirs`` (without blocking) and act on the choice."""
        self.compare_dialog = CompareDialog.open_beside(
            self, copy.deepcopy(self.sync_draft()), theirs, self._compared
        )
        return self.compare_dialog

    def _compared(self, dialog: CompareDialog) -> None:
        if self.compare_dialog is dialog:
            self.compare_dialog = None
        theirs = dialog.theirs
        if dialog.choice == CompareDialog.KEEP:
            # Save the draft as the next version after theirs.
            self.loaded_version = theirs.version
            self._loaded_content = content_of(theirs)
            self.markets = list(theirs.markets)
            self.save()
        elif dialog.choice == CompareDialog.TAKE:
            self._loaded(theirs)
            self._announce(f"Took version {theirs.version}; your changes were dropped.")
        else:
            self._show_banner(
                "Nothing was saved; your changes are still here. Save again to choose once more.", error=True
            )

    # --- markets and logos: immediate calls ------------------------------------------------

    def _absorb(self, profile: Profile, expected: dict[str, Any]) -> bool:
        """Take a server answer's version when the profile changed only as we asked; True when taken.

        Otherwise someone else saved in between, and the next save must meet that as a conflict.
        """
        self.markets = list(profile.markets)
        if content_of(profile) != expected:
            return False
        self.loaded_version = profile.version
        self._loaded_content = copy.deepcopy(expected)
        return True

    def _add_market(self, market: str) -> None:
        profile_id = self.profile_id
        if profile_id is None:
            return
        client = self._server()
        self.markets_tab.set_busy(True)

        def added(profile: Profile) -> None:
            self.markets_tab.set_busy(False)
            self._absorb(profile, self._loaded_content or {})
            self.markets_tab.set_markets(self.markets)
            self.markets_tab.add_done()
            self._refresh_state()
            self._announce(f"Associated the market {market}.")

        def refused(error: ApiError) -> None:
            self.markets_tab.set_busy(False)
            if error.is_auth:
                self.session_ended.emit(error.message)
            self.markets_tab.add_failed(error.message)

        self.runner.run(
            lambda: client.add_market(profile_id, market),
            on_success=added,
            on_failure=refused,
            busy_text="Associating the market…",
        )

    def _remove_market(self, market: str) -> None:
        profile_id = self.profile_id
        if profile_id is None:
            return
        client = self._server()
        self.markets_tab.set_busy(True)

        def removed(profile: Profile) -> None:
            self.markets_tab.set_busy(False)
            self._absorb(profile, self._loaded_content or {})
            self.markets_tab.set_markets(self.markets)
            self._refresh_state()
            self._announce(f"Removed the market {market}.")

        def refused(error: ApiError) -> None:
            self.markets_tab.set_busy(False)
            if error.is_auth:
                self.session_ended.emit(error.message)
            self.markets_tab.show_problem(error.message)

        self.runner.run(
            lambda: client.remove_market(profile_id, market),
            on_success=removed,
            on_failure=refused,
            busy_text="Removing the market…",
        )

    def _logo_cleared(self, slot: str) -> None:
        """Go back to the default branding for a slot; saved with the rest of the draft."""
        self.draft.setdefault("logos", {})[slot] = None
        self.pending_logos.pop(slot, None)
        self._server_errors.pop(f"logos.{slot}", None)
        self._show_logo(slot, None)
        self._edited()

    def _logo_chosen(self, slot: str, data: bytes) -> None:
        """Take a logo from the picker: upload it now, or keep it until a new profile is created."""
        profile_id = self.profile_id
        if self.bundle_mode:
            self._server_errors.pop(f"logos.{slot}", None)
            self._show_logo(slot, bytes(data))
            self._edited()
            return
        if profile_id is None:
            self.pending_logos[slot] = bytes(data)
            self._show_logo(slot, bytes(data))
            self._edited()
            return
        client = self._server()
        previous = self._logo_images.get(slot)

        def uploaded(profile: Profile) -> None:
            ref = content_of(profile)["logos"].get(slot)
            expected = copy.deepcopy(self._loaded_content or {})
            expected.setdefault("logos", {})[slot] = ref
            if self._absorb(profile, expected):
                self._clean.setdefault("logos", {})[slot] = copy.deepcopy(ref)
            self.draft.setdefault("logos", {})[slot] = copy.deepcopy(ref)
            self._server_errors.pop(f"logos.{slot}", None)
            self._show_logo(slot, bytes(data))
            self.settings_tab.show_logo_refs(self.draft["logos"])
            self._edited()
            self._announce(f"Uploaded the {slot.replace('_', ' ')} logo.")

        def refused(error: ApiError) -> None:
            if error.is_auth:
                self.session_ended.emit(error.message)
            self._show_logo(slot, previous)
            reason = error.fields.get(slot) or error.message
            path = f"logos.{slot}"
            self._server_errors[path] = (reason, snapshot(self.draft, path))
            self._show_errors(self._current_errors(), reveal=False)

        self.runner.run(
            lambda: client.upload_logo(profile_id, slot, data),
            on_success=uploaded,
            on_failure=refused,
            busy_text="Uploading the logo…",
        )

    # --- errors ----------------------------------------------------------------------------

    def _owner(self, path: str) -> TabBase | None:
        return next((tab for tab in self.tabs if tab.owns(path)), None)

    def _show_errors(self, errors: dict[str, str], *, reveal: bool, message: str = "") -> None:
        """Show field errors on their tabs, mark those tabs, and when revealing, go to the first."""
        self._errors_shown = bool(errors)
        for tab in self.tabs:
            contract(tab).show_errors(errors)
        counts: dict[str, int] = {}
        unplaced: list[str] = []
        for path, reason in errors.items():
            owner = self._owner(path)
            if owner is None:
                unplaced.append(f"{describe_path(path)}: {reason}")
            else:
                counts[owner.TITLE] = counts.get(owner.TITLE, 0) + 1
        self.tab_errors = counts
        bar = self.tab_widget.tabBar()
        for index, tab in enumerate(self.tabs):
            count = counts.get(tab.TITLE, 0)
            if count:
                self.tab_widget.setTabIcon(index, icon("fa6s.circle-exclamation", color=DANGER))
                self.tab_widget.setTabToolTip(index, f"{count} problem{'s' if count > 1 else ''} to fix")
                bar.setTabTextColor(index, QColor(DANGER))
            else:
                self.tab_widget.setTabIcon(index, QIcon())
                self.tab_widget.setTabToolTip(index, "")
                bar.setTabTextColor(index, self._default_tab_colour)
        if not errors:
            return
        if reveal:
            total = len(errors)
            where = ", ".join(title for title in self.tab_titles() if title in counts)
            text = message or (
                f"{total} problem{'s' if total > 1 else ''} to fix before the profile can be saved"
                + (f" (on {where})." if where else ".")
            )
            if unplaced:
                text += "\n" + "\n".join(unplaced)
            self._show_banner(text, error=True)
            first = next((tab for tab in self.tabs if counts.get(tab.TITLE)), None)
            if first is not None:
                index = self.tabs.index(first)
                self.tab_widget.setCurrentIndex(index)
                focus = getattr(first, "focus_first_error", None)
                widget = focus() if callable(focus) else None
                if isinstance(widget, QWidget):
                    self.pages[index].scroll_area.ensureWidgetVisible(widget, 40, 80)

    def _clear_errors(self) -> None:
        self._server_errors.clear()
        if self._errors_shown or self.tab_errors:
            self._show_errors({}, reveal=False)
        self._errors_shown = False

    def _current_errors(self) -> dict[str, str]:
        """The schema's errors for the draft now, plus server errors about values not changed since."""
        errors = self.validate()
        draft = self.draft
        for path, (reason, value) in list(self._server_errors.items()):
            if value_at(draft, path) == value:
                errors.setdefault(path, reason)
            else:
                del self._server_errors[path]
        return errors

    # --- state shown -----------------------------------------------------------------------

    def _edited(self) -> None:
        if self._errors_shown:
            errors = self._current_errors()
            self._show_errors(errors, reveal=False)
            if not errors:
                self.banner.dismiss()
        self._refresh_state()
        self._update_preview()

    def _refresh_state(self) -> None:
        dirty = self.is_dirty()
        name = str(self.draft.get("name") or "").strip()
        if not name and self._loaded_content:
            name = str(self._loaded_content.get("name") or "")
        kind = "New Profile" if self.is_new() else "Edit Profile"
        if self.bundle_mode:
            kind = "Profile Bundle"
            self.title_label.setText(name or "New profile")
            where = f"Profile bundle · {self.bundle_path.name}" if self.bundle_path else "New profile bundle"
            connection = "" if self.online else " · working offline, no server"
            self.meta_label.setText(where + connection)
            self.meta_label.setToolTip(str(self.bundle_path or ""))
            if dirty:
                state, chip = "dirty", "Unsaved changes"
            else:
                state, chip = (
                    ("new", "Not saved to a file yet") if self.is_new() else ("clean", "Saved to file")
                )
        elif self.is_new():
            self.title_label.setText(name or "New profile")
            self.meta_label.setText("New profile from the out-of-box configuration · not saved yet")
            state, chip = ("dirty", "Unsaved changes") if dirty else ("new", "Not saved yet")
        else:
            self.title_label.setText(name or "Profile")
            markets = ", ".join(self.markets) if self.markets else "none"
            version = f"Version {self.loaded_version}" if self.loaded_version else "Loading…"
            self.meta_label.setText(f"{version} · Markets: {markets}")
            state, chip = ("dirty", "Unsaved changes") if dirty else ("clean", "All changes saved")
        if self._loading:
            state, chip = "new", "Loading…"
        self.state_chip.setText(chip)
        self.state_chip.setProperty("state", state)
        self.state_chip.style().unpolish(self.state_chip)
        self.state_chip.style().polish(self.state_chip)
        self.default_badge.setVisible(self.is_default)
        self.setWindowTitle(f"{name or kind} — {kind}[*]")
        self.setWindowModified(dirty)
        busy = self._saving or self._loading
        self.save_action.setEnabled(not busy)
        self.reload_action.setEnabled(not self.is_new() and not busy)
        for action in (self.open_action, self.save_as_action, self.publish_action):
            action.setEnabled(not busy)
        for page in self.pages:
            page.continue_button.setEnabled(not self._loading)
            page.tab.setEnabled(not self._loading)

    def _show_banner(self, text: str, *, error: bool) -> None:
        if error:
            self.banner.show_error(text)
        else:
            self.banner.show_info(text)
        self.banner_holder.setVisible(True)

    def _announce(self, text: str) -> None:
        self.last_status = text
        self._show_banner(text, error=False)
        self.status_message.emit(text)

    # --- leaving ---------------------------------------------------------------------------

    def ask_unsaved(self) -> str:
        """Ask what to do with unsaved changes: ``"save"``, ``"discard"`` or ``"cancel"``."""
        name = str(self.draft.get("name") or "").strip() or "the new profile"
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Unsaved changes",
            f"Save the changes to “{name}”?",
            parent=self,
        )
        box.setInformativeText("Your changes are lost if you close without saving them.")
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return DISCARD
        return CANCEL

    def ask_conflict(self, current_version: int | None) -> str:
        """Ask how to go on after a save met a newer version: ``"reload"``, ``"compare"`` or ``"cancel"``.

        Choosing reload is the confirmation that the draft may be dropped.
        """
        version = f"version {current_version}" if current_version else "a newer version"
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Saved by someone else",
            f"Someone saved this profile while you were editing; it is now at {version}.",
            parent=self,
        )
        box.setInformativeText(
            "Compare your changes with theirs and choose which to keep, or reload their version and drop "
            "your changes. Nothing of yours is lost until you choose."
        )
        compare = box.addButton("Compare…", QMessageBox.ButtonRole.AcceptRole)
        reload = box.addButton("Drop my changes and reload", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(compare)
        box.exec()
        clicked = box.clickedButton()
        if clicked is compare:
            return COMPARE
        if clicked is reload:
            return RELOAD
        return CANCEL

    def confirm(self, title: str, question: str) -> bool:
        """Ask a yes/no question; tests replace this to answer without a modal dialog."""
        box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=self)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            event.accept()
            return
        if self._saving:
            # Close once the save is through (a failed save keeps the editor open).
            self._close_after_save = True
            event.ignore()
            return
        if self.is_dirty():
            answer = self.ask_unsaved()
            if answer == CANCEL:
                event.ignore()
                return
            if answer == SAVE:
                self._close_after_save = self.save()
                event.ignore()
                return
        self._closed = True
        if self.publish_dialog is not None:
            self.publish_dialog.reject()
        if not self.runner.wait(SHUTDOWN_WAIT_MS):
            log.warning("A server call was still running when the profile editor closed")
        if self._client is not None:
            self._client.close()
        self.busy.clear()
        event.accept()
        self.closed.emit()
