"""The History page: a profile's saved versions, what changed between two of them, and restoring one."""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from common.profile import Profile
from common.schemas import ProfileList, ProfileSummary, VersionDetail, VersionList
from desktop_admin.api import ApiClient, ApiError
from desktop_admin.models.changes_table_model import (
    COL_AFTER,
    COL_BEFORE,
    COL_FIELD,
    ChangesTableModel,
    is_shortened,
)
from desktop_admin.models.versions_table_model import (
    ACTION_ROLE,
    COL_ACTION,
    COL_BY,
    COL_NOTE,
    COL_NUMBER,
    COL_WHEN,
    CURRENT_ROLE,
    CURRENT_TEXT,
    Clock,
    VersionsTableModel,
    describe_action,
    describe_actor,
)
from desktop_admin.views import (
    ACCENT,
    MUTED,
    TEXT,
    ask_to_confirm,
    icon,
    paint_item_background,
    paint_pill,
    title_block,
)
from desktop_admin.views.page import ConsolePage, read_only_table
from desktop_admin.widgets.wheel_guard import guard_wheel
from desktop_admin.workers import BackgroundRunner

PREVIOUS = "The version before it"
NO_EARLIER = "Nothing: it is the first version"
NO_PROFILE_TEXT = "Choose a profile to see every version saved of it, and what changed each time."

ACTION_ICONS = {
    "create": "fa6s.circle-plus",
    "update": "fa6s.pen",
    "markets": "fa6s.globe",
    "logo": "fa6s.image",
    "restore": "fa6s.clock-rotate-left",
    "duplicate": "fa6s.copy",
}
OTHER_ACTION_ICON = "fa6s.floppy-disk"

STYLE = f"""
QTableView#versionsTable, QTableView#changesTable {{
    background: #ffffff; alternate-background-color: #f8f9fc; border: 1px solid #dfe3ea;
    border-radius: 8px; selection-background-color: #dbe7fd; selection-color: {TEXT}; gridline-color: #eef0f4;
}}
QTableView#versionsTable::item, QTableView#changesTable::item {{
    padding: 0 8px; border-bottom: 1px solid #eef0f4;
}}
QTableView#versionsTable::item:selected, QTableView#changesTable::item:selected {{
    background: #dbe7fd; color: {TEXT};
}}
QFrame#detailCard {{ background: #ffffff; border: 1px solid #dfe3ea; border-radius: 10px; }}
QFrame#detailCard QTableView#changesTable {{ border: 1px solid #e6e9f0; border-radius: 6px; }}
QLabel#detailTitle {{ font-size: 14pt; font-weight: 600; color: {TEXT}; }}
QLabel#currentBadge {{
    background: #e3ecfd; color: {ACCENT}; border-radius: 9px; padding: 1px 10px; font-weight: 600;
}}
QFrame#placeholderCard {{ background: #ffffff; border: 1px dashed #c9d0dc; border-radius: 10px; }}
QLabel#placeholderText {{ color: {MUTED}; font-size: 11pt; }}
QSplitter::handle {{ background: transparent; }}
QComboBox#compareCombo::down-arrow, QComboBox#profileCombo::down-arrow {{
    image: url(:/qt-project.org/styles/commonstyle/images/arrow-down-16.png); width: 10px; height: 10px;
}}
QComboBox#compareCombo::down-arrow:disabled, QComboBox#profileCombo::down-arrow:disabled {{ image: none; }}
"""


class VersionNumberDelegate(QStyledItemDelegate):
    """Draws a version's number and, on the current version, a small "Current" badge beside it."""

    PADDING = 10

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Paint the cell's background and selection, the number, then the badge."""
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        number = cell.text
        paint_item_background(painter, cell)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(self.PADDING, 0, -4, 0)
        painter.setFont(cell.font)
        painter.setPen(QColor(TEXT))
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, number)
        if index.data(CURRENT_ROLE):
            badge_font = QFont(cell.font)
            badge_font.setBold(True)
            badge_font.setPointSizeF(max(7.0, badge_font.pointSizeF() - 1.5))
            metrics = QFontMetrics(badge_font)
            width = metrics.horizontalAdvance(CURRENT_TEXT) + 16
            height = metrics.height() + 4
            left = rect.x() + QFontMetrics(cell.font).horizontalAdvance(number) + 10
            pill = QRectF(left, rect.y() + (rect.height() - height) / 2, width, height)
            paint_pill(painter, pill, CURRENT_TEXT, badge_font, "#e3ecfd", ACCENT)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        """Leave room for the badge."""
        hint = super().sizeHint(option, index)
        return QSize(
            hint.width() + QFontMetrics(option.font).horizontalAdvance(CURRENT_TEXT) + 36, hint.height()
        )


