"""The Tickets tab: the support request types subscribers may open, and the tickets they become."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from common.profile import Duration, DurationUnit, SupportRequestType
from common.validation import FieldErrors, parse
from desktop_admin.views import ACCENT, DANGER, MUTED, TEXT, FieldError, icon, icon_badge, paint_pill
from desktop_admin.views.profile_editor import tab_parts
from desktop_admin.views.profile_editor.basic_tab import ToggleSwitch, set_invalid
from desktop_admin.views.profile_editor.tab import TabBase, sentence
from desktop_admin.widgets.wheel_guard import guard_wheel

ENABLED_ROLE = Qt.ItemDataRole.UserRole + 1
SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 2
ERROR_ROLE = Qt.ItemDataRole.UserRole + 3

TEXT_FIELDS = ("name", "ticket_type", "ticket_category", "ticket_status", "ticket_priority", "assign_to")
REQUIRED = frozenset({"name", "ticket_type", "ticket_category", "ticket_status", "ticket_priority"})
FIELD_NAMES = {
    "name": "The name",
    "ticket_type": "The ticket type",
    "ticket_category": "The ticket category",
    "ticket_status": "The ticket status",
    "ticket_priority": "The ticket priority",
    "assign_to": "Assign to user",
    "action_duration": "The action duration",
    "commit_duration": "The commit duration",
}
UNIT_LABELS = {DurationUnit.MINUTES: "Minutes", DurationUnit.HOURS: "Hours", DurationUnit.DAYS: "Days"}
TEXT_LIMIT = 60

# Starting points for the selectors; the names must match Admin Console Data Management.
SUGGESTIONS: dict[str, tuple[str, ...]] = {
    "ticket_type": ("Trouble Ticket", "Service Request", "Billing Inquiry"),
    "ticket_category": ("Billing", "Technical Support", "Account Changes", "Service Outage", "General"),
    "ticket_status": ("New", "Open", "Assigned"),
    "ticket_priority": ("Low", "Medium", "High", "Critical"),
    "assign_to": ("Support Desk", "Billing Team", "Network Operations"),
}
PLACEHOLDERS = {
    "name": "For example: Billing question",
    "ticket_type": "Choose or type a ticket type",
    "ticket_category": "Choose or type a category",
    "ticket_status": "Choose or type a status",
    "ticket_priority": "Choose or type a priority",
    "assign_to": "Nobody in particular",
}
GREEN = "#1e7b34"
GREEN_FILL = "#e6f4ea"
GREY = "#5b6478"
GREY_FILL = "#eef1f6"

STYLE = (
    tab_parts.PANES_STYLE
    + f"""
QLabel#fieldLabel {{ font-weight: 600; color: {TEXT}; }}
QLabel#fieldHint {{ color: {MUTED}; }}
QLabel#count {{ color: {MUTED}; background: #eef1f6; border-radius: 9px; padding: 1px 8px; }}
QLabel#stateBadge[enabled="true"] {{
    background: {GREEN_FILL}; color: {GREEN}; border-radius: 10px; padding: 2px 10px; font-weight: 600;
}}
QLabel#stateBadge[enabled="false"] {{
    background: {GREY_FILL}; color: {GREY}; border-radius: 10px; padding: 2px 10px; font-weight: 600;
}}
QLabel#iconBadge {{ background: #e8effd; border-radius: 10px; }}
QLabel#emptyState {{ color: {MUTED}; padding: 16px; }}
QFrame#separator {{ background: #e8ebf1; border: none; }}
QListWidget#typeList {{ background: transparent; border: none; outline: none; }}
"""
    + tab_parts.FORM_SCROLL_STYLE
    + f"""
