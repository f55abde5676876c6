"""The Menu tab: the subscriber's left-hand menu, its order, names, icons and page options."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from pydantic import TypeAdapter, ValidationError
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
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from common.profile import Label, MenuPage
from common.validation import errors_from_pydantic
from desktop_admin.models.menu_items_model import (
    CHILDREN_ROLE,
    ERROR_ROLE,
    LANDING_ROLE,
    SUBTITLE_ROLE,
    MenuEntry,
    MenuItemsModel,
)
from desktop_admin.views import ACCENT, DANGER, MUTED, TEXT, FieldError, icon, icon_badge, paint_pill
from desktop_admin.views.dialog_parts import add_dialog_buttons
from desktop_admin.views.profile_editor import tab_parts
from desktop_admin.views.profile_editor.basic_tab import ToggleSwitch, set_invalid
from desktop_admin.views.profile_editor.tab import REASON_VERBS, TabBase, sentence
from desktop_admin.widgets.icon_picker import IconPicker
from desktop_admin.widgets.wheel_guard import guard_wheel

LABEL_RULES: TypeAdapter[str] = TypeAdapter(Label)
LABEL_INPUT_LIMIT = 60  # a little over the rule, so a pasted long name is explained, not cut

SUBMENUS: tuple[tuple[str, str], ...] = (("contacts", "Contacts"), ("account_settings", "Account Settings"))
SUBSECTIONS: tuple[tuple[str, str], ...] = (
    ("paperless", "Paperless Bill"),
    ("security", "Security"),
    ("account_details", "Account Details"),
    ("notifications", "Notifications"),
)
LANDING_GREEN = "#1e7b34"
LANDING_FILL = "#e6f4ea"
# The menu's own rules read on from the field too: "appears more than once", "belongs only to…".
MENU_REASON_VERBS = (*REASON_VERBS, "appears", "belongs")

STYLE = (
    tab_parts.PANES_STYLE
    + f"""
QLabel#groupCaption {{ color: {MUTED}; font-size: 8pt; font-weight: 600; letter-spacing: 1px; }}
QLabel#formLabel {{ font-weight: 600; color: {TEXT}; }}
QLabel#fieldHint {{ color: {MUTED}; }}
QLineEdit[invalid="true"] {{ border: 1px solid {DANGER}; }}
QLabel#count {{ color: {MUTED}; background: #eef1f6; border-radius: 9px; padding: 1px 8px; }}
QLabel#landingBadge {{
    background: {LANDING_FILL}; color: {LANDING_GREEN}; border-radius: 10px; padding: 2px 10px;
    font-weight: 600;
}}
QLabel#iconBadge {{ background: #e8effd; border-radius: 10px; }}
QFrame#subItems {{ background: #f8f9fc; border: 1px solid #e8ebf1; border-radius: 8px; }}
QLabel#subItem {{ color: {TEXT}; }}
QFrame#separator {{ background: #e8ebf1; border: none; }}
QFrame#optionGroup {{ background: #f8f9fc; border: 1px solid #e8ebf1; border-radius: 8px; }}
QListView#menuList {{ background: transparent; border: none; outline: none; }}
"""
    + tab_parts.FORM_SCROLL_STYLE
    + f"""
