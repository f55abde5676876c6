"""The icon catalogue as a list model, and a proxy that filters it by search words."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import qtawesome
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QIcon

from common.icons import catalogue

IconFactory = Callable[[str], QIcon]
AnyIndex = QModelIndex | QPersistentModelIndex

CODE_ROLE = Qt.ItemDataRole.UserRole


def qtawesome_icon(code: str) -> QIcon:
    """Return the qtawesome icon for a catalogue code such as ``fa6s.house``."""
    icon: QIcon = qtawesome.icon(code)
    return icon


class IconListModel(QAbstractListModel):
    """Every icon code, sorted: the name shows, the code is the tooltip and UserRole, icons come lazily.

    An icon is made the first time a view asks for its decoration (a list view with uniform item
    sizes asks only for the items it paints) and kept, so scrolling back costs nothing.
    """

    def __init__(
        self,
        codes: Iterable[str] | None = None,
        *,
        icon_factory: IconFactory = qtawesome_icon,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._codes: tuple[str, ...] = tuple(sorted(catalogue() if codes is None else codes))
        self._rows = {code: row for row, code in enumerate(self._codes)}
        self._icon_factory = icon_factory
        self._icons: dict[str, QIcon] = {}

    def rowCount(self, parent: AnyIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self._codes)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._codes):
            return None
        code = self._codes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return code.partition(".")[2]
        if role in (Qt.ItemDataRole.ToolTipRole, CODE_ROLE):
            return code
        if role == Qt.ItemDataRole.DecorationRole:
            return self.icon_for(code)
        return None

    def codes(self) -> tuple[str, ...]:
        """Return every code, in row order."""
        return self._codes

    def code_at(self, row: int) -> str:
        """Return the code of a row."""
        return self._codes[row]

    def row_of(self, code: str) -> int:
        """Return the row of a code, or -1 when the model does not hold it."""
        return self._rows.get(code, -1)

    def icon_for(self, code: str) -> QIcon:
        """Return a code's icon, making it on first use."""
        icon = self._icons.get(code)
        if icon is None:
            icon = self._icons[code] = self._icon_factory(code)
        return icon

    def icons_made(self) -> int:
        """Return how many icons have been made so far."""
        return len(self._icons)


class IconFilterModel(QSortFilterProxyModel):
    """Keep the icons whose code holds every search word, ignoring case."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._text = ""
        self._icon_model: IconListModel | None = None

    def setSourceModel(self, source_model: QAbstractItemModel) -> None:
        # the filter reads codes straight from an IconListModel: no index or variant per row
        self._icon_model = source_model if isinstance(source_model, IconListModel) else None
        super().setSourceModel(source_model)

    def search_text(self) -> str:
        """Return the search text in force."""
        return self._text

    def set_search_text(self, text: str) -> None:
        """Filter by text: an icon stays when every word of it appears in the code."""
        words = tuple(text.lower().split())
        self._text = text
        if words == self._words:
            return
        self.beginFilterChange()
        self._words = words
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._words:
            return True
        if self._icon_model is not None:
            code = self._icon_model.code_at(source_row)
        else:
            code = str(self.sourceModel().index(source_row, 0, source_parent).data(CODE_ROLE)).lower()
        return all(word in code for word in self._words)

    def code_at(self, row: int) -> str:
        """Return the code shown in a row of this (filtered) model."""
        return str(self.index(row, 0).data(CODE_ROLE))

    def row_of(self, code: str) -> int:
        """Return the filtered row of a code, or -1 when it is filtered out or unknown."""
        if self._icon_model is None:
            return -1
        source_row = self._icon_model.row_of(code)
        if source_row < 0:
            return -1
        return self.mapFromSource(self._icon_model.index(source_row, 0)).row()
