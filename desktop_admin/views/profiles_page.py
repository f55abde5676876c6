"""The Profiles page: search, sort, create, open, duplicate and remove portal profiles."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QWidget,
)

from common.profile import Profile
from common.schemas import ProfileList, ProfileSummary
from desktop_admin.api import ApiClient, ApiError
from desktop_admin.models.profiles_table_model import (
    COL_ACTIONS,
    COL_DEFAULT,
    COL_DESCRIPTION,
    COL_MARKETS,
    COL_NAME,
    COL_UPDATED,
    ProfilesProxyModel,
    ProfilesTableModel,
)
from desktop_admin.views import ACCENT, DANGER, MUTED, ask_to_confirm, icon, paint_item_background, paint_pill
from desktop_admin.views.duplicate_dialog import DuplicateDialog
from desktop_admin.views.page import ConsolePage, read_only_table
from desktop_admin.workers import BackgroundRunner

DEFAULT_NOT_REMOVABLE = (
    "The default profile cannot be removed: subscribers whose market has no profile of its own "
    "see it. Edit or rename it instead."
)


class BadgeDelegate(QStyledItemDelegate):
    """Draws a cell's text as a small rounded badge (the "Default" marker)."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Paint the selection background, then the badge."""
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not text:
            super().paint(painter, option, index)
            return
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        paint_item_background(painter, background)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics
        font = option.font
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        width = metrics.horizontalAdvance(str(text)) + 16
        height = metrics.height() + 4
        rect = option.rect
        pill = QRectF(rect.x() + 8, rect.y() + (rect.height() - height) / 2, width, height)
        paint_pill(painter, pill, str(text), font, "#e3ecfd", ACCENT)
        painter.restore()