QSpinBox QLineEdit {{ border: none; padding: 0; background: transparent; }}
QToolButton#stepButton {{ border: 1px solid #c9d0dc; border-radius: 6px; background: #ffffff; }}
QToolButton#stepButton:hover {{ background: #eef2f8; }}
QToolButton#stepButton:disabled {{ background: #f5f7fb; border-color: #e1e5ec; }}
QPushButton#dangerButton {{ color: {DANGER}; border: 1px solid #efc2bd; background: #ffffff; }}
QPushButton#dangerButton:hover {{ background: #fdecea; }}
QPushButton#dangerButton:disabled {{ color: #b9bfcc; border-color: #e1e5ec; }}
QListWidget#pageChoices {{ border: none; background: transparent; outline: none; }}
"""
)


def label_problem(label: str) -> str:
    """Return why a menu label is refused (the profile rules), or an empty string."""
    try:
        LABEL_RULES.validate_python(label)
    except ValidationError as exc:
        return next(iter(errors_from_pydantic(exc).values()), "is not valid")
    return ""


def _form_label(
    text: str, parent: QWidget, *, required: bool = False, buddy: QWidget | None = None
) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("formLabel")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(tab_parts.required_caption(text) if required else text)
    label.setMinimumWidth(118)
    if buddy is not None:
        label.setBuddy(buddy)
    return label


class MenuItemDelegate(QStyledItemDelegate):
    """Draws a menu item as a card: drag grip, icon tile, label, sub-items, "Landing page" pill."""

    PLAIN_HEIGHT = 48
    NESTED_HEIGHT = 60

    def __init__(self, parent: QWidget | None = None, *, draggable: bool = True) -> None:
        super().__init__(parent)
        self.draggable = draggable

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        height = self.NESTED_HEIGHT if index.data(CHILDREN_ROLE) else self.PLAIN_HEIGHT
        return QSize(240, height)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = tab_parts.paint_card(painter, option)

        left = int(card.left())
        middle = int(card.center().y())
        if self.draggable:
            grip = QRect(left + 8, middle - 7, 10, 14)
            icon("fa6s.grip-vertical", color="#b3b9c6").paint(painter, grip)
            left += 18

        tile = QRectF(left + 8, middle - 16, 32, 32)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#dde8fd" if selected else "#eef3fe"))
        painter.drawRoundedRect(tile, 8, 8)
        decoration = index.data(Qt.ItemDataRole.DecorationRole)
        if decoration is not None:
            decoration.paint(painter, tile.adjusted(8, 8, -8, -8).toRect())

        right = int(card.right()) - 10
        error = str(index.data(ERROR_ROLE) or "")
        if error:
            marker = QRect(right - 16, middle - 8, 16, 16)
            icon("fa6s.circle-exclamation", color=DANGER).paint(painter, marker)
            right = marker.left() - 8
        base: QFont = option.font
        if index.data(LANDING_ROLE):
            pill_font = QFont(base)
            pill_font.setPointSizeF(max(7.0, base.pointSizeF() - 1.5))
            pill_font.setBold(True)
            metrics = QFontMetrics(pill_font)
            text = "Landing page"
            width = metrics.horizontalAdvance(text) + 14
            height = metrics.height() + 4
            pill = QRectF(right - width, middle - height / 2, width, height)
            paint_pill(painter, pill, text, pill_font, LANDING_FILL, LANDING_GREEN)
            right = int(pill.left()) - 8

        text_left = int(tile.right()) + 12
        text_width = max(10, right - text_left)
        label = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        children: tuple[str, ...] = tuple(index.data(CHILDREN_ROLE) or ())
        label_font = QFont(base)
        label_font.setBold(True)
        label_metrics = QFontMetrics(label_font)
        painter.setFont(label_font)
        if label.strip():
            painter.setPen(QColor(TEXT))
            shown = label_metrics.elidedText(label, Qt.TextElideMode.ElideRight, text_width)
        else:
            painter.setPen(QColor(DANGER))
            shown = "(no label)"
        if children:
            small = QFont(base)
            small.setPointSizeF(max(7.0, base.pointSizeF() - 1))
            small_metrics = QFontMetrics(small)
            block = label_metrics.height() + 2 + small_metrics.height()
            top = middle - block // 2
            painter.drawText(QRect(text_left, top, text_width, label_metrics.height()), 0, shown)
            painter.setFont(small)
            painter.setPen(QColor(MUTED))
            subtitle = str(index.data(SUBTITLE_ROLE) or " · ".join(children))
            names = small_metrics.elidedText(subtitle, Qt.TextElideMode.ElideRight, text_width)
            painter.drawText(
                QRect(text_left, top + label_metrics.height() + 2, text_width, small_metrics.height()),
                0,
                names,
            )
        else:
            painter.drawText(
                QRect(text_left, int(card.top()), text_width, int(card.height())),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                shown,
            )
        painter.restore()


class AddMenuItemDialog(QDialog):
    """Choose one of the removed pages to put back at the end of the menu."""

    def __init__(self, pages: list[MenuPage], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addMenuItemDialog")
        self.setWindowTitle("Add Menu Item")
        self.setMinimumWidth(440)
        self.setStyleSheet(STYLE)
        layout = tab_parts.dialog_column(
            self,
            "fa6s.plus",
            "Add Menu Item",
            "Removed pages can be put back. The page comes back at the end of the menu with its "
            "standard name and icon, and with all of its sub-items.",
            spacing=8,
        )
        layout.addSpacing(4)

        self.pages_list = QListWidget(self)
        self.pages_list.setObjectName("pageChoices")
        self.pages_list.setAccessibleName("Removed pages")
        self.pages_list.setIconSize(QSize(18, 18))
        delegate = MenuItemDelegate(self.pages_list, draggable=False)
        self.pages_list.setItemDelegate(delegate)
        self.pages_list.setMouseTracking(True)
        height = 8
        for page in pages:
            children = tuple(label for _key, label in page.children)
            item = QListWidgetItem(icon(page.icon, color=ACCENT), page.label)
            item.setData(Qt.ItemDataRole.UserRole, page.key)
            item.setData(CHILDREN_ROLE, children)
            accessible = f"{page.label}, with {', '.join(children)}" if children else page.label
            item.setData(Qt.ItemDataRole.AccessibleTextRole, accessible)
            size = QSize(360, delegate.NESTED_HEIGHT if children else delegate.PLAIN_HEIGHT)
            item.setSizeHint(size)
            height += size.height()
            self.pages_list.addItem(item)
        self.pages_list.setFixedHeight(min(height, 6 * delegate.NESTED_HEIGHT + 8))
        self.pages_list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.pages_list.currentRowChanged.connect(self._update_button)
        layout.addWidget(self.pages_list)

        _cancel, self.add_button = add_dialog_buttons(layout, self, "fa6s.plus", "Add to menu", gap=8)
        self.add_button.clicked.connect(self.accept)
        if pages:
            self.pages_list.setCurrentRow(0)
        self._update_button()

    def keys(self) -> list[str]:
        """Return the keys offered, in catalogue order."""
        return [
            str(self.pages_list.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.pages_list.count())
        ]

    def select_key(self, key: str) -> None:
        """Choose the page with this key."""
        self.pages_list.setCurrentRow(self.keys().index(key))

    def chosen_key(self) -> str | None:
        """Return the key of the chosen page, or None."""
        item = self.pages_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def accept(self) -> None:
        if self.chosen_key() is not None:
            super().accept()

    def _update_button(self) -> None:
        self.add_button.setEnabled(self.chosen_key() is not None)


class MenuTab(TabBase):
    """Arrange the subscriber's menu: order (drag and drop or Display Order), labels, icons, options.

    The list on the left previews the menu; the form on the right edits the selected item.
    """

    TITLE = "Menu"
    OWNS = ("menu",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("menuTab")
        self.setStyleSheet(STYLE)
        self._syncing = False
        self._errors: dict[str, dict[str, str]] = {}
        self.add_dialog: AddMenuItemDialog | None = None
        self.model = MenuItemsModel(self)

        outer, self.banner = tab_parts.banner_column(self, 12)
        intro = tab_parts.hint_label(
            "Arrange the menu subscribers see on the left of every portal page. Select an item to rename "
            "it, move it, change its icon or remove it. The first item is the landing page.",
            self,
        )
        outer.addWidget(intro)
        tab_parts.add_list_and_form(outer, self._build_list_card(), self._build_form_card())

        self.model.rowsMoved.connect(self._on_rows_moved)
        self.list_view.selectionModel().currentChanged.connect(self._on_current_changed)
        self._show_row(-1)

    # -- building

    def _build_list_card(self) -> QFrame:
        card, layout = tab_parts.list_pane(self, 372)
        header = QHBoxLayout()
        title = QLabel("Menu preview", card)
        title.setObjectName("paneTitle")
        self.count_label = QLabel(card)
        self.count_label.setObjectName("count")
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.count_label)
        layout.addLayout(header)
        hint = tab_parts.hint_label("Drag an item by its grip to change the order.", card)
        layout.addWidget(hint)

        self.list_view = QListView(card)
        self.list_view.setObjectName("menuList")
        self.list_view.setAccessibleName("Menu items")
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(MenuItemDelegate(self.list_view))
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list_view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list_view.setDragDropOverwriteMode(False)
        self.list_view.setDropIndicatorShown(True)
        self.list_view.setMouseTracking(True)
        self.list_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.list_view, 1)

        self.add_button = QPushButton(icon("fa6s.plus", color=ACCENT), "Add Menu Item", card)
        self.add_button.setObjectName("addMenuItemButton")
        self.add_button.setAccessibleName("Add Menu Item")
        self.add_button.clicked.connect(self.open_add_dialog)
        layout.addWidget(self.add_button)
        self.add_hint = QLabel("Every portal page is in the menu.", card)
        self.add_hint.setObjectName("fieldHint")
        self.add_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.add_hint)
        return card

    def _build_form_card(self) -> QFrame:
        pane = tab_parts.form_pane(self, "Select a menu item on the left to edit it.")
        self.form_scroll, self.empty_label, self.form, form = pane.scroll, pane.empty, pane.form, pane.column

        # header: icon, label, landing page pill, the page it links to
        self.header_icon = icon_badge(self.form, 44)
        self.title_label = QLabel(self.form)
        self.title_label.setObjectName("formTitle")
        self.landing_badge = QLabel("Landing page", self.form)
        self.landing_badge.setObjectName("landingBadge")
        self.landing_badge.setToolTip("Subscribers see this page first after they sign in.")
        self.page_caption = tab_parts.hint_label("", self.form)
        tab_parts.add_form_header(
            form, self.header_icon, self.title_label, self.landing_badge, self.page_caption
        )
        self.item_error = FieldError(self.form)
        form.addWidget(self.item_error)
        form.addWidget(tab_parts.separator(self.form))

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(1, 1)
        row = 0

        self.label_edit = QLineEdit(self.form)
        self.label_edit.setObjectName("menuLabelEdit")
        self.label_edit.setAccessibleName("Label")
        self.label_edit.setMaxLength(LABEL_INPUT_LIMIT)
        self.label_edit.setMinimumHeight(32)
        self.label_edit.setPlaceholderText("The name subscribers see in the menu")
        self.label_edit.textEdited.connect(self._on_label_edited)
        self.label_error = FieldError(self.form)
        grid.addWidget(
            _form_label("Label", self.form, required=True, buddy=self.label_edit),
            row,
            0,
            Qt.AlignmentFlag.AlignVCenter,
        )
        grid.addWidget(self.label_edit, row, 1)
        grid.addWidget(self.label_error, row + 1, 1)
        row += 2

        self.children_label = _form_label("Sub-items", self.form)
        self.children_box = QWidget(self.form)
        self.children_box.setAccessibleName("Sub-items")
        self.children_layout = QVBoxLayout(self.children_box)
        self.children_layout.setContentsMargins(0, 4, 0, 0)
        self.children_layout.setSpacing(4)
        self.children_frame = QFrame(self.children_box)
        self.children_frame.setObjectName("subItems")
        self.children_rows = QVBoxLayout(self.children_frame)
        self.children_rows.setContentsMargins(12, 8, 12, 8)
        self.children_rows.setSpacing(6)
        self.children_layout.addWidget(self.children_frame)
        self.children_hint = tab_parts.hint_label(
            "Sub-item names are fixed: only the top-level name can be changed.", self.children_box
        )
        self.children_layout.addWidget(self.children_hint)
        grid.addWidget(self.children_label, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.children_box, row, 1)
        row += 1
        grid.setRowMinimumHeight(row, 6)
        row += 1

        self.order_spin = QSpinBox(self.form)
        guard_wheel(self.order_spin)
        self.order_spin.setObjectName("displayOrderSpin")
        self.order_spin.setAccessibleName("Display order")
        self.order_spin.setMinimumHeight(32)
        self.order_spin.setFixedWidth(64)
        self.order_spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.order_spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
        self.order_spin.setToolTip("Position in the menu; 1 is the landing page. Up and Down keys step it.")
        self.order_spin.setRange(1, 1)
        self.order_spin.valueChanged.connect(self._on_order_changed)
        self.move_up_button = self._step_button("fa6s.arrow-up", "Move up")
        self.move_up_button.clicked.connect(lambda: self.order_spin.stepBy(-1))
        self.move_down_button = self._step_button("fa6s.arrow-down", "Move down")
        self.move_down_button.clicked.connect(lambda: self.order_spin.stepBy(1))
        order_row = QHBoxLayout()
        order_row.setSpacing(6)
        order_row.addWidget(self.order_spin)
        order_row.addWidget(self.move_up_button)
        order_row.addWidget(self.move_down_button)
        order_row.addSpacing(6)
        self.order_hint = tab_parts.hint_label("", self.form)
        order_row.addWidget(self.order_hint, 1)
        grid.addWidget(
            _form_label("Display order", self.form, buddy=self.order_spin),
            row,
            0,
            Qt.AlignmentFlag.AlignVCenter,
        )
        grid.addLayout(order_row, row, 1)
        row += 1
        grid.setRowMinimumHeight(row, 8)
        row += 1

        self.icon_picker = IconPicker(self.form)
        self.icon_picker.setObjectName("menuIconPicker")
        self.icon_picker.combo.setMinimumHeight(32)
        self.icon_picker.iconChanged.connect(self._on_icon_changed)
        # the console's style sheet hides the native drop-down arrow; draw a chevron over it
        self.icon_chevron = QLabel(self.icon_picker.combo)
        self.icon_chevron.setPixmap(icon("fa6s.chevron-down", color=MUTED).pixmap(QSize(11, 11)))
        self.icon_chevron.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.icon_chevron.resize(11, 11)
        self.icon_picker.combo.installEventFilter(self)
        self.icon_error = FieldError(self.form)
        grid.addWidget(
            _form_label("Icon", self.form, buddy=self.icon_picker.combo),
            row,
            0,
            Qt.AlignmentFlag.AlignVCenter,
        )
        grid.addWidget(self.icon_picker, row, 1)
        grid.addWidget(self.icon_error, row + 1, 1)
        row += 2
        form.addLayout(grid)

        self.settings_section = self._build_settings_section(self.form)
        form.addWidget(self.settings_section)
        self.corporate_section = self._build_corporate_section(self.form)
        form.addWidget(self.corporate_section)

        form.addWidget(tab_parts.separator(self.form))
        remove_row = QHBoxLayout()
        remove_row.setSpacing(14)
        self.remove_button = QPushButton(icon("fa6s.trash-can", color=DANGER), "Remove from menu", self.form)
        self.remove_button.setObjectName("dangerButton")
        self.remove_button.setAccessibleName("Remove from menu")
        self.remove_button.clicked.connect(self.remove_current)
        self.remove_hint = tab_parts.hint_label("", self.form)
        remove_row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        remove_row.addWidget(self.remove_hint, 1)
        form.addLayout(remove_row)
        form.addStretch(1)
        return pane.card

    def _step_button(self, icon_name: str, text: str) -> QToolButton:
        button = QToolButton(self.form)
        button.setObjectName("stepButton")
        button.setIcon(icon(icon_name, color=TEXT))
        button.setIconSize(QSize(12, 12))
        button.setFixedSize(32, 32)
        button.setToolTip(text)
        button.setAccessibleName(text)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        return button

    def _build_settings_section(self, parent: QWidget) -> QWidget:
        section = QWidget(parent)
        section.setObjectName("settingsSection")
        layout = tab_parts.titled_column(section, "Settings view", margins=(0, 4, 0, 0), spacing=8)
        layout.addWidget(
            tab_parts.hint_label(
                "Choose what subscribers using this profile see when they open Settings.", section
            )
        )
        self.settings_error = FieldError(section)
        layout.addWidget(self.settings_error)
        self.settings_toggles: dict[str, ToggleSwitch] = {}

        columns = QHBoxLayout()
        columns.setSpacing(12)
        submenus = self._option_group(section, "SUBMENUS", SUBMENUS)
        self.subsections_group = self._option_group(section, "ACCOUNT SETTINGS SUBSECTIONS", SUBSECTIONS)
        columns.addWidget(submenus, 1)
        columns.addWidget(self.subsections_group, 1)
        layout.addLayout(columns)
        self.subsections_hint = tab_parts.hint_label(
            "The subsections are part of the Account Settings submenu; turn it on to choose them.", section
        )
        layout.addWidget(self.subsections_hint)
        return section

    def _option_group(self, parent: QWidget, caption: str, options: tuple[tuple[str, str], ...]) -> QFrame:
        group = QFrame(parent)
        group.setObjectName("optionGroup")
        layout = QVBoxLayout(group)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        label = QLabel(caption, group)
        label.setObjectName("groupCaption")
        layout.addWidget(label)
        layout.addSpacing(4)
        for name, text in options:
            toggle = ToggleSwitch(text, group)
            toggle.setObjectName(f"settingsView_{name}")
            toggle.setAccessibleName(text)
            toggle.toggled.connect(lambda checked, name=name: self._on_settings_toggled(name, checked))
            self.settings_toggles[name] = toggle
            layout.addWidget(toggle)
        layout.addStretch(1)
        return group

    def _build_corporate_section(self, parent: QWidget) -> QWidget:
        section = QWidget(parent)
        section.setObjectName("corporateSection")
        layout = tab_parts.titled_column(section, "Corporate accounts", margins=(0, 4, 0, 0), spacing=8)
        group = QFrame(section)
        group.setObjectName("optionGroup")
        inner = QVBoxLayout(group)
        inner.setContentsMargins(14, 10, 14, 10)
        inner.setSpacing(4)
        self.corporate_toggle = ToggleSwitch("Show corporate accounts", group)
        self.corporate_toggle.setObjectName("showCorporateAccounts")
        self.corporate_toggle.setAccessibleName("Show corporate accounts")
        self.corporate_toggle.toggled.connect(self._on_corporate_toggled)
        inner.addWidget(self.corporate_toggle)
        inner.addWidget(
            tab_parts.hint_label(
                "Parent accounts get a link on the Account Summary page to browse their corporate "
                "structure and switch to any child account.",
                group,
            )
        )
        layout.addWidget(group)
        return section

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.icon_picker.combo and event.type() == QEvent.Type.Resize:
            combo = self.icon_picker.combo
            self.icon_chevron.move(combo.width() - 22, (combo.height() - 11) // 2)
        return super().eventFilter(watched, event)

    # -- the tab contract

    def load(self, draft: dict[str, Any]) -> None:
        """Show the draft's menu, selecting the item that was selected before (or the first)."""
        previous = self.current_key()
        raw = draft.get("menu")
        items = raw if isinstance(raw, list) else []
        self._syncing = True
        try:
            self.model.set_entries(MenuEntry.from_draft(item) for item in items if isinstance(item, Mapping))
            self._errors = {}
        finally:
            self._syncing = False
        self.banner.dismiss()
        row = self.model.row_of(previous) if previous else -1
        self.select_row(row if row >= 0 else 0)
        self._update_list_controls()

    def apply(self, draft: dict[str, Any]) -> None:
        """Write the menu, in display order, as ``draft["menu"]``."""
        draft["menu"] = self.model.to_draft()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show ``menu.N.field`` problems at item N (selecting the first), ``menu`` ones above the list."""
        per_key: dict[str, dict[str, str]] = {}
        general: list[str] = []
        for path, reason in errors.items():
            if not self.owns(path):
                continue
            parts = path.split(".")
            if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < self.model.rowCount():
                key = self.model.entry(int(parts[1])).key
                per_key.setdefault(key, {}).setdefault(".".join(parts[2:]), reason)
            else:
                general.append(sentence("The menu", reason, MENU_REASON_VERBS))
        self._errors = per_key
        self.model.set_errors({key: self._first_reason(found) for key, found in per_key.items()})
        if general:
            self.banner.show_error(" ".join(general))
        else:
            self.banner.dismiss()
        rows = sorted(self.model.row_of(key) for key in per_key)
        if rows:
            self.select_row(rows[0])
        else:
            self._show_errors_for(self.current_key())

    # -- what tests and the editor drive

    def current_row(self) -> int:
        """Return the selected row, or -1."""
        index = self.list_view.currentIndex()
        return index.row() if index.isValid() else -1

    def current_key(self) -> str | None:
        """Return the key of the selected item, or None."""
        row = self.current_row()
        return self.model.entry(row).key if row >= 0 else None

    def select_row(self, row: int) -> None:
        """Select an item and show it in the form (-1 or an unknown row shows nothing)."""
        selection = self.list_view.selectionModel()
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.list_view.scrollTo(index)
            self._show_row(row)  # also when it was already current: the form may be stale
        else:
            selection.clear()
            self._show_row(-1)

    def select_key(self, key: str) -> None:
        """Select the item of a page."""
        self.select_row(self.model.row_of(key))

    def open_add_dialog(self) -> AddMenuItemDialog:
        """Open the chooser of removed pages (window-modal, returns at once)."""
        dialog = AddMenuItemDialog(self.model.removed_pages(), self)
        dialog.accepted.connect(lambda: self._on_add_accepted(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def add_page(self, key: str) -> None:
        """Put a removed page back at the end of the menu and select it."""
        row = self.model.append_page(key)
        self._update_list_controls()
        self.select_row(row)
        self.edited.emit()

    def remove_current(self) -> None:
        """Remove the selected item (and so its sub-items); the last item cannot be removed."""
        row = self.current_row()
        if row < 0 or self.model.rowCount() <= 1:
            return
        key = self.model.entry(row).key
        self._errors.pop(key, None)
        self.model.removeRows(row, 1)
        self._update_list_controls()
        self.select_row(min(row, self.model.rowCount() - 1))
        self.edited.emit()

    # -- reacting to the user

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_row(current.row() if current.isValid() else -1)

    def _on_label_edited(self, text: str) -> None:
        row = self.current_row()
        if row < 0:
            return
        entry = self.model.entry(row)
        self.model.set_label(row, text)
        self.title_label.setText(text.strip() or "(no label)")
        problem = label_problem(text)
        self._set_item_error(entry.key, "label", problem)
        self.edited.emit()

    def _on_order_changed(self, value: int) -> None:
        if self._syncing:
            return
        row = self.current_row()
        if row >= 0:
            self.model.move(row, value - 1)  # rowsMoved refreshes the form and reports the edit

    def _on_rows_moved(self) -> None:
        row = self.current_row()
        if row >= 0:
            self._refresh_position(row)
            self.list_view.scrollTo(self.model.index(row))
        if not self._syncing:
            self.edited.emit()

    def _on_icon_changed(self, code: str) -> None:
        if self._syncing:
            return
        row = self.current_row()
        if row < 0:
            return
        self.model.set_icon(row, code)
        self.header_icon.setPixmap(self.model.icon_for(code).pixmap(QSize(22, 22)))
        self._set_item_error(self.model.entry(row).key, "icon", "")
        self.edited.emit()

    def _on_settings_toggled(self, name: str, checked: bool) -> None:
        if name == "account_settings":
            self._update_subsections_enabled()
        if self._syncing:
            return
        row = self.current_row()
        if row < 0 or self.model.entry(row).key != "settings":
            return
        self.model.set_settings_view(row, name, checked)
        self.edited.emit()

    def _on_corporate_toggled(self, checked: bool) -> None:
        if self._syncing:
            return
        row = self.current_row()
        if row < 0 or self.model.entry(row).key != "account_summary":
            return
        self.model.set_show_corporate_accounts(row, checked)
        self.edited.emit()

    def _on_add_accepted(self, dialog: AddMenuItemDialog) -> None:
        key = dialog.chosen_key()
        if key is not None and self.model.row_of(key) < 0:
            self.add_page(key)

    # -- showing an item

    def _show_row(self, row: int) -> None:
        has_item = 0 <= row < self.model.rowCount()
        self.form.setVisible(has_item)
        self.empty_label.setVisible(not has_item)
        if not has_item:
            return
        entry = self.model.entry(row)
        self._syncing = True
        try:
            self.title_label.setText(entry.label.strip() or "(no label)")
            page = entry.page
            self.page_caption.setText(
                f"Opens the {page.label} page" if page else f"Links to the '{entry.key}' page"
            )
            self.header_icon.setPixmap(self.model.icon_for(entry.icon).pixmap(QSize(22, 22)))
            if self.label_edit.text() != entry.label:
                self.label_edit.setText(entry.label)
            self._show_children(entry)
            with suppress(ValueError):  # an unknown code shows as an icon error instead
                self.icon_picker.set_icon(entry.icon)
            self.settings_section.setVisible(entry.key == "settings")
            if entry.settings_view is not None:
                for name, toggle in self.settings_toggles.items():
                    toggle.setChecked(bool(entry.settings_view.get(name, True)))
            self._update_subsections_enabled()
            self.corporate_section.setVisible(entry.key == "account_summary")
            if entry.key == "account_summary":
                self.corporate_toggle.setChecked(bool(entry.show_corporate_accounts))
            self._refresh_position(row)
        finally:
            self._syncing = False
        self._show_errors_for(entry.key)

    def _show_children(self, entry: MenuEntry) -> None:
        while self.children_rows.count():
            item = self.children_rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        pixmap = icon("fa6s.arrow-turn-up", color="#9aa3b5", rotated=90).pixmap(QSize(11, 11))
        for name in entry.children:
            row = QWidget(self.children_frame)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.setSpacing(8)
            mark = QLabel(row)
            mark.setPixmap(pixmap)
            text = QLabel(name, row)
            text.setObjectName("subItem")
            line.addWidget(mark)
            line.addWidget(text, 1)
            row.setToolTip("Sub-item names cannot be changed.")
            self.children_rows.addWidget(row)
            row.show()
        shown = bool(entry.children)
        self.children_label.setVisible(shown)
        self.children_box.setVisible(shown)
        # rows added while a parent was hidden leave the parents' layouts with stale size hints
        self.children_frame.updateGeometry()
        self.children_box.updateGeometry()

    def _refresh_position(self, row: int) -> None:
        count = self.model.rowCount()
        syncing, self._syncing = self._syncing, True
        try:
            self.order_spin.setRange(1, max(1, count))
            self.order_spin.setValue(row + 1)
            self.move_up_button.setEnabled(row > 0)
            self.move_down_button.setEnabled(row < count - 1)
        finally:
            self._syncing = syncing
        self.landing_badge.setVisible(row == 0)
        if row == 0:
            self.order_hint.setText(f"of {count} · first in the menu, so subscribers land on this page")
        else:
            self.order_hint.setText(f"of {count} · set 1 to make it the landing page")
        entry = self.model.entry(row)
        can_remove = count > 1
        self.remove_button.setEnabled(can_remove)
        if not can_remove:
            self.remove_button.setToolTip("The menu needs at least one item.")
            self.remove_hint.setText("This is the only item left; the menu needs at least one.")
        else:
            self.remove_button.setToolTip(f"Remove {entry.label.strip() or 'this item'} from the menu")
            also = f" Its sub-items ({', '.join(entry.children)}) go with it." if entry.children else ""
            self.remove_hint.setText(
                f"Subscribers lose the page from their menu.{also} Add Menu Item brings it back."
            )

    def _update_subsections_enabled(self) -> None:
        on = self.settings_toggles["account_settings"].isChecked()
        for name, _text in SUBSECTIONS:
            self.settings_toggles[name].setEnabled(on)
        self.subsections_hint.setVisible(not on)

    def _update_list_controls(self) -> None:
        count = self.model.rowCount()
        self.count_label.setText(f"{count} item{'' if count == 1 else 's'}")
        removed = self.model.removed_pages()
        self.add_button.setEnabled(bool(removed))
        self.add_hint.setVisible(not removed)
        if removed:
            names = ", ".join(page.label for page in removed)
            self.add_button.setToolTip(f"Put a removed page back in the menu: {names}")
        else:
            self.add_button.setToolTip("Every portal page is already in the menu.")

    # -- problems

    def _set_item_error(self, key: str, field: str, reason: str) -> None:
        found = self._errors.setdefault(key, {})
        if reason:
            found[field] = reason
        else:
            found.pop(field, None)
        if not found:
            del self._errors[key]
        self.model.set_error(key, self._first_reason(found))
        if key == self.current_key():
            self._show_errors_for(key)

    @staticmethod
    def _first_reason(found: Mapping[str, str]) -> str:
        for field, reason in found.items():
            name = field.split(".", 1)[0].replace("_", " ")
            return sentence(f"The {name}" if name else "This item", reason, MENU_REASON_VERBS)
        return ""

    def _show_errors_for(self, key: str | None) -> None:
        found = self._errors.get(key, {}) if key else {}
        self.label_error.show_reason(sentence("The label", found.get("label", ""), MENU_REASON_VERBS))
        set_invalid(self.label_edit, "label" in found)
        self.icon_error.show_reason(sentence("The icon", found.get("icon", ""), MENU_REASON_VERBS))
        settings = [reason for field, reason in found.items() if field.startswith("settings_view")]
        self.settings_error.show_reason(
            sentence("The Settings view", settings[0], MENU_REASON_VERBS) if settings else ""
        )
        other = [
            sentence("This item", reason, MENU_REASON_VERBS)
            for field, reason in found.items()
            if field not in ("label", "icon") and not field.startswith("settings_view")
        ]
        self.item_error.show_reason(" ".join(other))
