"""The Menu tab's Icon control: common icons in a drop-down, the whole catalogue in a chooser."""

from __future__ import annotations

import qtawesome
from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QIcon,
    QKeyEvent,
    QPainter,
    QPalette,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from common.icons import COMMON_ICONS, normalize_icon_code
from desktop_admin.models.icon_list_model import (
    CODE_ROLE,
    IconFactory,
    IconFilterModel,
    IconListModel,
    qtawesome_icon,
)
from desktop_admin.widgets.wheel_guard import guard_wheel

SEARCH_DEBOUNCE_MS = 150
_ERROR_COLOUR = "#b3261e"
_MUTED_COLOUR = "#5f6368"
_STYLE_NAMES = {"fa6s": "", "fa6": "regular", "fa6b": "brand"}


def icon_label(code: str) -> str:
    """Return how a code reads in the drop-down: ``fa6s.file-invoice`` -> ``File invoice``."""
    prefix, _, name = code.partition(".")
    words = name.replace("-", " ")
    label = words[:1].upper() + words[1:]
    style = _STYLE_NAMES.get(prefix, prefix)
    return f"{label} ({style})" if style else label


def count_text(count: int, search: str) -> str:
    """Return the count line: ``1,402 icons`` unfiltered, ``12 match 'dollar'`` when searching."""
    search = search.strip()
    if not search:
        return f"{count:,} icon{'' if count == 1 else 's'}"
    if count == 0:
        return f"No icons match '{search}'"
    return f"{count:,} match{'es' if count == 1 else ''} '{search}'"


def name_lines(name: str, metrics: QFontMetrics, width: int) -> list[str]:
    """Fit an icon name in at most two lines of width, breaking after a hyphen, eliding what is left."""
    if metrics.horizontalAdvance(name) <= width:
        return [name]
    breaks = [i + 1 for i, char in enumerate(name) if char == "-"]
    fitting = [i for i in breaks if metrics.horizontalAdvance(name[:i]) <= width]
    if not fitting:
        return [metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, width)]
    # the latest break that fits keeps the second line as short as it can be
    cut = fitting[-1]
    rest = metrics.elidedText(name[cut:], Qt.TextElideMode.ElideMiddle, width)
    return [name[:cut], rest]


