"""The versions table: one row per saved version of a profile, newest first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QFont

from common.schemas import VersionSummary
from desktop_admin.models.read_only_table_model import AnyIndex, ReadOnlyTableModel

COL_NUMBER = 0
COL_WHEN = 1
COL_BY = 2
COL_ACTION = 3
COL_NOTE = 4

HEADERS = {
    COL_NUMBER: "Version",
    COL_WHEN: "When",
    COL_BY: "By",
    COL_ACTION: "What happened",
    COL_NOTE: "Note",
}

VERSION_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's VersionSummary."""
CURRENT_ROLE = Qt.ItemDataRole.UserRole + 2
"""True on the row of the profile's current version."""
ACTION_ROLE = Qt.ItemDataRole.UserRole + 3
"""The server's action code (``create``, ``update``…), for views that draw an icon per action."""

ACTION_WORDS = {
    "create": "Created",
    "update": "Edited",
    "markets": "Markets changed",
    "logo": "Logo changed",
    "restore": "Restored",
    "duplicate": "Duplicated",
}
CURRENT_TEXT = "Current"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FULL_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Clock = Callable[[], datetime]


def _local_now() -> datetime:
    return datetime.now().astimezone()


def describe_action(action: str) -> str:
    """Return what a version's action code means, in words (``markets`` → "Markets changed")."""
    if action in ACTION_WORDS:
        return ACTION_WORDS[action]
    words = action.replace("_", " ").replace(".", " ").strip()
    return words[:1].upper() + words[1:] if words else "Saved"


def describe_actor(label: str) -> str:
    """Return who saved a version: "staff:admin" is "admin", "system:demo" is "System (demo)"."""
    kind, _, name = label.partition(":")
    if not name:
        return label
    if kind == "staff":
        return name
    if kind == "system":
        return "System" if name == "system" else f"System ({name})"
    return f"{name} ({kind})"


def describe_note(note: str) -> str:
    """Return a version's note as a sentence: "+ EAST" → "Added market EAST"."""
    text = note.strip()
    if text.startswith("+ "):
        return f"Added market {text[2:].strip()}"
    if text.startswith("- "):
        return f"Removed market {text[2:].strip()}"
    if text.startswith("restored version "):
        return f"From version {text.removeprefix('restored version ').strip()}"
    text = text.replace("top_bar", "top bar")
    return text[:1].upper() + text[1:]


def format_when(moment: datetime, now: datetime) -> str:
    """Return a moment in local time as people say it: "Today, 14:05", "3 Mar, 09:10", "3 Mar 2025…"."""
    local = moment.astimezone()
    today = now.astimezone().date()
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if local.date() == today:
        return f"Today, {clock}"
    if local.date() == today - timedelta(days=1):
        return f"Yesterday, {clock}"
    day = f"{local.day} {_MONTHS[local.month - 1]}"
    if local.year == today.year:
        return f"{day}, {clock}"
    return f"{day} {local.year}, {clock}"


def format_when_in_full(moment: datetime) -> str:
    """Return a moment in local time in full, with its time zone, for a tooltip."""
    local = moment.astimezone()
    zone = local.tzname() or local.strftime("%z")
    return (
        f"{_WEEKDAYS[local.weekday()]} {local.day} {_FULL_MONTHS[local.month - 1]} {local.year}, "
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d} {zone}"
    )


class VersionsTableModel(ReadOnlyTableModel):
    """A profile's versions in the server's order (newest first); ``set_rows()`` alone changes them.

    ``now`` is the clock that decides what "Today" is; tests pass a fixed one.
    """

    HEADERS = HEADERS

    def __init__(self, parent: QObject | None = None, *, now: Clock | None = None) -> None:
        super().__init__(parent)
        self._rows: list[VersionSummary] = []
        self._current: int | None = None
        self._now: Clock = now or _local_now

    # --- data in and out -------------------------------------------------------------------

    def set_rows(self, rows: list[VersionSummary], current: int | None = None) -> None:
        """Replace every row; ``current`` is the number of the profile's current version."""
        self.beginResetModel()
        self._rows = list(rows)
        self._current = current
        self.endResetModel()

    def rows(self) -> list[VersionSummary]:
        """Return the rows in model order."""
        return list(self._rows)

    def current(self) -> int | None:
        """Return the number of the current version, if known."""
        return self._current

    def numbers(self) -> list[int]:
        """Return the version numbers in model order."""
        return [version.number for version in self._rows]

    def row(self, index: AnyIndex) -> VersionSummary:
        """Return the version at ``index``."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            raise IndexError("no version at that index")
        return self._rows[index.row()]

    def version(self, number: int) -> VersionSummary | None:
        """Return the version with this number, if listed."""
        return next((version for version in self._rows if version.number == number), None)

    def index_of(self, number: int, column: int = COL_NUMBER) -> QModelIndex:
        """Return the index of the version with this number, or an invalid index."""
        for position, version in enumerate(self._rows):
            if version.number == number:
                return self.index(position, column)
        return QModelIndex()

    def previous_number(self, number: int) -> int | None:
        """Return the number of the version saved just before ``number``, if there is one."""
        earlier = [version.number for version in self._rows if version.number < number]
        return max(earlier) if earlier else None

    def is_current(self, number: int) -> bool:
        """Whether ``number`` is the profile's current version."""
        return self._current is not None and number == self._current

    # --- QAbstractTableModel ---------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Return what a column shows for a version."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        version = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(version, column)
        if role == VERSION_ROLE:
            return version
        if role == CURRENT_ROLE:
            return self.is_current(version.number)
        if role == ACTION_ROLE:
            return version.action
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(version, column)
        if role == Qt.ItemDataRole.FontRole and self.is_current(version.number):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self._display(version, column) or ""
            if column == COL_NUMBER:
                text = f"Version {text}" + (", current" if self.is_current(version.number) else "")
            return text
        return None

    def _display(self, version: VersionSummary, column: int) -> str | None:
        if column == COL_NUMBER:
            return str(version.number)
        if column == COL_WHEN:
            return format_when(version.created_at, self._now())
        if column == COL_BY:
            return describe_actor(version.created_by)
        if column == COL_ACTION:
            return describe_action(version.action)
        if column == COL_NOTE:
            return describe_note(version.note)
        return None

    def _tooltip(self, version: VersionSummary, column: int) -> str | None:
        if column == COL_NUMBER:
            if self.is_current(version.number):
                return f"Version {version.number} is the current version: it is what subscribers see."
            return f"Version {version.number}"
        if column == COL_WHEN:
            return format_when_in_full(version.created_at)
        if column == COL_BY:
            kind, _, name = version.created_by.partition(":")
            return f"Staff member {name}" if kind == "staff" and name else describe_actor(version.created_by)
        if column == COL_NOTE and version.note:
            return describe_note(version.note)
        return None
