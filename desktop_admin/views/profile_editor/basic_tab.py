"""The Basic Info tab, and the form parts the editor's own tabs are built from.

The parts: ``ToggleSwitch`` (a check box drawn as a switch), ``Section`` (a titled card of fields),
and ``FormTab`` (a tab that registers its fields by dotted path, so field errors from the shared
validation or from the server land under the right field).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_admin.views import ACCENT, DANGER, MUTED, TEXT, FieldError
from desktop_admin.views.profile_editor.tab import TabBase

NAME_MAX = 80
DESCRIPTION_MAX = 500


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Mark a field as holding a bad value (the editor's style sheet draws it in red)."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def sentence(label: str, reason: str) -> str:
    """Return a field's problem as a sentence: ``Email must be an email address…``."""
    text = f"{label} {reason}".strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def describe_path(path: str) -> str:
    """Return a dotted field path as people read it (``settings.top_bar_color``: Settings, Top bar color)."""
    parts = []
    for part in path.split("."):
        if part.isdigit():
            parts.append(f"#{int(part) + 1}")
        else:
            words = part.replace("_", " ").strip()
            parts.append(words[:1].upper() + words[1:])
    return " › ".join(parts)


class ToggleSwitch(QCheckBox):
    """A check box drawn as an on/off switch, with its label to the right.

    It stays a QCheckBox underneath, so the keyboard, ``toggled`` and screen readers work as usual.
    """

    TRACK_WIDTH = 36
    TRACK_HEIGHT = 20
    GAP = 10

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        width = self.TRACK_WIDTH + (self.GAP + metrics.horizontalAdvance(self.text()) if self.text() else 0)
        return QSize(width + 4, max(self.TRACK_HEIGHT + 6, metrics.height() + 6))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        enabled = self.isEnabled()
        top = (self.height() - self.TRACK_HEIGHT) / 2
        track = QRectF(1, top, self.TRACK_WIDTH, self.TRACK_HEIGHT)
        on = self.isChecked()
        colour = QColor(ACCENT if on else "#b8c0cf")
        if not enabled:
            colour.setAlpha(110)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(track, self.TRACK_HEIGHT / 2, self.TRACK_HEIGHT / 2)
        if self.hasFocus():
            painter.setPen(QPen(QColor(ACCENT), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(
                track.adjusted(-2, -2, 2, 2), self.TRACK_HEIGHT / 2 + 2, self.TRACK_HEIGHT / 2 + 2
            )
        knob = self.TRACK_HEIGHT - 6
        x = track.right() - knob - 3 if on else track.left() + 3
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(QRectF(x, top + 3, knob, knob))
        if self.text():
            painter.setPen(QColor(TEXT if enabled else "#a7adba"))
            painter.setFont(self.font())
            text_rect = self.rect().adjusted(self.TRACK_WIDTH + self.GAP + 2, 0, 0, 0)
            painter.drawText(
                text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.text()
            )
        painter.end()


class Section(QFrame):
    """A white card with a title, an optional explanation, and fields below."""

    def __init__(self, title: str, description: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editorSection")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 18)
        outer.setSpacing(4)
        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("sectionTitle")
        outer.addWidget(self.title_label)
        if description:
            about = QLabel(description, self)
            about.setObjectName("sectionHint")
            about.setWordWrap(True)
            outer.addWidget(about)
        outer.addSpacing(8)
        self.body = QVBoxLayout()
        self.body.setSpacing(14)
        outer.addLayout(self.body)

    def add(self, widget: QWidget) -> QWidget:
        """Add a widget under the previous one."""
        self.body.addWidget(widget)
        return widget


class Field(QWidget):
    """A label, the input, an optional hint and the input's error line, one above the other."""

    def __init__(
        self,
        label: str,
        widget: QWidget,
        *,
        hint: str = "",
        trailing: QWidget | None = None,
        below: QWidget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.widget = widget
        self.label_text = label
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self.label = QLabel(label, self)
        self.label.setObjectName("fieldLabel")
        self.label.setBuddy(widget)
        column.addWidget(self.label)
        if trailing is None:
            column.addWidget(widget)
        else:
            row = QHBoxLayout()
            row.setSpacing(8)
            row.addWidget(widget, 1)
            row.addWidget(trailing, 0, Qt.AlignmentFlag.AlignTop)
            column.addLayout(row)
        if below is not None:
            column.addWidget(below)
        self.hint = QLabel(hint, self)
        self.hint.setObjectName("fieldHint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        column.addWidget(self.hint)
        self.error = FieldError(self)
        column.addWidget(self.error)
        widget.setAccessibleName(label)


class FormTab(TabBase):
    """A tab of fields registered by dotted path, so each error shows under its own field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._fields: list[tuple[str, str, QWidget, FieldError]] = []
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(16)
        self.other_errors = QLabel(self)
        self.other_errors.setObjectName("tabErrors")
        self.other_errors.setWordWrap(True)
        self.other_errors.setVisible(False)
        self.column.addWidget(self.other_errors)

    # --- building --------------------------------------------------------------------------

    def register(self, path: str, label: str, widget: QWidget, error: FieldError) -> None:
        """Route errors at ``path`` (and below it) to ``error``, marking ``widget``."""
        self._fields.append((path, label, widget, error))

    def field(self, path: str, label: str, widget: QWidget, **options: Any) -> Field:
        """Return a labelled field for ``widget`` whose errors are those at ``path``."""
        made = Field(label, widget, **options)
        self.register(path, label, widget, made.error)
        return made

    def changed(self, *_args: object) -> None:
        """Tell the editor the user changed something (never while loading)."""
        if not self._loading:
            self.edited.emit()

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Fill the fields without reporting edits."""
        self._loading = True
        try:
            yield
        finally:
            self._loading = False

    # --- errors ----------------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show the errors this tab owns under their fields; the rest of its errors go on top."""
        owned = {path: reason for path, reason in errors.items() if self.owns(path)}
        placed: set[str] = set()
        for path, label, widget, error in self._fields:
            matching = [p for p in owned if p == path or p.startswith(path + ".")]
            placed.update(matching)
            if not matching:
                error.show_reason("")
                set_invalid(widget, False)
                continue
            first = matching[0]
            reason = owned[first]
            if first != path:
                reason = f"{describe_path(first[len(path) + 1 :]).lower()} {reason}"
            error.show_reason(sentence(label, reason))
            set_invalid(widget, True)
        rest = [f"{describe_path(p)}: {owned[p]}" for p in owned if p not in placed]
        self.other_errors.setText("\n".join(rest))
        self.other_errors.setVisible(bool(rest))

    def error_text(self, path: str) -> str:
        """Return the problem shown under the field registered at ``path`` ("" when there is none)."""
        return next((error.text() for p, _label, _widget, error in self._fields if p == path), "")

    def invalid_widgets(self) -> list[QWidget]:
        """Return the fields marked as holding bad values, in form order."""
        return [widget for _path, _label, widget, _error in self._fields if widget.property("invalid")]

    def focus_first_error(self) -> QWidget | None:
        """Put the cursor in the first bad field and return it."""
        widgets = self.invalid_widgets()
        if widgets:
            widgets[0].setFocus(Qt.FocusReason.OtherFocusReason)
            return widgets[0]
        return None


class CountedText(QPlainTextEdit):
    """A short multi-line text with a "12 / 500" count below it."""

    def __init__(self, limit: int, lines: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.setTabChangesFocus(True)
        line = self.fontMetrics().lineSpacing()
        self.setFixedHeight(line * lines + 18)
        self.counter = QLabel(self)
        self.counter.setObjectName("fieldHint")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.textChanged.connect(self._count)
        self._count()

    def _count(self) -> None:
        used = len(self.toPlainText().strip())
        self.counter.setText(f"{used} / {self.limit}")
        self.counter.setStyleSheet(f"color: {DANGER};" if used > self.limit else f"color: {MUTED};")


class BasicTab(FormTab):
    """Name (required, unique) and description."""

    TITLE = "Basic Info"
    OWNS = ("name", "description")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        section = Section(
            "Profile",
            "A unique name tells this profile apart in the Profiles list; the description says whom it "
            "serves.",
            self,
        )
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("A unique name, such as Retail East")
        self.name_edit.setMaxLength(NAME_MAX + 20)  # room to see "too long" rather than silent cutting
        self.name_edit.setMinimumHeight(34)
        self.name_edit.textChanged.connect(self.changed)
        section.add(
            self.field("name", "Name", self.name_edit, hint=f"Required, at most {NAME_MAX} characters.")
        )

        self.description_edit = CountedText(DESCRIPTION_MAX, lines=4, parent=self)
        self.description_edit.setPlaceholderText("Optional: which subscribers or markets this profile is for")
        self.description_edit.textChanged.connect(self.changed)
        section.add(
            self.field(
                "description", "Description", self.description_edit, below=self.description_edit.counter
            )
        )
        self.column.addWidget(section)
        self.column.addStretch(1)

    def load(self, draft: dict[str, Any]) -> None:
        """Show the draft's name and description."""
        with self.loading():
            self.name_edit.setText(str(draft.get("name") or ""))
            self.description_edit.setPlainText(str(draft.get("description") or ""))

    def apply(self, draft: dict[str, Any]) -> None:
        """Write the name and description into the draft."""
        draft["name"] = self.name_edit.text()
        draft["description"] = self.description_edit.toPlainText()