class IconGridView(QListView):
    """A grid of icons whose cells share the width evenly, so no ragged gap is left on the right."""

    def __init__(self, cell: QSize, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cell = cell
        self.setGridSize(cell)
        # a scroll bar that comes and goes with the filter would change the width the cells share
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)

    def resizeEvent(self, event: QResizeEvent) -> None:
        width = self.viewport().width()
        columns = max(1, width // self._cell.width())
        grid = QSize(max(self._cell.width(), width // columns), self._cell.height())
        if grid != self.gridSize():
            self.setGridSize(grid)
        super().resizeEvent(event)


class IconGridDelegate(QStyledItemDelegate):
    """Paint one grid cell: the icon above its name, a tinted rounded cell when selected.

    Every cell has the same size, answered without reading the item, so a view with uniform item
    sizes asks the model for icons only for the cells it paints.
    """

    CELL = QSize(116, 80)
    ICON = QSize(28, 28)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return self.CELL

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        state = option.state
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        cell = QRectF(rect).adjusted(3.5, 3.5, -3.5, -3.5)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        if selected or hovered:
            fill = QColor(highlight)
            fill.setAlpha(48 if selected else 20)
            painter.setBrush(fill)
            painter.setPen(QPen(highlight, 1.5) if selected else Qt.PenStyle.NoPen)
            painter.drawRoundedRect(cell, 6, 6)

        icon = index.data(Qt.ItemDataRole.DecorationRole)
        icon_rect = QRect(0, 0, self.ICON.width(), self.ICON.height())
        icon_rect.moveCenter(rect.center())
        icon_rect.moveTop(rect.top() + 12)
        if isinstance(icon, QIcon):
            icon.paint(painter, icon_rect, Qt.AlignmentFlag.AlignCenter)

        text_rect = QRect(
            rect.left() + 6, icon_rect.bottom() + 6, rect.width() - 12, rect.bottom() - icon_rect.bottom() - 8
        )
        name = name_lines(str(index.data(Qt.ItemDataRole.DisplayRole)), option.fontMetrics, text_rect.width())
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, "\n".join(name)
        )
        painter.restore()


class IconChooserDialog(QDialog):
    """Search the whole catalogue in a grid, or type a code; OK is enabled once the choice is valid."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        model: IconListModel | None = None,
        debounce_ms: int = SEARCH_DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose an icon")
        self.setAccessibleName("Choose an icon")
        self.resize(780, 560)
        self._chosen: str | None = None
        self._syncing = False

        self.icon_model = model if model is not None else IconListModel(parent=self)
        self.filter_model = IconFilterModel(self)
        self.filter_model.setSourceModel(self.icon_model)

        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Search icons, for example dollar or user")
        self.search_edit.setAccessibleName("Search icons")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.addAction(
            qtawesome.icon("fa6s.magnifying-glass", color=_MUTED_COLOUR),
            QLineEdit.ActionPosition.LeadingPosition,
        )
        self.search_edit.textChanged.connect(self._on_search_typed)
        self.search_edit.installEventFilter(self)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(debounce_ms)
        self.search_timer.timeout.connect(self.apply_search)

        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Number of icons shown")
        self.count_label.setStyleSheet(f"color: {_MUTED_COLOUR};")

        self.grid = IconGridView(IconGridDelegate.CELL, self)
        self.grid.setAccessibleName("Icons")
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setUniformItemSizes(True)
        self.grid.setItemDelegate(IconGridDelegate(self.grid))
        self.grid.setIconSize(IconGridDelegate.ICON)
        self.grid.setMouseTracking(True)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setModel(self.filter_model)
        self.grid.selectionModel().currentChanged.connect(self._on_grid_current)
        self.grid.activated.connect(self._on_grid_activated)

        self.code_edit = QLineEdit(self)
        self.code_edit.setPlaceholderText("fa-solid fa-house")
        self.code_edit.setAccessibleName("Or type an icon code")
        self.code_edit.setToolTip("fa6s.house, fa-solid fa-house, fas fa-house or fa-house")
        self.code_edit.textChanged.connect(self._on_code_text)
        self.code_edit.textEdited.connect(self._on_code_edited)
        code_label = QLabel("Or type an icon &code:", self)
        code_label.setBuddy(self.code_edit)
        self.code_icon = QLabel(self)
        self.code_icon.setFixedSize(24, 24)
        self.code_icon.setAccessibleName("Chosen icon")
        self.code_status = QLabel(self)
        self.code_status.setWordWrap(True)
        self.code_status.setAccessibleName("Icon code status")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setAccessibleName("OK")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addSpacing(12)
        top.addWidget(self.count_label)
        code_row = QHBoxLayout()
        code_row.addWidget(code_label)
        code_row.addWidget(self.code_edit, 1)
        code_row.addWidget(self.code_icon)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.grid, 1)
        layout.addLayout(code_row)
        layout.addWidget(self.code_status)
        layout.addWidget(self.buttons)

        self._update_count()
        self._on_code_text("")

    # -- public API

    def selected_code(self) -> str | None:
        """Return the canonical code chosen or typed, or None while there is no valid one."""
        return self._chosen

    def set_current_code(self, code: str | None) -> None:
        """Start from a code: clear the search, select it in the grid and show it in the code field."""
        self.search_edit.clear()
        self.apply_search()
        self.code_edit.setText(code or "")
        self._select_in_grid(self._chosen)
        self.search_edit.setFocus()

    def apply_search(self) -> None:
        """Filter the grid by the search field now (typing does it after a short pause)."""
        self.search_timer.stop()
        # Filtering moves the grid's current row when the chosen icon drops out of view; that
        # move is not a choice, so the grid's signal is not followed while the filter changes.
        self._syncing = True
        try:
            self.filter_model.set_search_text(self.search_edit.text())
        finally:
            self._syncing = False
        self._update_count()
        self._select_in_grid(self._chosen, scroll=False)

    # -- behaviour

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        current = self.grid.currentIndex()
        if current.isValid():
            self.grid.scrollTo(current, QAbstractItemView.ScrollHint.PositionAtCenter)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                # Enter filters at once; it must not reach the dialog's default button
                self.apply_search()
                return True
            if event.key() == Qt.Key.Key_Down and self.filter_model.rowCount() > 0:
                # Down moves on to the grid, as from a browser's address bar to its suggestions
                self.apply_search()
                if not self.grid.currentIndex().isValid():
                    self.grid.setCurrentIndex(self.filter_model.index(0, 0))
                self.grid.setFocus()
                return True
        return super().eventFilter(watched, event)

    def _on_search_typed(self) -> None:
        self.search_timer.start()

    def _update_count(self) -> None:
        self.count_label.setText(count_text(self.filter_model.rowCount(), self.filter_model.search_text()))

    def _on_grid_current(self, current: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        self._syncing = True
        try:
            self.code_edit.setText(str(current.data(CODE_ROLE)))
        finally:
            self._syncing = False

    def _on_grid_activated(self, index: QModelIndex) -> None:
        self._on_grid_current(index)
        self._accept_if_valid()

    def _on_code_edited(self, text: str) -> None:
        # textEdited comes before textChanged: judge the text here so the grid follows this keystroke
        self._on_code_text(text)
        self._select_in_grid(self._chosen)

    def _on_code_text(self, text: str) -> None:
        if not text.strip():
            self._chosen = None
            self.code_status.setText("Pick an icon above or type its code.")
            self.code_status.setStyleSheet(f"color: {_MUTED_COLOUR};")
        else:
            try:
                self._chosen = normalize_icon_code(text)
            except ValueError as error:
                self._chosen = None
                self.code_status.setText(f"{str(error)[:1].upper()}{str(error)[1:]}.")
                self.code_status.setStyleSheet(f"color: {_ERROR_COLOUR};")
            else:
                self.code_status.setText(f"Will use {self._chosen}")
                self.code_status.setStyleSheet(f"color: {_MUTED_COLOUR};")
        self.code_edit.setAccessibleDescription(self.code_status.text())
        if self._chosen:
            self.code_icon.setPixmap(self.icon_model.icon_for(self._chosen).pixmap(QSize(24, 24)))
        else:
            self.code_icon.clear()
        self.ok_button.setEnabled(self._chosen is not None)

    def _select_in_grid(self, code: str | None, *, scroll: bool = True) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            row = self.filter_model.row_of(code) if code else -1
            selection = self.grid.selectionModel()
            if row < 0:
                selection.clear()
                return
            index = self.filter_model.index(row, 0)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            if scroll:
                self.grid.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        finally:
            self._syncing = False

    def _accept_if_valid(self) -> None:
        # Enter on a grid item both activates it and reaches the default button: accept once
        if self._chosen is not None and self.isVisible():
            self.accept()


class IconPicker(QWidget):
    """A drop-down of the common icons and a link to choose any other from the catalogue."""

    iconChanged = Signal(str)
    """The new canonical code (``fa6s.house``), from the user or set_icon."""

    def __init__(self, parent: QWidget | None = None, *, icon_factory: IconFactory = qtawesome_icon) -> None:
        super().__init__(parent)
        self._icon_factory = icon_factory
        self._icon_model: IconListModel | None = None
        self.chooser: IconChooserDialog | None = None

        self.combo = QComboBox(self)
        guard_wheel(self.combo)
        self.combo.setAccessibleName("Icon")
        self.combo.setMaxVisibleItems(16)
        self.combo.setIconSize(QSize(18, 18))
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(20)
        for code in COMMON_ICONS:
            self._add_item(code)
        self._current = COMMON_ICONS[0]
        self.combo.setCurrentIndex(0)
        self.combo.currentIndexChanged.connect(self._on_combo_index)

        self.choose_button = QPushButton("Choose other icon…", self)
        self.choose_button.setAccessibleName("Choose other icon")
        self.choose_button.setToolTip("Search all Font Awesome icons, or type an icon code")
        self.choose_button.setFlat(True)
        self.choose_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.choose_button.setStyleSheet(
            "QPushButton { color: palette(link); text-decoration: underline; border: none;"
            " padding: 2px 4px; text-align: left; }"
            "QPushButton:focus { outline: 1px dotted palette(link); }"
        )
        self.choose_button.clicked.connect(self.open_chooser)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.choose_button)
        layout.addStretch(1)

    def icon(self) -> str:
        """Return the chosen canonical code."""
        return self._current

    def set_icon(self, code: str) -> None:
        """Show an icon (any form normalize_icon_code accepts); one not in the list is added to it."""
        self._select(normalize_icon_code(code))

    def open_chooser(self) -> IconChooserDialog:
        """Open the chooser over the whole catalogue (window-modal, returns at once)."""
        if self.chooser is None:
            if self._icon_model is None:
                self._icon_model = IconListModel(icon_factory=self._icon_factory, parent=self)
            self.chooser = IconChooserDialog(self, model=self._icon_model)
            self.chooser.accepted.connect(self._on_chooser_accepted)
        self.chooser.set_current_code(self._current)
        self.chooser.open()
        return self.chooser

    def _add_item(self, code: str) -> int:
        self.combo.addItem(self._make_icon(code), icon_label(code), code)
        row = self.combo.count() - 1
        self.combo.setItemData(row, code, Qt.ItemDataRole.ToolTipRole)
        return row

    def _make_icon(self, code: str) -> QIcon:
        if self._icon_model is not None:
            return self._icon_model.icon_for(code)
        return self._icon_factory(code)

    def _select(self, code: str) -> None:
        row = self.combo.findData(code, CODE_ROLE)
        if row < 0:
            if self.combo.count() == len(COMMON_ICONS):
                self.combo.insertSeparator(self.combo.count())
            row = self._add_item(code)
        self.combo.setCurrentIndex(row)  # emits through _on_combo_index when the row changes

    def _on_combo_index(self, row: int) -> None:
        code = self.combo.itemData(row, CODE_ROLE)
        if not isinstance(code, str) or code == self._current:
            return
        self._current = code
        self.iconChanged.emit(code)

    def _on_chooser_accepted(self) -> None:
        if self.chooser is not None and self.chooser.selected_code():
            self._select(str(self.chooser.selected_code()))