QComboBox QLineEdit, QSpinBox QLineEdit {{ border: none; padding: 0; background: transparent; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"] {{ border: 1px solid {DANGER}; }}
QPushButton#dangerButton {{ color: {DANGER}; border: 1px solid #efc2bd; background: #ffffff; }}
QPushButton#dangerButton:hover {{ background: #fdecea; }}
"""
)


def new_request_type() -> dict[str, Any]:
    """Return an empty support request type, enabled, with the standard durations."""
    durations = SupportRequestType.model_fields
    action = durations["action_duration"].get_default(call_default_factory=True)
    commit = durations["commit_duration"].get_default(call_default_factory=True)
    return {
        "name": "",
        "enabled": True,
        "ticket_type": "",
        "ticket_category": "",
        "ticket_status": "",
        "ticket_priority": "",
        "assign_to": "",
        "action_duration": action.model_dump(mode="json"),
        "commit_duration": commit.model_dump(mode="json"),
    }


def _duration(raw: Any, fallback: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(fallback)
    if isinstance(raw, Mapping):
        for key in ("length", "unit"):
            if key in raw:
                result[key] = raw[key]
    return result


def read_request_type(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Return one item of ``draft["support_request_types"]`` with every field present."""
    data = new_request_type()
    for key in TEXT_FIELDS:
        value = raw.get(key)
        if value is not None:
            data[key] = str(value)
    if "enabled" in raw:
        data["enabled"] = bool(raw["enabled"])
    data["action_duration"] = _duration(raw.get("action_duration"), data["action_duration"])
    data["commit_duration"] = _duration(raw.get("commit_duration"), data["commit_duration"])
    return data


class ChevronComboBox(QComboBox):
    """A combo box that draws a chevron at its right edge, so it reads as a drop-down under any style."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        guard_wheel(self)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        size = 11
        rect = QRect(self.width() - size - 11, (self.height() - size) // 2, size, size)
        icon("fa6s.chevron-down", color=MUTED if self.isEnabled() else "#b9bfcc").paint(painter, rect)
        painter.end()


class Stepper(QSpinBox):
    """A spin box in the console's field style, with its own small up and down chevrons."""

    STYLE = (
        "QSpinBox { border: 1px solid #c9d0dc; border-radius: 6px; padding: 0 6px; background: #ffffff; }"
        f"QSpinBox:focus {{ border: 1px solid {ACCENT}; }}"
        'QSpinBox[invalid="true"] { border: 1px solid ' + DANGER + "; }"
        "QSpinBox::up-button { subcontrol-origin: border; subcontrol-position: top right;"
        " width: 22px; border: none; }"
        "QSpinBox::down-button { subcontrol-origin: border; subcontrol-position: bottom right;"
        " width: 22px; border: none; }"
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(self.STYLE)
        self.lineEdit().setTextMargins(4, 0, 0, 0)
        guard_wheel(self)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        colour = MUTED if self.isEnabled() else "#b9bfcc"
        size = 9
        x = self.width() - size - 8
        middle = self.height() // 2
        icon("fa6s.chevron-up", color=colour).paint(painter, QRect(x, middle - size - 1, size, size))
        icon("fa6s.chevron-down", color=colour).paint(painter, QRect(x, middle + 1, size, size))
        painter.end()


@dataclass
class _Entry:
    """One support request type being edited, with its shown problems and the fields typed in."""

    data: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)


class RequestTypeDelegate(QStyledItemDelegate):
    """Draws a support request type as a card: name, ticket summary, Enabled/Disabled badge."""

    HEIGHT = 58

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(240, self.HEIGHT)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = tab_parts.paint_card(painter, option)

        base: QFont = option.font
        middle = int(card.center().y())
        right = int(card.right()) - 12
        painter.setPen(Qt.PenStyle.NoPen)
        if index.data(ERROR_ROLE):
            marker = QRect(right - 16, middle - 8, 16, 16)
            icon("fa6s.circle-exclamation", color=DANGER).paint(painter, marker)
            right = marker.left() - 8
        enabled = bool(index.data(ENABLED_ROLE))
        badge_font = QFont(base)
        badge_font.setPointSizeF(max(7.0, base.pointSizeF() - 1.5))
        badge_font.setBold(True)
        metrics = QFontMetrics(badge_font)
        badge_text = "Enabled" if enabled else "Disabled"
        width = metrics.horizontalAdvance(badge_text) + 16
        height = metrics.height() + 4
        badge = QRectF(right - width, middle - height / 2, width, height)
        fill, colour = (GREEN_FILL, GREEN) if enabled else (GREY_FILL, GREY)
        paint_pill(painter, badge, badge_text, badge_font, fill, colour)

        left = int(card.left()) + 14
        text_width = max(10, int(badge.left()) - 10 - left)
        name = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        bold = QFont(base)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() - 1))
        small_metrics = QFontMetrics(small)
        top = middle - (bold_metrics.height() + 2 + small_metrics.height()) // 2
        painter.setFont(bold)
        painter.setPen(QColor(TEXT if name else MUTED))
        shown = bold_metrics.elidedText(name or "New support type", Qt.TextElideMode.ElideRight, text_width)
        painter.drawText(QRect(left, top, text_width, bold_metrics.height()), 0, shown)
        painter.setFont(small)
        painter.setPen(QColor(MUTED))
        subtitle = str(index.data(SUBTITLE_ROLE) or "Ticket not configured yet")
        subtitle = small_metrics.elidedText(subtitle, Qt.TextElideMode.ElideRight, text_width)
        painter.drawText(
            QRect(left, top + bold_metrics.height() + 2, text_width, small_metrics.height()), 0, subtitle
        )
        painter.restore()


