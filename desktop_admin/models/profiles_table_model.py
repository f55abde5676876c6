"""The profiles table: one row per portal profile, plus the proxy that sorts and searches it."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont

from common.schemas import ProfileSummary
from desktop_admin.models.read_only_table_model import AnyIndex, ReadOnlyTableModel

COL_NAME = 0
COL_DESCRIPTION = 1
COL_MARKETS = 2
COL_DEFAULT = 3
COL_UPDATED = 4
COL_ACTIONS = 5
"""Where a view puts its per-row buttons; the model shows nothing there."""

HEADERS = {
    COL_NAME: "Name",
    COL_DESCRIPTION: "Description",
    COL_MARKETS: "Markets",
    COL_DEFAULT: "Default",
    COL_UPDATED: "Last updated",
    COL_ACTIONS: "",
}

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""A value that sorts as people expect: names without case, dates as dates."""
PROFILE_ROLE = Qt.ItemDataRole.UserRole + 2
"""The row's ProfileSummary."""

DEFAULT_BADGE = "Default"
DEFAULT_MARKETS_TEXT = "All other markets"
NO_MARKETS_TEXT = "—"


def format_updated(moment: datetime | None) -> str:
    """Return a timestamp in local time, to the minute, or an empty string."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class ProfilesTableModel(ReadOnlyTableModel):
    """The profiles list; ``set_rows()`` is the only way its data changes."""

    HEADERS = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ProfileSummary] = []

    # --- data in and out -------------------------------------------------------------------

    def set_rows(self, rows: list[ProfileSummary]) -> None:
        """Replace every row."""

        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[ProfileSummary]:
        """Return the rows in model order."""
        return list(self._rows)

    def row(self, index: AnyIndex) -> ProfileSummary:
        """Return the profile at ``index``, an index of this model or of a proxy over it."""
        source = to_source_index(index, self)
        if not source.isValid() or not 0 <= source.row() < len(self._rows):
            raise IndexError("no profile at that index")
        return self._rows[source.row()]

    def index_of(self, profile_id: int, column: int = COL_NAME) -> QModelIndex:
        """Return the index of the profile with this id, or an invalid index."""
        for number, profile in enumerate(self._rows):
            if profile.id == profile_id:
                return self.index(number, column)
        return QModelIndex()

    def names(self) -> list[str]:
        """Return every profile's name."""
        return [profile.name for profile in self._rows]

    # --- QAbstractTableModel ---------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Return what a column shows for a profile."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        profile = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(profile, column)
        if role == SORT_ROLE:
            return self._sort_key(profile, column)
        if role == PROFILE_ROLE:
            return profile
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(profile, column)
        if role == Qt.ItemDataRole.FontRole and column == COL_NAME and profile.is_default:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(profile, column) or HEADERS.get(column, "")
        return None

    @staticmethod
    def _display(profile: ProfileSummary, column: int) -> str | None:
        if column == COL_NAME:
            return profile.name
        if column == COL_DESCRIPTION:
            return profile.description
        if column == COL_MARKETS:
            if profile.markets:
                return ", ".join(profile.markets)
            return DEFAULT_MARKETS_TEXT if profile.is_default else NO_MARKETS_TEXT
        if column == COL_DEFAULT:
            return DEFAULT_BADGE if profile.is_default else ""
        if column == COL_UPDATED:
            return format_updated(profile.updated_at)
        return None

    @staticmethod
    def _sort_key(profile: ProfileSummary, column: int) -> object:
        if column == COL_DESCRIPTION:
            return profile.description.casefold()
        if column == COL_MARKETS:
            return ", ".join(profile.markets).casefold()
        if column == COL_DEFAULT:
            return 0 if profile.is_default else 1
        if column == COL_UPDATED:
            return profile.updated_at.timestamp() if profile.updated_at else 0.0
        return profile.name.casefold()

    @staticmethod
    def _tooltip(profile: ProfileSummary, column: int) -> str | None:
        if column == COL_DESCRIPTION and profile.description:
            return profile.description
        if column == COL_MARKETS:
            if profile.markets:
                return "Subscribers in these markets see this profile: " + ", ".join(profile.markets)
            if profile.is_default:
                return "Subscribers whose market has no profile of its own see the default profile."
            return "No markets yet: no subscriber sees this profile."
        if column == COL_DEFAULT and profile.is_default:
            return "The default profile: it can be edited, renamed and copied, but not removed."
        return None


class ProfilesProxyModel(QSortFilterProxyModel):
    """Sorts by name without regard to case and keeps only the rows matching the search text.

    A row matches when every word of the search occurs in its name, description or markets.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._terms: list[str] = []
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(True)

    def set_search(self, text: str) -> None:
        """Show only the rows matching ``text`` (all rows when it is blank)."""
        terms = text.casefold().split()
        if terms == self._terms:
            return
        self.beginFilterChange()
        self._terms = terms
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def search(self) -> str:
        """Return the search in effect."""
        return " ".join(self._terms)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        """Keep rows whose name, description or markets hold every search word."""
        if not self._terms:
            return True
        source = self.sourceModel()
        profile = source.index(source_row, COL_NAME, source_parent).data(PROFILE_ROLE)
        if not isinstance(profile, ProfileSummary):
            return False
        haystack = " ".join([profile.name, profile.description, *profile.markets]).casefold()
        return all(term in haystack for term in self._terms)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        """Compare by the column's sort key, then by name so equal keys keep a stable order."""
        left_key, right_key = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if left_key != right_key and type(left_key) is type(right_key):
            return bool(left_key < right_key)
        source = self.sourceModel()
        left_name = source.index(left.row(), COL_NAME).data(SORT_ROLE)
        right_name = source.index(right.row(), COL_NAME).data(SORT_ROLE)
        return bool(left_name < right_name)


def to_source_index(index: AnyIndex, source: QAbstractItemModel) -> QModelIndex:
    """Map an index through any chain of proxies down to ``source``."""
    current: QModelIndex
    if isinstance(index, QPersistentModelIndex):
        model = index.model()
        current = model.index(index.row(), index.column()) if model is not None else QModelIndex()
    else:
        current = index
    while current.isValid() and current.model() is not source:
        model = current.model()
        if not isinstance(model, QAbstractProxyModel):
            return QModelIndex()
        current = model.mapToSource(current)
    return current
