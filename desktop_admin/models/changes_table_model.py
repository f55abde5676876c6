"""The changes table: the fields that differ between two versions of a profile, before and after."""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont

from common.schemas import FieldChange
from desktop_admin.models.read_only_table_model import AnyIndex, ReadOnlyTableModel

COL_FIELD = 0
COL_BEFORE = 1
COL_AFTER = 2

HEADERS = {COL_FIELD: "Field", COL_BEFORE: "Before", COL_AFTER: "After"}

CHANGE_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's FieldChange."""
FIELD_ROLE = Qt.ItemDataRole.UserRole + 2
"""The field's dotted path as the server names it (``menu.2.label``)."""

VALUE_LIMIT = 72
"""Longer values are shortened in the cell; the tooltip has them in full."""
TOOLTIP_WIDTH = 90
SEPARATOR = " › "
NOT_SET = "Not set"
EMPTY = "Empty"
YES, NO = "Yes", "No"

BEFORE_TINT = QColor("#fdf2f1")
AFTER_TINT = QColor("#eef8f1")
PLACEHOLDER_COLOUR = QColor("#8a92a3")

_WORDS = {"sso": "SSO", "url": "URL", "id": "ID", "sha256": "SHA-256", "ui": "UI"}
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def readable_field(path: str) -> str:
    """Return a field's path as people read it: "menu.2.label" is Menu, item 3, Label (with SEPARATOR)."""
    parts: list[str] = []
    for part in path.split("."):
        if part.isdigit():
            parts.append(f"item {int(part) + 1}")
            continue
        words = [_WORDS.get(word.casefold(), word) for word in part.split("_") if word]
        text = " ".join(words) or part
        parts.append(text[:1].upper() + text[1:])
    return SEPARATOR.join(parts)


def _is_placeholder(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == []


def value_text(value: Any) -> str:
    """Return a value in full: plain text as it is, structures as indented JSON."""
    if _is_structure(value):
        return json.dumps(value, indent=2, ensure_ascii=False) if value else EMPTY
    return _plain(value)


def value_summary(value: Any) -> str:
    """Return a value on one line for a cell, shortened with "…" past ``VALUE_LIMIT`` characters."""
    if _is_structure(value):
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": ")) if value else EMPTY
    else:
        text = " ".join(_plain(value).split()) if isinstance(value, str) else _plain(value)
    if len(text) > VALUE_LIMIT:
        return text[: VALUE_LIMIT - 1].rstrip() + "…"
    return text


def is_shortened(value: Any) -> bool:
    """Whether a cell shows less than the whole value (so its tooltip should show it all)."""
    return value_summary(value) != value_text(value)


def _is_structure(value: Any) -> bool:
    """Dicts, and lists holding dicts or lists, read best as JSON; a list of plain values as a list."""
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and any(isinstance(item, dict | list) for item in value)


def _plain(value: Any) -> str:
    if value is None:
        return NOT_SET
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, str):
        return value if value else EMPTY
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value) if value else EMPTY
    return str(value)


def _tooltip_text(value: Any) -> str:
    text = value_text(value)
    if isinstance(value, str):
        # Plain tooltips never wrap: keep long sentences readable.
        lines = text.splitlines() or [text]
        return "\n".join(textwrap.fill(line, TOOLTIP_WIDTH) if line else line for line in lines)
    return text


class ChangesTableModel(ReadOnlyTableModel):
    """The field-by-field differences between two versions; ``set_rows()`` alone changes them."""

    HEADERS = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[FieldChange] = []
        self._before: int | None = None
        self._after: int | None = None

    # --- data in and out -------------------------------------------------------------------

    def set_rows(
        self, rows: list[FieldChange], before_version: int | None = None, after_version: int | None = None
    ) -> None:
        """Replace every row; the version numbers, when given, title the Before and After columns."""

        self.beginResetModel()
        self._rows = list(rows)
        self._before, self._after = before_version, after_version
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, COL_BEFORE, COL_AFTER)

    def rows(self) -> list[FieldChange]:
        """Return the rows in model order."""
        return list(self._rows)

    def fields(self) -> list[str]:
        """Return the dotted paths of the changed fields, in model order."""
        return [change.field for change in self._rows]

    def versions(self) -> tuple[int | None, int | None]:
        """Return the version numbers compared: (before, after)."""
        return self._before, self._after

    def row(self, index: AnyIndex) -> FieldChange:
        """Return the change at ``index``."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            raise IndexError("no change at that index")
        return self._rows[index.row()]

    # --- QAbstractTableModel ---------------------------------------------------------------

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Return the column titles, naming the versions compared when known."""
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == COL_BEFORE and self._before is not None:
            return f"Before · version {self._before}"
        if section == COL_AFTER and self._after is not None:
            return f"After · version {self._after}"
        return HEADERS.get(section)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Return what a column shows for a changed field."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        change = self._rows[index.row()]
        column = index.column()
        value = change.before if column == COL_BEFORE else change.after
        if role == CHANGE_ROLE:
            return change
        if role == FIELD_ROLE:
            return change.field
        if column == COL_FIELD:
            return self._field_data(change, role)
        if column not in (COL_BEFORE, COL_AFTER):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return value_summary(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip_text(value) if is_shortened(value) else None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            side = "Before" if column == COL_BEFORE else "After"
            return f"{side}: {value_text(value)}"
        if role == Qt.ItemDataRole.BackgroundRole:
            return BEFORE_TINT if column == COL_BEFORE else AFTER_TINT
        if role == Qt.ItemDataRole.ForegroundRole and _is_placeholder(value):
            return PLACEHOLDER_COLOUR
        if role == Qt.ItemDataRole.FontRole and _is_placeholder(value):
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and isinstance(value, str) and _HEX_COLOUR.match(value):
            return QColor(value)
        return None

    @staticmethod
    def _field_data(change: FieldChange, role: int) -> object:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return readable_field(change.field)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{readable_field(change.field)}\n({change.field})"
        return None