class TicketsTab(TabBase):
    """List the support request types; the selected one's ticket configuration shows on the right."""

    TITLE = "Tickets"
    OWNS = ("support_request_types",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketsTab")
        self.setStyleSheet(STYLE)
        self._entries: list[_Entry] = []
        self._syncing = False
        self.text_inputs: dict[str, QLineEdit] = {}
        self.combos: dict[str, QComboBox] = {}
        self.errors: dict[str, FieldError] = {}
        self._invalid_widgets: dict[str, QWidget] = {}

        outer, self.banner = tab_parts.banner_column(self, 12)
        intro = tab_parts.hint_label(
            "Support request types are what subscribers choose from when they open a support request in "
            "the portal; each becomes a ticket with the configuration below. Disabled types are kept but "
            "not offered.",
            self,
        )
        outer.addWidget(intro)
        tab_parts.add_list_and_form(outer, self._build_list_pane(), self._build_form_pane())
        self._refresh_list()
        self._show_row(-1)

    # -- building

    def _build_list_pane(self) -> QFrame:
        pane, layout = tab_parts.list_pane(self, 340)
        title = QLabel("Support request types", pane)
        title.setObjectName("paneTitle")
        self.count_label = QLabel(pane)
        self.count_label.setObjectName("fieldHint")
        layout.addWidget(title)
        layout.addWidget(self.count_label)

        self.list_stack = QStackedWidget(pane)
        self.type_list = QListWidget(pane)
        self.type_list.setObjectName("typeList")
        self.type_list.setAccessibleName("Support request types")
        self.type_list.setItemDelegate(RequestTypeDelegate(self.type_list))
        self.type_list.setMouseTracking(True)
        self.type_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.type_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.type_list.currentRowChanged.connect(self._show_row)
        self.list_empty = QLabel(
            "No support request types yet.\nAdd one so subscribers can open support requests.", pane
        )
        self.list_empty.setObjectName("emptyState")
        self.list_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_empty.setWordWrap(True)
        self.list_stack.addWidget(self.type_list)
        self.list_stack.addWidget(self.list_empty)
        layout.addWidget(self.list_stack, 1)

        self.add_button = QPushButton(icon("fa6s.plus", color="#ffffff"), "Add Support Type", pane)
        self.add_button.setObjectName("primaryButton")
        self.add_button.setAccessibleName("Add Support Type")
        self.add_button.clicked.connect(self.add_type)
        layout.addWidget(self.add_button)
        return pane

    def _build_form_pane(self) -> QFrame:
        pane = tab_parts.form_pane(self, "Select a support request type on the left, or add one.")
        self.form_empty, self.form, form = pane.empty, pane.form, pane.column

        badge = icon_badge(self.form, 44, "fa6s.ticket", 22)
        self.title_label = QLabel(self.form)
        self.title_label.setObjectName("formTitle")
        self.state_badge = QLabel(self.form)
        self.state_badge.setObjectName("stateBadge")
        required_note = QLabel(
            f'Fields marked <span style="color:{DANGER}">*</span> are required.', self.form
        )
        required_note.setObjectName("fieldHint")
        tab_parts.add_form_header(form, badge, self.title_label, self.state_badge, required_note)
        form.addWidget(tab_parts.separator(self.form))

        top = QGridLayout()
        top.setHorizontalSpacing(16)
        top.setVerticalSpacing(4)
        top.setColumnStretch(0, 1)
        name_edit = QLineEdit(self.form)
        name_edit.setMaxLength(TEXT_LIMIT + 20)
        name_edit.setMinimumHeight(32)
        name_edit.setPlaceholderText(PLACEHOLDERS["name"])
        name_edit.setAccessibleName("Name")
        name_edit.textEdited.connect(lambda text: self._on_text_edited("name", text))
        self.text_inputs["name"] = name_edit
        self._place(top, 0, 0, "name", "Name", name_edit)
        self.enabled_switch = ToggleSwitch("Enabled", self.form)
        self.enabled_switch.setAccessibleName("Enabled")
        self.enabled_switch.setToolTip(
            "Subscribers can choose enabled types when they open a support request."
        )
        self.enabled_switch.toggled.connect(self._on_enabled_toggled)
        top.addWidget(self.enabled_switch, 1, 1, Qt.AlignmentFlag.AlignVCenter)
        form.addLayout(top)
        self.enabled_hint = QLabel(self.form)
        self.enabled_hint.setObjectName("fieldHint")
        form.addWidget(self.enabled_hint)

        form.addWidget(tab_parts.separator(self.form))
        section_title = QLabel("Ticket configuration", self.form)
        section_title.setObjectName("sectionTitle")
        form.addWidget(section_title)
        section_hint = tab_parts.hint_label(
            "What the ticket opened from this request looks like. Use the journal types, categories, "
            "statuses and priorities set up in Admin Console Data Management.",
            self.form,
        )
        form.addWidget(section_hint)

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        cells = (
            ("ticket_type", "Ticket type", 0, 0),
            ("ticket_category", "Ticket category", 0, 1),
            ("ticket_status", "Ticket status", 3, 0),
            ("ticket_priority", "Ticket priority", 3, 1),
            ("assign_to", "Assign to user", 6, 0),
        )
        for name, label, row, column in cells:
            combo = self._combo(name, label)
            self._place(grid, row, column, name, label, combo)
        form.addLayout(grid)

        durations = QGridLayout()
        durations.setHorizontalSpacing(16)
        durations.setVerticalSpacing(4)
        durations.setColumnStretch(0, 1)
        durations.setColumnStretch(1, 1)
        self.length_spins: dict[str, QSpinBox] = {}
        self.unit_combos: dict[str, QComboBox] = {}
        for column, (name, label) in enumerate(
            (("action_duration", "Action duration"), ("commit_duration", "Commit duration"))
        ):
            self._place(durations, 0, column, name, label, self._duration_input(name, label), required=True)
        form.addLayout(durations)
        durations_hint = tab_parts.hint_label(
            "The ticket's action and commit dates are this long after the request is opened.", self.form
        )
        form.addWidget(durations_hint)

        form.addWidget(tab_parts.separator(self.form))
        remove_row = QHBoxLayout()
        self.remove_button = QPushButton(
            icon("fa6s.trash-can", color=DANGER), "Remove support type", self.form
        )
        self.remove_button.setObjectName("dangerButton")
        self.remove_button.setAccessibleName("Remove support type")
        self.remove_button.clicked.connect(self.remove_current)
        remove_row.addWidget(self.remove_button)
        remove_row.addStretch(1)
        form.addLayout(remove_row)
        form.addStretch(1)
        return pane.card

    def _place(
        self,
        grid: QGridLayout,
        row: int,
        column: int,
        name: str,
        label: str,
        widget: QWidget,
        *,
        required: bool | None = None,
    ) -> None:
        caption = QLabel(
            tab_parts.required_caption(label) if required or name in REQUIRED else label, self.form
        )
        caption.setObjectName("fieldLabel")
        caption.setTextFormat(Qt.TextFormat.RichText)
        caption.setBuddy(widget)
        error = FieldError(self.form)
        self.errors[name] = error
        self._invalid_widgets[name] = widget
        grid.addWidget(caption, row, column)
        grid.addWidget(widget, row + 1, column)
        grid.addWidget(error, row + 2, column, Qt.AlignmentFlag.AlignTop)
        grid.setRowMinimumHeight(row + 2, 10)

    def _combo(self, name: str, label: str) -> QComboBox:
        combo = ChevronComboBox(self.form)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setMinimumHeight(32)
        combo.setAccessibleName(label)
        combo.addItems(list(SUGGESTIONS[name]))
        combo.setCurrentIndex(-1)
        line = combo.lineEdit()
        assert line is not None  # the combo box is editable
        line.setMaxLength(TEXT_LIMIT + 20)
        line.setPlaceholderText(PLACEHOLDERS[name])
        line.textEdited.connect(lambda text, name=name: self._on_text_edited(name, text))
        combo.activated.connect(
            lambda _row, name=name, combo=combo: self._on_text_edited(name, combo.currentText())
        )
        self.combos[name] = combo
        return combo

    def _duration_input(self, name: str, label: str) -> QWidget:
        box = QWidget(self.form)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        spin = Stepper(box)
        spin.setRange(0, 10000)
        for rule in Duration.model_fields["length"].metadata:
            limit = getattr(rule, "le", None)
            if isinstance(limit, int):
                spin.setMaximum(limit)
        spin.setMinimumHeight(32)
        spin.setMinimumWidth(96)
        spin.setAccessibleName(f"{label} length")
        spin.valueChanged.connect(lambda value, name=name: self._on_duration_changed(name, "length", value))
        unit = ChevronComboBox(box)
        unit.setMinimumHeight(32)
        unit.setAccessibleName(f"{label} unit")
        for value, text in UNIT_LABELS.items():
            unit.addItem(text, value.value)
        unit.currentIndexChanged.connect(
            lambda _row, name=name, unit=unit: self._on_duration_changed(name, "unit", unit.currentData())
        )
        row.addWidget(spin)
        row.addWidget(unit, 1)
        self.length_spins[name] = spin
        self.unit_combos[name] = unit
        return box

    # -- the tab contract

    def load(self, draft: dict[str, Any]) -> None:
        """Show the draft's support request types, keeping the selected row (or selecting the first)."""
        previous = self.type_list.currentRow()
        raw = draft.get("support_request_types")
        items = raw if isinstance(raw, list) else []
        self._entries = [_Entry(read_request_type(item)) for item in items if isinstance(item, Mapping)]
        self.banner.dismiss()
        self._refresh_list()
        row = previous if 0 <= previous < len(self._entries) else (0 if self._entries else -1)
        self.type_list.setCurrentRow(row)
        self._show_row(self.type_list.currentRow())

    def apply(self, draft: dict[str, Any]) -> None:
        """Write every support request type, in list order."""
        draft["support_request_types"] = [self._draft_item(entry.data) for entry in self._entries]

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show ``support_request_types.N.field`` problems at the fields of type N (selecting it)."""
        for entry in self._entries:
            entry.errors = {}
            entry.touched = set()
        general: list[str] = []
        for path, reason in errors.items():
            if not self.owns(path):
                continue
            parts = path.split(".")
            if len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) < len(self._entries):
                self._entries[int(parts[1])].errors.setdefault(parts[2], self._describe(parts[2:], reason))
            elif len(parts) == 2 and parts[1].isdigit() and int(parts[1]) < len(self._entries):
                self._entries[int(parts[1])].errors.setdefault("", sentence("This type", reason))
            else:
                general.append(sentence("The support request types", reason))
        if general:
            self.banner.show_error(" ".join(general))
        else:
            self.banner.dismiss()
        self._refresh_list()
        failing = [row for row, entry in enumerate(self._entries) if entry.errors]
        if failing:
            self.type_list.setCurrentRow(failing[0])
        self._show_row(self.type_list.currentRow())

    # -- what tests and the editor drive

    def add_type(self) -> None:
        """Add an empty support request type and select it, ready for its name."""
        self._entries.append(_Entry(new_request_type()))
        self._refresh_list()
        self.type_list.setCurrentRow(len(self._entries) - 1)
        self.text_inputs["name"].setFocus()
        self.edited.emit()

    def remove_current(self) -> None:
        """Remove the selected type, after confirming when it holds anything."""
        row = self.type_list.currentRow()
        if row < 0:
            return
        data = self._entries[row].data
        if any(str(data[key]).strip() for key in TEXT_FIELDS):
            name = str(data["name"]).strip() or "this support request type"
            question = f"Remove {name}? Subscribers will no longer be able to choose it."
            if not self.confirm("Remove support type", question):
                return
        del self._entries[row]
        self._refresh_list()
        self.type_list.setCurrentRow(min(row, len(self._entries) - 1))
        self._show_row(self.type_list.currentRow())
        self.edited.emit()

    def confirm(self, title: str, question: str) -> bool:
        """Ask the user to confirm; tests replace this."""
        answer = QMessageBox.question(
            self,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def current_row(self) -> int:
        """Return the selected row, or -1."""
        return self.type_list.currentRow()

    def entry_data(self, row: int) -> dict[str, Any]:
        """Return a copy of one type's values as the draft gets them."""
        return self._draft_item(self._entries[row].data)

    # -- reacting to the user

    def _current(self) -> _Entry | None:
        row = self.type_list.currentRow()
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def _on_text_edited(self, name: str, text: str) -> None:
        entry = self._current()
        if entry is None or self._syncing:
            return
        entry.data[name] = text
        self._after_edit(entry, name)

    def _on_enabled_toggled(self, checked: bool) -> None:
        entry = self._current()
        if entry is None or self._syncing:
            return
        entry.data["enabled"] = checked
        self._show_state(entry)
        self._refresh_row(self.type_list.currentRow())
        self.edited.emit()

    def _on_duration_changed(self, name: str, part: str, value: Any) -> None:
        entry = self._current()
        if entry is None or self._syncing:
            return
        entry.data[name] = {**entry.data[name], part: value}
        self._after_edit(entry, name)

    def _after_edit(self, entry: _Entry, name: str) -> None:
        entry.touched.add(name)
        live = self._live_problems(entry)
        for touched in entry.touched:
            if touched in live:
                entry.errors[touched] = live[touched]
            else:
                entry.errors.pop(touched, None)
        entry.errors.pop("", None)
        if name == "name":
            self.title_label.setText(str(entry.data["name"]).strip() or "New support type")
        self._show_field_errors(entry)
        self._refresh_row(self.type_list.currentRow())
        self.edited.emit()

    def _live_problems(self, entry: _Entry) -> dict[str, str]:
        problems: dict[str, str] = {}
        try:
            parse(SupportRequestType, self._draft_item(entry.data))
        except FieldErrors as exc:
            for path, reason in exc.fields.items():
                parts = path.split(".")
                problems.setdefault(parts[0], self._describe(parts, reason))
        name = str(entry.data["name"]).strip().casefold()
        if name and "name" not in problems:
            for other in self._entries:
                if other is not entry and str(other.data["name"]).strip().casefold() == name:
                    problems["name"] = "Another support request type already has this name."
                    break
        return problems

    # -- showing

    def _show_row(self, row: int) -> None:
        entry = self._entries[row] if 0 <= row < len(self._entries) else None
        self.form.setVisible(entry is not None)
        self.form_empty.setVisible(entry is None)
        if entry is None:
            return
        data = entry.data
        syncing, self._syncing = self._syncing, True
        try:
            self.title_label.setText(str(data["name"]).strip() or "New support type")
            self.text_inputs["name"].setText(str(data["name"]))
            for name, combo in self.combos.items():
                value = str(data[name])
                index = combo.findText(value, Qt.MatchFlag.MatchFixedString) if value else -1
                if index >= 0 and combo.itemText(index) == value:
                    combo.setCurrentIndex(index)
                else:
                    combo.setCurrentIndex(-1)
                    combo.setEditText(value)
            self.enabled_switch.setChecked(bool(data["enabled"]))
            for name, spin in self.length_spins.items():
                duration = data[name]
                try:
                    spin.setValue(int(duration.get("length", 0)))
                except (TypeError, ValueError):
                    spin.setValue(0)
                unit = self.unit_combos[name]
                unit.setCurrentIndex(
                    max(0, unit.findData(str(duration.get("unit", DurationUnit.DAYS.value))))
                )
        finally:
            self._syncing = syncing
        self._show_state(entry)
        self._show_field_errors(entry)

    def _show_state(self, entry: _Entry) -> None:
        enabled = bool(entry.data["enabled"])
        self.state_badge.setText("Enabled" if enabled else "Disabled")
        self.state_badge.setProperty("enabled", "true" if enabled else "false")
        self.state_badge.style().unpolish(self.state_badge)
        self.state_badge.style().polish(self.state_badge)
        self.enabled_hint.setText(
            "Subscribers can choose this type when they open a support request."
            if enabled
            else "Disabled: kept in the profile, but subscribers cannot choose it."
        )

    def _show_field_errors(self, entry: _Entry) -> None:
        for name, label in self.errors.items():
            reason = entry.errors.get(name, "")
            label.show_reason(reason)
            widget = self._invalid_widgets[name]
            target = self.length_spins.get(name) if name in self.length_spins else widget
            if target is not None:
                set_invalid(target, bool(reason))
        other = entry.errors.get("", "")
        if other:
            self.banner.show_error(other)

    def _refresh_list(self) -> None:
        row = self.type_list.currentRow()
        blocked = self.type_list.blockSignals(True)
        try:
            self.type_list.clear()
            for _entry in self._entries:
                self.type_list.addItem(QListWidgetItem())
            for index in range(len(self._entries)):
                self._refresh_row(index)
            if 0 <= row < len(self._entries):
                self.type_list.setCurrentRow(row)
        finally:
            self.type_list.blockSignals(blocked)
        self._update_count()
        self.list_stack.setCurrentWidget(self.type_list if self._entries else self.list_empty)

    def _update_count(self) -> None:
        count = len(self._entries)
        enabled = sum(1 for entry in self._entries if entry.data["enabled"])
        self.count_label.setText(
            f"{count} type{'' if count == 1 else 's'}, {enabled} enabled" if count else "None yet"
        )

    def _refresh_row(self, row: int) -> None:
        item = self.type_list.item(row)
        if item is None:
            return
        data = self._entries[row].data
        name = str(data["name"]).strip()
        item.setData(Qt.ItemDataRole.DisplayRole, name)
        item.setData(ENABLED_ROLE, bool(data["enabled"]))
        parts = [
            str(data[key]).strip() for key in ("ticket_type", "ticket_category") if str(data[key]).strip()
        ]
        item.setData(SUBTITLE_ROLE, " · ".join(parts))
        errors = self._entries[row].errors
        item.setData(ERROR_ROLE, bool(errors))
        state = "enabled" if data["enabled"] else "disabled"
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{name or 'New support type'}, {state}")
        item.setToolTip(next(iter(errors.values()), "") if errors else "")
        self._update_count()

    # -- helpers

    @staticmethod
    def _describe(parts: list[str], reason: str) -> str:
        subject = FIELD_NAMES.get(parts[0], parts[0].replace("_", " ").capitalize())
        if len(parts) > 1 and parts[0].endswith("_duration"):
            subject = f"{subject} {parts[1]}"
        return sentence(subject, reason)

    @staticmethod
    def _draft_item(data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "name": data["name"],
            "enabled": bool(data["enabled"]),
            "ticket_type": data["ticket_type"],
            "ticket_category": data["ticket_category"],
            "ticket_status": data["ticket_status"],
            "ticket_priority": data["ticket_priority"],
            "assign_to": data["assign_to"],
            "action_duration": dict(data["action_duration"]),
            "commit_duration": dict(data["commit_duration"]),
        }