class RowActions(QWidget):
    """The Edit, Duplicate, Export and Remove buttons in one profile's row."""

    edit_clicked = Signal(object)
    duplicate_clicked = Signal(object)
    export_clicked = Signal(object)
    remove_clicked = Signal(object)

    def __init__(self, profile: ProfileSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rowActions")
        self.profile = profile
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(2)
        self.edit_button = QPushButton(icon("fa6s.pen-to-square", color=ACCENT), "Edit", self)
        self.edit_button.setObjectName("rowLink")
        self.edit_button.setToolTip(f"Open “{profile.name}” in the profile editor")
        self.edit_button.setAccessibleName(f"Edit {profile.name}")
        self.edit_button.clicked.connect(lambda: self.edit_clicked.emit(self.profile))
        self.duplicate_button = QPushButton(icon("fa6s.copy", color=ACCENT), "Duplicate", self)
        self.duplicate_button.setObjectName("rowLink")
        self.duplicate_button.setToolTip(f"Copy “{profile.name}” (everything but its markets)")
        self.duplicate_button.setAccessibleName(f"Duplicate {profile.name}")
        self.duplicate_button.clicked.connect(lambda: self.duplicate_clicked.emit(self.profile))
        self.export_button = QPushButton(icon("fa6s.file-export", color=ACCENT), "Export", self)
        self.export_button.setObjectName("rowLink")
        self.export_button.setToolTip(f"Save “{profile.name}” and its logos as a profile bundle file")
        self.export_button.setAccessibleName(f"Export {profile.name}")
        self.export_button.clicked.connect(lambda: self.export_clicked.emit(self.profile))
        self.remove_button = QPushButton(icon("fa6s.trash-can", color=DANGER), "Remove", self)
        self.remove_button.setObjectName("rowLinkDanger")
        self.remove_button.setAccessibleName(f"Remove {profile.name}")
        if profile.is_default:
            self.remove_button.setEnabled(False)
            self.remove_button.setToolTip(DEFAULT_NOT_REMOVABLE)
            self.remove_button.setAccessibleDescription(DEFAULT_NOT_REMOVABLE)
        else:
            self.remove_button.setToolTip(f"Remove “{profile.name}”")
        self.remove_button.clicked.connect(lambda: self.remove_clicked.emit(self.profile))
        for button in (self.edit_button, self.duplicate_button, self.export_button, self.remove_button):
            button.setFlat(True)
            button.setIconSize(QSize(13, 13))
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            # Style-sheet padding is not counted in a flat button's size hint: leave room for it.
            text_width = button.fontMetrics().horizontalAdvance(button.text())
            button.setMinimumWidth(text_width + button.iconSize().width() + 22)
        layout.addWidget(self.edit_button)
        layout.addWidget(self.duplicate_button)
        layout.addWidget(self.export_button)
        layout.addWidget(self.remove_button)
        layout.addStretch(1)


class ProfilesPage(ConsolePage):
    """Lists the profiles; every server call runs on the window's worker thread."""

    profiles_loaded = Signal(int)
    load_failed = Signal(object)
    edit_requested = Signal(int)
    export_requested = Signal(int)
    """A profile (by id) should be saved as a bundle file."""
    """A profile (by id) should open in the profile editor."""

    def __init__(self, client: ApiClient, runner: BackgroundRunner, parent: QWidget | None = None) -> None:
        super().__init__(client, runner, parent)
        self.setObjectName("profilesPage")
        self._select_after_load: int | None = None
        self.loaded_once = False
        self.duplicate_dialog: DuplicateDialog | None = None

        self.model = ProfilesTableModel(self)
        self.proxy = ProfilesProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self._build()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = self._start_layout(
            "Profiles",
            "Each profile sets the portal's branding and behaviour for its markets; subscribers in "
            "other markets see the default profile.",
        )

        controls = QHBoxLayout()
        controls.setSpacing(8)
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("searchBox")
        self.search_edit.setPlaceholderText("Search by name, description or market")
        self.search_edit.setAccessibleName("Search profiles")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(320)
        self.search_edit.setMinimumHeight(34)
        self.search_edit.addAction(
            icon("fa6s.magnifying-glass", color=MUTED), QLineEdit.ActionPosition.LeadingPosition
        )
        self.search_edit.textChanged.connect(self._search_changed)
        self.count_label = QLabel("Loading…", self)
        self.count_label.setObjectName("muted")

        self.create_menu = QMenu(self)
        self.create_new_action = self.create_menu.addAction(
            icon("fa6s.file-circle-plus"), "Create New Profile"
        )
        self.create_new_action.setToolTip("Start from the out-of-box configuration")
        self.create_new_action.triggered.connect(self.create_new_profile)
        self.duplicate_existing_action = self.create_menu.addAction(
            icon("fa6s.copy"), "Duplicate Existing Profile…"
        )
        self.duplicate_existing_action.triggered.connect(lambda: self.open_duplicate_dialog())
        self.create_button = QToolButton(self)
        self.create_button.setObjectName("primaryButton")
        self.create_button.setText("Create Profile")
        self.create_button.setIcon(icon("fa6s.plus", color="#ffffff"))
        self.create_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.create_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.create_button.setMenu(self.create_menu)
        self.create_button.setToolTip("Create a profile from the out-of-box configuration, or copy one")
        self.create_button.clicked.connect(self.create_new_profile)

        controls.addWidget(self.search_edit)
        controls.addWidget(self.count_label)
        controls.addStretch(1)
        controls.addWidget(self.create_button)
        layout.addLayout(controls)
        self._add_banner(layout)

        self.table = read_only_table("profilesTable", "Profiles", self, row_height=42)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setItemDelegateForColumn(COL_DEFAULT, BadgeDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_MARKETS, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_DEFAULT, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_UPDATED, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ACTIONS, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(COL_NAME, 150)
        self.table.setColumnWidth(COL_MARKETS, 125)
        self.table.setColumnWidth(COL_DEFAULT, 88)
        # As wide as one row's buttons need, so the description keeps the rest.
        sample = RowActions(
            ProfileSummary(id=0, name="", description="", is_default=False, markets=[], version=1)
        )
        self.table.setColumnWidth(COL_ACTIONS, sample.sizeHint().width() + 8)
        sample.deleteLater()
        self.table.doubleClicked.connect(lambda index: self.edit_requested.emit(self.model.row(index).id))
        layout.addWidget(self.table, 1)

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setVisible(False)
        layout.addWidget(self.empty_label)

        for signal in (self.proxy.modelReset, self.proxy.rowsInserted, self.proxy.layoutChanged):
            signal.connect(self._install_row_actions)
        for signal in (self.proxy.modelReset, self.proxy.rowsInserted, self.proxy.rowsRemoved):
            signal.connect(self._update_counts)

    # --- reading ---------------------------------------------------------------------------

    def refresh(self, select_id: int | None = None) -> None:
        """Load the profiles again; afterwards select the profile ``select_id`` if given."""
        if select_id is not None:
            self._select_after_load = select_id
        self._list_profiles(self._loaded, self._load_failed)

    def _loaded(self, listing: ProfileList) -> None:
        self.loaded_once = True
        selected = self.selected_profile()
        self.model.set_rows(listing.items)
        wanted = self._select_after_load or (selected.id if selected else None)
        self._select_after_load = None
        if wanted is not None:
            self.select_profile(wanted)
        self.profiles_loaded.emit(len(listing.items))

    def _load_failed(self, error: ApiError) -> None:
        self._select_after_load = None
        if not self.loaded_once:
            self.count_label.setText("Not loaded")
        self.load_failed.emit(error)
        self._show_failure(error)

    def selected_profile(self) -> ProfileSummary | None:
        """Return the selected profile, if any."""
        rows = self.table.selectionModel().selectedRows(COL_NAME)
        return self.model.row(rows[0]) if rows else None

    def select_profile(self, profile_id: int) -> bool:
        """Select and show a profile, clearing a search that hides it; False when it is not listed."""
        source = self.model.index_of(profile_id)
        if not source.isValid():
            return False
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            self.search_edit.clear()
            index = self.proxy.mapFromSource(source)
        self.table.selectRow(index.row())
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def row_actions(self, profile_id: int) -> RowActions | None:
        """Return the buttons in a profile's row, if the row is shown."""
        index = self.proxy.mapFromSource(self.model.index_of(profile_id, COL_ACTIONS))
        widget = self.table.indexWidget(index) if index.isValid() else None
        return widget if isinstance(widget, RowActions) else None

    # --- changing --------------------------------------------------------------------------

    def create_new_profile(self) -> None:
        """Create a profile from the out-of-box configuration, then select it."""
        self.banner.dismiss()
        client = self._client
        self._runner.run(
            lambda: client.create_profile(),
            on_success=self._created,
            on_failure=self._show_failure,
            busy_text="Creating a profile…",
        )

    def _created(self, profile: Profile) -> None:
        self.status_message.emit(f"Created the profile “{profile.name}” from the out-of-box configuration.")
        self.refresh(select_id=profile.id)
        self.edit_requested.emit(profile.id)

    def open_duplicate_dialog(self, source: ProfileSummary | None = None) -> DuplicateDialog:
        """Open Duplicate Existing Profile (without blocking), optionally with a profile chosen."""
        self.banner.dismiss()
        if source is None:
            source = self.selected_profile()
        dialog = DuplicateDialog(self.model.rows(), source.id if source else None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda source_id, name: self._duplicate(dialog, source_id, name))
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.duplicate_dialog = dialog
        dialog.open()
        return dialog

    def _forget_dialog(self, dialog: DuplicateDialog) -> None:
        if self.duplicate_dialog is dialog:
            self.duplicate_dialog = None

    def _duplicate(self, dialog: DuplicateDialog, source_id: int, name: str) -> None:
        client = self._client

        def done(profile: Profile) -> None:
            dialog.finish()
            self.status_message.emit(f"Created “{profile.name}”, a copy without markets.")
            self.refresh(select_id=profile.id)
            self.edit_requested.emit(profile.id)

        def refused(error: ApiError) -> None:
            if error.is_auth:
                dialog.reject()
                self.session_ended.emit(error.message)
            else:
                dialog.show_error(error)

        self._runner.run(
            lambda: client.duplicate_profile(source_id, name),
            on_success=done,
            on_failure=refused,
            busy_text="Duplicating the profile…",
        )

    def remove_profile(self, profile: ProfileSummary) -> None:
        """Ask, then remove a profile (never the default one)."""
        self.banner.dismiss()
        if profile.is_default:
            self.banner.show_error(DEFAULT_NOT_REMOVABLE)
            return
        markets = ", ".join(profile.markets)
        consequence = (
            f"Subscribers in {markets} will see the default profile instead."
            if markets
            else "No subscriber sees it now, as it has no markets."
        )
        question = f"Remove the profile “{profile.name}”?\n\n{consequence} This cannot be undone."
        if not self.confirm("Remove profile", question):
            return
        client = self._client

        def removed(_nothing: object) -> None:
            self.status_message.emit(f"Removed the profile “{profile.name}”.")
            self.refresh()

        def refused(error: ApiError) -> None:
            self._show_failure(error)
            if error.is_conflict or error.status == 404:
                self.refresh()

        self._runner.run(
            lambda: client.delete_profile(profile.id, version=profile.version),
            on_success=removed,
            on_failure=refused,
            busy_text="Removing the profile…",
        )

    def confirm(self, title: str, question: str) -> bool:
        """Ask a yes/no question; tests replace this to answer without a modal dialog."""
        return ask_to_confirm(self, title, question, "Remove", destructive=True)

    # --- reactions -------------------------------------------------------------------------

    def _search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_counts()

    def _update_counts(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if not self.loaded_once:
            return
        noun = "profile" if total == 1 else "profiles"
        self.count_label.setText(f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}")
        search = self.search_edit.text().strip()
        if shown == 0 and search:
            self.empty_label.setText(f"No profile matches “{search}”. Try a shorter search.")
        self.empty_label.setVisible(shown == 0 and bool(search))

    def _install_row_actions(self) -> None:
        """Give every shown row its Duplicate and Remove buttons (index widgets follow their rows)."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, COL_ACTIONS)
            profile = self.model.row(index)
            existing = self.table.indexWidget(index)
            if isinstance(existing, RowActions) and existing.profile == profile:
                continue
            actions = RowActions(profile, self.table)
            actions.edit_clicked.connect(lambda chosen: self.edit_requested.emit(chosen.id))
            actions.duplicate_clicked.connect(self.open_duplicate_dialog)
            actions.export_clicked.connect(lambda chosen: self.export_requested.emit(chosen.id))
            actions.remove_clicked.connect(self.remove_profile)
            self.table.setIndexWidget(index, actions)