class ActionDelegate(QStyledItemDelegate):
    """Puts a small icon for the kind of change in front of its words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._icons: dict[str, QIcon] = {}

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Add the action's icon to what the cell draws."""
        super().initStyleOption(option, index)
        action = str(index.data(ACTION_ROLE) or "")
        if action not in self._icons:
            colour = ACCENT if action == "restore" else MUTED
            self._icons[action] = icon(ACTION_ICONS.get(action, OTHER_ACTION_ICON), color=colour)
        option.icon = self._icons[action]
        option.decorationSize = QSize(14, 14)
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration


class TintedDelegate(QStyledItemDelegate):
    """Paints a cell's background colour (the model's BackgroundRole) under the style sheet's look.

    Style sheets that style ``::item`` ignore the model's background, so the Before and After
    columns would lose their red and green tints without this.
    """

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Fill the tint unless the row is selected, then paint the cell as usual."""
        tint = index.data(Qt.ItemDataRole.BackgroundRole)
        if isinstance(tint, QColor) and not option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect.adjusted(0, 0, 0, -1), tint)  # keep the row's bottom line
        super().paint(painter, option, index)


class HistoryPage(ConsolePage):
    """Shows one profile's versions; every server call runs on the window's worker thread.

    Selecting one version compares it with the one before it; selecting two (Ctrl+click), or
    choosing under Compare with, compares those two, older on the left. The version selected
    first is the one Restore acts on.
    """

    def __init__(
        self,
        client: ApiClient,
        runner: BackgroundRunner,
        parent: QWidget | None = None,
        *,
        now: Clock | None = None,
    ) -> None:
        super().__init__(client, runner, parent)
        self.setObjectName("historyPage")
        self._wanted = False  # nothing is loaded until the page is first shown
        self._profiles: list[ProfileSummary] = []
        self._profile_id: int | None = None
        self._primary: int | None = None
        self._other: int | None = None
        self._syncing = False
        self._detail_key: tuple[int, int, int | None] | None = None
        self._restoring = False
        self.profiles_loaded_once = False
        self.versions_loaded_for: int | None = None
        self.detail: VersionDetail | None = None

        self.versions_model = VersionsTableModel(self, now=now)
        self.changes_model = ChangesTableModel(self)
        self.setStyleSheet(STYLE)
        self._build()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = self._start_layout(
            "History",
            "Every change to a profile is kept as a version. Compare any two, and restore an earlier one: "
            "it is saved as a new version, so nothing is lost.",
        )

        controls = QHBoxLayout()
        controls.setSpacing(10)
        profile_label = QLabel("Profile", self)
        profile_label.setObjectName("fieldLabel")
        self.profile_combo = QComboBox(self)
        guard_wheel(self.profile_combo)
        self.profile_combo.setObjectName("profileCombo")
        self.profile_combo.setEditable(True)
        self.profile_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.profile_combo.setMinimumWidth(320)
        self.profile_combo.setMinimumHeight(34)
        self.profile_combo.setMaxVisibleItems(15)
        self.profile_combo.setAccessibleName("Profile")
        # Type any part of a name to find the profile.
        completer = QCompleter(self.profile_combo.model(), self.profile_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.profile_combo.setCompleter(completer)
        line = self.profile_combo.lineEdit()
        assert line is not None  # the combo box is editable
        line.setPlaceholderText("Type to find a profile")
        line.addAction(icon("fa6s.magnifying-glass", color=MUTED), QLineEdit.ActionPosition.LeadingPosition)
        profile_label.setBuddy(self.profile_combo)
        self.profile_info = QLabel(self)
        self.profile_info.setObjectName("muted")
        controls.addWidget(profile_label)
        controls.addWidget(self.profile_combo)
        controls.addSpacing(6)
        controls.addWidget(self.profile_info, 1)
        self.selection_hint = QLabel("Ctrl+click a second version to compare the two.", self)
        self.selection_hint.setObjectName("hint")
        self.selection_hint.setToolTip(
            "Select a version to see what it changed since the one before it; Ctrl+click a second "
            "version, or choose one under Compare with, to compare the two."
        )
        # A long market list must not widen the window: the label gives way (its tooltip has it all).
        self.profile_info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        controls.addWidget(self.selection_hint)
        layout.addLayout(controls)
        self._add_banner(layout)

        self.body = QStackedWidget(self)
        self.placeholder = self._build_placeholder()
        self.body.addWidget(self.placeholder)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(10)
        self.splitter.addWidget(self._build_versions())
        self.splitter.addWidget(self._build_detail())
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([215, 325])
        self.body.addWidget(self.splitter)
        layout.addWidget(self.body, 1)

        self.profile_combo.currentIndexChanged.connect(self._profile_picked)
        completer.activated.connect(self.choose_profile)
        line.returnPressed.connect(self._choose_typed)
        self.versions_table.selectionModel().selectionChanged.connect(self._table_selection_changed)
        self.compare_combo.currentIndexChanged.connect(self._compare_picked)
        self.restore_button.clicked.connect(self.restore_selected)
        self._show_nothing_chosen()

    def _build_placeholder(self) -> QFrame:
        card = QFrame(self)
        card.setObjectName("placeholderCard")
        column = QVBoxLayout(card)
        column.addStretch(1)
        picture = QLabel(card)
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture.setPixmap(icon("fa6s.clock-rotate-left", color="#b4bccb").pixmap(QSize(44, 44)))
        self.placeholder_label = QLabel(NO_PROFILE_TEXT, card)
        self.placeholder_label.setObjectName("placeholderText")
        self.placeholder_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder_label.setWordWrap(True)
        column.addWidget(picture)
        column.addSpacing(10)
        column.addWidget(self.placeholder_label)
        column.addStretch(1)
        return card

    def _build_versions(self) -> QTableView:
        self.versions_table = read_only_table("versionsTable", "Versions, newest first", self, row_height=32)
        self.versions_table.setModel(self.versions_model)
        self.versions_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.versions_table.setItemDelegateForColumn(COL_NUMBER, VersionNumberDelegate(self.versions_table))
        self.versions_table.setItemDelegateForColumn(COL_ACTION, ActionDelegate(self.versions_table))
        header = self.versions_table.horizontalHeader()
        header.setSectionResizeMode(COL_NUMBER, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_WHEN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_BY, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_ACTION, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        self.versions_table.setColumnWidth(COL_NUMBER, 130)
        self.versions_table.setColumnWidth(COL_WHEN, 170)
        self.versions_table.setColumnWidth(COL_BY, 140)
        self.versions_table.setColumnWidth(COL_ACTION, 190)
        return self.versions_table

    def _build_detail(self) -> QFrame:
        card = QFrame(self)
        card.setObjectName("detailCard")
        column = QVBoxLayout(card)
        column.setContentsMargins(18, 14, 18, 14)
        column.setSpacing(8)

        top = QHBoxLayout()
        top.setSpacing(10)
        self.detail_title = QLabel(card)
        self.detail_title.setObjectName("detailTitle")
        self.current_badge = QLabel(CURRENT_TEXT, card)
        self.current_badge.setObjectName("currentBadge")
        self.current_badge.setToolTip("This is the version subscribers see now.")
        self.current_badge.setVisible(False)
        self.detail_subtitle = QLabel(card)
        self.detail_subtitle.setObjectName("muted")
        top.addLayout(
            title_block(self.detail_title, self.current_badge, self.detail_subtitle, centre_pill=True), 1
        )

        compare_label = QLabel("Compare with", card)
        compare_label.setObjectName("fieldLabel")
        self.compare_combo = QComboBox(card)
        guard_wheel(self.compare_combo)
        self.compare_combo.setObjectName("compareCombo")
        self.compare_combo.setMinimumWidth(260)
        self.compare_combo.setMinimumHeight(32)
        self.compare_combo.setAccessibleName("Compare with…")
        self.compare_combo.setToolTip("Choose the version to compare the selected one with")
        compare_label.setBuddy(self.compare_combo)
        self.restore_button = QPushButton(
            icon("fa6s.clock-rotate-left", color="#ffffff"), "Restore this version", card
        )
        self.restore_button.setObjectName("primaryButton")
        self.restore_button.setMinimumHeight(32)
        self.restore_button.setEnabled(False)
        top.addWidget(compare_label, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.compare_combo, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addSpacing(6)
        top.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignVCenter)
        column.addLayout(top)

        self.summary_label = QLabel(card)
        self.summary_label.setObjectName("muted")
        self.summary_label.setWordWrap(True)
        column.addWidget(self.summary_label)

        self.detail_stack = QStackedWidget(card)
        self.changes_table = read_only_table("changesTable", "Changes", card, row_height=32)
        self.changes_table.setModel(self.changes_model)
        self.changes_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.changes_table.setIconSize(QSize(14, 14))
        tinted = TintedDelegate(self.changes_table)
        self.changes_table.setItemDelegateForColumn(COL_BEFORE, tinted)
        self.changes_table.setItemDelegateForColumn(COL_AFTER, tinted)
        header = self.changes_table.horizontalHeader()
        header.setSectionResizeMode(COL_FIELD, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_BEFORE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_AFTER, QHeaderView.ResizeMode.Stretch)
        self.changes_table.setColumnWidth(COL_FIELD, 300)
        self.no_changes_label = QLabel(card)
        self.no_changes_label.setObjectName("emptyState")
        self.no_changes_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_changes_label.setWordWrap(True)
        self.detail_stack.addWidget(self.changes_table)
        self.detail_stack.addWidget(self.no_changes_label)
        column.addWidget(self.detail_stack, 1)
        return card

    # --- loading ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Load the profiles (and the chosen one's versions) whenever the page comes into view."""
        super().showEvent(event)
        if not event.spontaneous():  # not when the window is merely restored
            self._wanted = True
            self.refresh()

    def refresh(self) -> None:
        """Load the profile list, and the chosen profile's versions, again (once the page was shown)."""
        if not self._wanted:
            return
        self._load_profiles()
        if self._profile_id is not None:
            self.load_versions()

    def _load_profiles(self) -> None:
        self._list_profiles(self._profiles_loaded, self._show_failure)

    def _profiles_loaded(self, listing: ProfileList) -> None:
        self.profiles_loaded_once = True
        self._profiles = sorted(listing.items, key=lambda p: p.name.casefold())
        self._syncing = True
        try:
            self.profile_combo.clear()
            for profile in self._profiles:
                self.profile_combo.addItem(profile.name, profile.id)
                tip = profile.description or profile.name
                self.profile_combo.setItemData(
                    self.profile_combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole
                )
            position = self.profile_combo.findData(self._profile_id) if self._profile_id is not None else -1
            self.profile_combo.setCurrentIndex(position)
            if position < 0:
                self.profile_combo.setEditText("")
        finally:
            self._syncing = False
        if self._profile_id is not None and position < 0:
            self._set_profile(None)
            self.banner.show_info("The profile whose history was shown has been removed.")
        self._update_profile_info()

    def profiles(self) -> list[ProfileSummary]:
        """Return the profiles the chooser offers, by name."""
        return list(self._profiles)

    def profile(self) -> ProfileSummary | None:
        """Return the chosen profile, if any."""
        return next((p for p in self._profiles if p.id == self._profile_id), None)

    def choose_profile(self, profile: int | str) -> bool:
        """Show a profile's history, chosen by id or by name (any case); False when it is not offered."""
        if isinstance(profile, int):
            found = next((p for p in self._profiles if p.id == profile), None)
        else:
            wanted = profile.strip().casefold()
            found = next((p for p in self._profiles if p.name.casefold() == wanted), None)
        if found is None:
            return False
        self._syncing = True
        try:
            self.profile_combo.setCurrentIndex(self.profile_combo.findData(found.id))
            self.profile_combo.setEditText(found.name)
        finally:
            self._syncing = False
        if found.id != self._profile_id:
            self._set_profile(found.id)
        return True

    def _choose_typed(self) -> None:
        """Enter in the chooser: the profile named, or the only one whose name holds what was typed."""
        typed = self.profile_combo.currentText().strip()
        if not typed or self.choose_profile(typed):
            return
        matches = [p for p in self._profiles if typed.casefold() in p.name.casefold()]
        if len(matches) == 1:
            self.choose_profile(matches[0].id)

    def _profile_picked(self, position: int) -> None:
        if self._syncing or position < 0:
            return
        profile_id = self.profile_combo.itemData(position)
        if isinstance(profile_id, int) and profile_id != self._profile_id:
            self._set_profile(profile_id)

    def _set_profile(self, profile_id: int | None) -> None:
        self.banner.dismiss()
        self._profile_id = profile_id
        self.versions_loaded_for = None
        self._primary = self._other = None
        self._detail_key = None
        self.detail = None
        self._syncing = True
        try:
            self.versions_model.set_rows([])
            self.changes_model.set_rows([])
        finally:
            self._syncing = False
        self._update_profile_info()
        if profile_id is None:
            self._show_nothing_chosen()
            return
        self.body.setCurrentWidget(self.splitter)
        self.selection_hint.setVisible(True)
        self._show_selection()
        self.load_versions()

    def load_versions(self, select: int | None = None) -> None:
        """Load the chosen profile's versions; then select version ``select``, or keep the selection."""
        profile_id = self._profile_id
        if profile_id is None:
            return
        client = self._client
        keep = (select, None) if select is not None else (self._primary, self._other)

        def loaded(listing: VersionList) -> None:
            if profile_id == self._profile_id:
                self._versions_loaded(listing, keep)

        def failed(error: ApiError) -> None:
            if profile_id == self._profile_id:
                self._show_failure(error)
                if error.status == 404:
                    self._load_profiles()

        self._runner.run(
            lambda: client.list_versions(profile_id),
            on_success=loaded,
            on_failure=failed,
            busy_text="Loading the history…",
        )

    def _versions_loaded(self, listing: VersionList, keep: tuple[int | None, int | None]) -> None:
        self.versions_loaded_for = self._profile_id
        self._syncing = True
        try:
            self.versions_model.set_rows(listing.items, listing.current)
        finally:
            self._syncing = False
        self._detail_key = None  # the numbers may be the same but the list is new
        self._update_profile_info()
        primary, other = keep
        if primary is None or self.versions_model.version(primary) is None:
            numbers = self.versions_model.numbers()
            primary, other = (numbers[0] if numbers else None), None
        if other is not None and self.versions_model.version(other) is None:
            other = None
        self.select_versions(primary, other)

    # --- choosing versions -----------------------------------------------------------------

    def selected_versions(self) -> tuple[int | None, int | None]:
        """Return (the selected version, the one it is compared with, or None for the one before)."""
        return self._primary, self._other

    def select_versions(self, primary: int | None, other: int | None = None) -> None:
        """Select a version, and optionally a second one to compare it with, in the table."""
        if other == primary:
            other = None
        table = self.versions_table
        selection = table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        self._syncing = True
        try:
            selection.clearSelection()
            if primary is not None:
                index = self.versions_model.index_of(primary)
                if index.isValid():
                    selection.setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
                    table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
                else:
                    primary = other = None
            if other is not None:
                index = self.versions_model.index_of(other)
                if index.isValid():
                    selection.select(index, flags.Select | flags.Rows)
                else:
                    other = None
        finally:
            self._syncing = False
        self._apply_selection(primary, other)

    def _table_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._syncing:
            return
        rows = self.versions_table.selectionModel().selectedRows(COL_NUMBER)
        chosen = [self.versions_model.row(index).number for index in rows]
        added = [self.versions_model.row(index).number for index in selected.indexes()]
        if not chosen:
            self._apply_selection(None, None)
            return
        primary = self._primary if self._primary in chosen else None
        if primary is None:
            current = self.versions_table.currentIndex()
            current_number = self.versions_model.row(current).number if current.isValid() else None
            primary = current_number if current_number in chosen else chosen[0]
        others = [number for number in chosen if number != primary]
        # The row added last is the one to compare with; a third selected row replaces the second.
        newest = [number for number in added if number in others]
        other = newest[-1] if newest else (self._other if self._other in others else None)
        if other is None and others:
            other = others[0]
        if len(chosen) > 2:
            self.select_versions(primary, other)
            return
        self._apply_selection(primary, other)

    def _compare_picked(self, position: int) -> None:
        if self._syncing or position < 0 or self._primary is None:
            return
        other = self.compare_combo.itemData(position)
        self.select_versions(self._primary, other if isinstance(other, int) else None)

    def compare_with(self, other: int | None) -> None:
        """Compare the selected version with version ``other`` (None: with the version before it)."""
        position = self.compare_combo.findData(other) if other is not None else 0
        if position >= 0:
            self.compare_combo.setCurrentIndex(position)

    def _apply_selection(self, primary: int | None, other: int | None) -> None:
        self._primary, self._other = primary, other
        self._fill_compare_combo()
        self._show_selection()
        self._request_detail()

    def _fill_compare_combo(self) -> None:
        self._syncing = True
        try:
            self.compare_combo.clear()
            primary = self._primary
            if primary is None:
                self.compare_combo.setEnabled(False)
                return
            previous = self.versions_model.previous_number(primary)
            first = f"{PREVIOUS} (version {previous})" if previous is not None else NO_EARLIER
            self.compare_combo.addItem(first, None)
            for version in self.versions_model.rows():
                if version.number == primary:
                    continue
                when = self.versions_model.index_of(version.number, COL_WHEN).data()
                text = f"Version {version.number} · {describe_action(version.action).lower()} · {when}"
                self.compare_combo.addItem(text, version.number)
            position = self.compare_combo.findData(self._other) if self._other is not None else 0
            self.compare_combo.setCurrentIndex(max(position, 0))
            self.compare_combo.setEnabled(self.compare_combo.count() > 1)
        finally:
            self._syncing = False

    def _show_selection(self) -> None:
        primary = self._primary
        version = self.versions_model.version(primary) if primary is not None else None
        is_current = version is not None and self.versions_model.is_current(version.number)
        if version is None:
            self.detail_title.setText("No version selected")
            self.detail_subtitle.setText("Select a version in the list above.")
            self.current_badge.setVisible(False)
        else:
            self.detail_title.setText(f"Version {version.number}")
            when = self.versions_model.index_of(version.number, COL_WHEN).data()
            self.detail_subtitle.setText(
                f"{describe_action(version.action)} by {describe_actor(version.created_by)} · {when}"
            )
            self.current_badge.setVisible(is_current)
        self.restore_button.setEnabled(version is not None and not is_current and not self._restoring)
        if version is None:
            self.restore_button.setToolTip("Select a version to restore")
        elif is_current:
            self.restore_button.setToolTip(f"Version {version.number} is already the current version")
        else:
            self.restore_button.setToolTip(
                f"Make version {version.number}'s content current again, saved as a new version; "
                "the markets stay as they are"
            )
        self.restore_button.setAccessibleName(
            f"Restore version {version.number}" if version is not None else "Restore this version"
        )

    # --- comparing -------------------------------------------------------------------------

    def _wanted_detail(self) -> tuple[int, int, int | None] | None:
        if self._profile_id is None or self._primary is None:
            return None
        if self._other is None:
            return self._profile_id, self._primary, None
        # Always older on the left: the newer version, against the older one.
        return self._profile_id, max(self._primary, self._other), min(self._primary, self._other)

    def _request_detail(self) -> None:
        key = self._wanted_detail()
        if key is None:
            self._detail_key = None
            self.detail = None
            self.changes_model.set_rows([])
            self.summary_label.setText("")
            self.no_changes_label.setText("Select a version to see what changed.")
            self.detail_stack.setCurrentWidget(self.no_changes_label)
            return
        if key == self._detail_key:
            return
        self._detail_key = key
        self.summary_label.setText("Comparing…")
        profile_id, number, against = key
        client = self._client

        def shown(detail: VersionDetail) -> None:
            if self._detail_key == key:
                self._show_detail(detail)

        def failed(error: ApiError) -> None:
            if self._detail_key == key:
                self._detail_key = None
                self.summary_label.setText("")
                self._show_failure(error)

        self._runner.run(
            lambda: client.get_version(profile_id, number, against=against),
            on_success=shown,
            on_failure=failed,
            busy_text="Comparing versions…",
        )

    def _show_detail(self, detail: VersionDetail) -> None:
        self.detail = detail
        before, after = detail.compared_with, detail.number
        self.changes_model.set_rows(detail.changes, before, after)
        if before is None:
            self.summary_label.setText("")
            self.no_changes_label.setText(
                f"Version {after} is where this profile began: there is no earlier version to compare it "
                "with. Choose a version under Compare with to see what changed since."
            )
            self.detail_stack.setCurrentWidget(self.no_changes_label)
            return
        count = len(detail.changes)
        if count == 0:
            self.summary_label.setText("")
            self.no_changes_label.setText(f"Nothing differs between version {before} and version {after}.")
            self.detail_stack.setCurrentWidget(self.no_changes_label)
            return
        noun = "field differs" if count == 1 else "fields differ"
        hint = (
            " Point at a shortened value to read it in full."
            if any(is_shortened(c.before) or is_shortened(c.after) for c in detail.changes)
            else ""
        )
        self.summary_label.setText(
            f"{count} {noun} between version {before} (before) and version {after} (after).{hint}"
        )
        self.detail_stack.setCurrentWidget(self.changes_table)

    # --- restoring -------------------------------------------------------------------------

    def restore_selected(self) -> None:
        """Ask, then save the selected version's content as the profile's newest version."""
        profile, number = self.profile(), self._primary
        current = self.versions_model.current()
        if profile is None or number is None or self._restoring:
            return
        self.banner.dismiss()
        if number == current:
            self.banner.show_info(f"Version {number} is already the current version.")
            return
        question = (
            f"Restore version {number} of “{profile.name}”?\n\n"
            f"Its settings, menu and logos are saved as a new version"
            + (f" {current + 1}" if current is not None else "")
            + ", and subscribers see them at once. The profile's markets stay as they are. "
            "Nothing is lost: the versions in between stay in the history."
        )
        if not self.confirm("Restore version", question):
            return
        self._restoring = True
        self._show_selection()
        client, profile_id = self._client, profile.id

        def restored(saved: Profile) -> None:
            self._restoring = False
            self._show_selection()
            if profile_id != self._profile_id:
                return
            message = f"Restored version {number} of “{saved.name}”: it is now version {saved.version}."
            self.banner.show_info(message)
            self.status_message.emit(message)
            self._load_profiles()  # restoring can bring back an earlier name
            self.load_versions(select=saved.version)

        def refused(error: ApiError) -> None:
            self._restoring = False
            self._show_selection()
            if profile_id != self._profile_id:
                return
            if error.is_conflict:
                now_at = f" (it is now at version {error.current_version})" if error.current_version else ""
                self.banner.show_error(
                    f"Version {number} was not restored: someone else saved “{profile.name}” while you "
                    f"were looking{now_at}. The list has been reloaded with their change; check it, then "
                    f"restore version {number} again if you still want it."
                )
                self.load_versions(select=number)
                return
            self._show_failure(error)
            if error.status == 404:
                self.refresh()

        self._runner.run(
            lambda: client.restore_version(profile_id, number, version=current),
            on_success=restored,
            on_failure=refused,
            busy_text="Restoring the version…",
        )

    def confirm(self, title: str, question: str) -> bool:
        """Ask a yes/no question; tests replace this to answer without a modal dialog."""
        return ask_to_confirm(self, title, question, "Restore", destructive=False)

    # --- reactions -------------------------------------------------------------------------

    def _show_nothing_chosen(self) -> None:
        self.body.setCurrentWidget(self.placeholder)
        self.selection_hint.setVisible(False)
        self._show_selection()

    def _update_profile_info(self) -> None:
        profile = self.profile()
        if profile is None:
            self.profile_info.setText("")
            return
        parts = []
        if self.versions_loaded_for == profile.id:
            count = self.versions_model.rowCount()
            parts.append(f"{count} version" + ("" if count == 1 else "s"))
        if profile.markets:
            parts.append("Markets " + ", ".join(profile.markets))
        elif profile.is_default:
            parts.append("Default profile, for all other markets")
        else:
            parts.append("No markets")
        self.profile_info.setText("  ·  ".join(parts))
        self.profile_info.setToolTip(self.profile_info.text())
