"""The portal menu as a list model: the Menu tab's preview, reorderable by drag and drop."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import qtawesome
from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QIcon

from common.profile import MENU_PAGES, MenuItem, MenuPage, SettingsView, removed_menu_pages

AnyIndex = QModelIndex | QPersistentModelIndex

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
"""The page key (``billing``)."""
CHILDREN_ROLE = Qt.ItemDataRole.UserRole + 2
"""The labels of the page's fixed sub-items, a tuple of str (empty for most pages)."""
LANDING_ROLE = Qt.ItemDataRole.UserRole + 3
"""True on the first row: the page subscribers land on."""
ICON_CODE_ROLE = Qt.ItemDataRole.UserRole + 4
"""The icon code (``fa6s.gear``)."""
ERROR_ROLE = Qt.ItemDataRole.UserRole + 5
"""The first problem found with the item, or an empty string."""
SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 6
"""The preview's second line: the sub-items subscribers see ("" for pages without any)."""

MIME_TYPE = "application/x-portal-menu-rows"
ICON_COLOUR = "#2f6fed"
FALLBACK_ICON = "fa6s.circle-question"

SETTINGS_VIEW_FIELDS: tuple[str, ...] = tuple(SettingsView.model_fields)


def default_settings_view() -> dict[str, bool]:
    """Return the Settings view with everything shown."""
    return {name: bool(value) for name, value in SettingsView().model_dump().items()}


@dataclass
class MenuEntry:
    """One top-level menu item as the tab edits it (values may be invalid while being typed)."""

    key: str
    label: str
    icon: str
    settings_view: dict[str, bool] | None = None
    show_corporate_accounts: bool | None = None
    _page: MenuPage | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._page = MENU_PAGES.get(self.key)
        if self.key == "settings" and self.settings_view is None:
            self.settings_view = default_settings_view()
        if self.key == "account_summary" and self.show_corporate_accounts is None:
            self.show_corporate_accounts = True

    @classmethod
    def from_page(cls, page: MenuPage) -> MenuEntry:
        """Return the page as the out-of-box menu has it: its default label and icon."""
        return cls(key=page.key, label=page.label, icon=page.icon)

    @classmethod
    def from_draft(cls, data: Mapping[str, Any]) -> MenuEntry:
        """Read one item of ``draft["menu"]``; missing options take their defaults."""
        key = str(data.get("key", ""))
        page = MENU_PAGES.get(key)
        label = data.get("label")
        icon = data.get("icon")
        settings_view: dict[str, bool] | None = None
        if key == "settings":
            settings_view = default_settings_view()
            raw = data.get("settings_view")
            if isinstance(raw, Mapping):
                for name in SETTINGS_VIEW_FIELDS:
                    if name in raw:
                        settings_view[name] = bool(raw[name])
        corporate: bool | None = None
        if key == "account_summary":
            raw_corporate = data.get("show_corporate_accounts")
            corporate = True if raw_corporate is None else bool(raw_corporate)
        return cls(
            key=key,
            label=str(label) if label is not None else (page.label if page else key),
            icon=str(icon) if icon is not None else (page.icon if page else FALLBACK_ICON),
            settings_view=settings_view,
            show_corporate_accounts=corporate,
        )

    @property
    def page(self) -> MenuPage | None:
        """Return the catalogue page this item links to (None for a key the catalogue lacks)."""
        return self._page

    @property
    def children(self) -> tuple[str, ...]:
        """Return the labels of the page's fixed sub-items."""
        return tuple(label for _key, label in self._page.children) if self._page else ()

    @property
    def shown_children(self) -> tuple[str, ...]:
        """Return the labels of the sub-items subscribers see (Settings can hide its submenus)."""
        if not self._page:
            return ()
        view = self.settings_view or {}
        return tuple(label for key, label in self._page.children if view.get(key, True))

    def to_draft(self) -> dict[str, Any]:
        """Return the item shaped as ``MenuItem.model_dump(mode="json")``."""
        return {
            "key": self.key,
            "label": self.label,
            "icon": self.icon,
            "settings_view": dict(self.settings_view)
            if self.key == "settings" and self.settings_view is not None
            else None,
            "show_corporate_accounts": self.show_corporate_accounts
            if self.key == "account_summary"
            else None,
        }


class MenuItemsModel(QAbstractListModel):
    """The menu items in display order; rows move by ``moveRows`` (drag and drop, Display Order).

    The first row is the landing page. Items are dragged by row number within one view only, so
    rows are never dropped onto each other, only between them.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[MenuEntry] = []
        self._errors: dict[str, str] = {}
        self._icons: dict[str, QIcon] = {}

    # -- contents

    def set_entries(self, entries: Iterable[MenuEntry]) -> None:
        """Show these items, in order, forgetting any marked problems."""
        self.beginResetModel()
        self._entries = list(entries)
        self._errors = {}
        self.endResetModel()

    def entries(self) -> list[MenuEntry]:
        """Return the items in display order."""
        return list(self._entries)

    def entry(self, row: int) -> MenuEntry:
        """Return the item of a row."""
        return self._entries[row]

    def keys(self) -> list[str]:
        """Return the page keys in display order."""
        return [entry.key for entry in self._entries]

    def row_of(self, key: str) -> int:
        """Return the row of a page, or -1 when it is not in the menu."""
        for row, entry in enumerate(self._entries):
            if entry.key == key:
                return row
        return -1

    def to_draft(self) -> list[dict[str, Any]]:
        """Return ``draft["menu"]``: every item as a MenuItem-shaped dict, in display order."""
        return [entry.to_draft() for entry in self._entries]

    def removed_pages(self) -> list[MenuPage]:
        """Return the catalogue pages not in the menu, which "Add Menu Item" can bring back."""
        present = [MenuItem.model_construct(key=entry.key) for entry in self._entries]
        return removed_menu_pages(present)

    # -- edits

    def set_label(self, row: int, label: str) -> None:
        """Rename an item."""
        self._entries[row].label = label
        self._changed(row)

    def set_icon(self, row: int, code: str) -> None:
        """Give an item another icon; the view redraws it at once."""
        self._entries[row].icon = code
        self._changed(row)

    def set_settings_view(self, row: int, name: str, shown: bool) -> None:
        """Show or hide one part of the subscriber's Settings view (settings item only)."""
        entry = self._entries[row]
        if entry.settings_view is None:
            raise ValueError(f"'{entry.key}' has no Settings view")
        entry.settings_view[name] = shown
        self._changed(row)  # the preview lists only the submenus shown

    def set_show_corporate_accounts(self, row: int, shown: bool) -> None:
        """Show or hide corporate accounts on the Account Summary page (account_summary only)."""
        entry = self._entries[row]
        if entry.key != "account_summary":
            raise ValueError(f"'{entry.key}' has no corporate accounts option")
        entry.show_corporate_accounts = shown

    def append(self, entry: MenuEntry) -> int:
        """Add an item at the end and return its row."""
        row = len(self._entries)
        self.beginInsertRows(QModelIndex(), row, row)
        self._entries.append(entry)
        self.endInsertRows()
        self._landing_may_have_changed()
        return row

    def append_page(self, key: str) -> int:
        """Bring a removed page back at the end with its default label and icon; return its row."""
        if self.row_of(key) >= 0:
            raise ValueError(f"'{key}' is already in the menu")
        page = MENU_PAGES.get(key)
        if page is None:
            raise ValueError(f"'{key}' is not a portal page")
        return self.append(MenuEntry.from_page(page))

    def move(self, row: int, to_row: int) -> bool:
        """Move an item so that it ends up at ``to_row`` (0 is the landing page)."""
        to_row = max(0, min(to_row, len(self._entries) - 1))
        if not 0 <= row < len(self._entries) or row == to_row:
            return False
        destination = to_row + 1 if to_row > row else to_row
        return self.moveRows(QModelIndex(), row, 1, QModelIndex(), destination)

    def removeRows(self, row: int, count: int, parent: AnyIndex | None = None) -> bool:
        if parent is not None and parent.isValid():
            return False
        if count < 1 or row < 0 or row + count > len(self._entries):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        for entry in self._entries[row : row + count]:
            self._errors.pop(entry.key, None)
        del self._entries[row : row + count]
        self.endRemoveRows()
        self._landing_may_have_changed()
        return True

    def moveRows(
        self,
        sourceParent: AnyIndex,
        sourceRow: int,
        count: int,
        destinationParent: AnyIndex,
        destinationChild: int,
    ) -> bool:
        if sourceParent.isValid() or destinationParent.isValid() or count < 1:
            return False
        last = sourceRow + count - 1
        if sourceRow < 0 or last >= len(self._entries):
            return False
        if not 0 <= destinationChild <= len(self._entries):
            return False
        if sourceRow <= destinationChild <= last + 1:
            return False  # onto itself
        if not self.beginMoveRows(QModelIndex(), sourceRow, last, QModelIndex(), destinationChild):
            return False
        moving = self._entries[sourceRow : last + 1]
        del self._entries[sourceRow : last + 1]
        insert_at = destinationChild - count if destinationChild > last else destinationChild
        self._entries[insert_at:insert_at] = moving
        self.endMoveRows()
        self._landing_may_have_changed()
        return True

    # -- problems

    def set_errors(self, errors: Mapping[str, str]) -> None:
        """Mark items by key with the first problem found in them ({} clears every mark)."""
        self._errors = dict(errors)
        if self._entries:
            self.dataChanged.emit(self.index(0), self.index(len(self._entries) - 1), [ERROR_ROLE])

    def set_error(self, key: str, reason: str) -> None:
        """Mark (or with an empty reason, unmark) one item."""
        if reason:
            self._errors[key] = reason
        else:
            self._errors.pop(key, None)
        row = self.row_of(key)
        if row >= 0:
            self._changed(row)

    # -- Qt model interface

    def rowCount(self, parent: AnyIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self._entries)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return entry.label
        if role == Qt.ItemDataRole.DecorationRole:
            return self.icon_for(entry.icon)
        if role == KEY_ROLE:
            return entry.key
        if role == CHILDREN_ROLE:
            return entry.children
        if role == SUBTITLE_ROLE:
            if not entry.children:
                return ""
            return " · ".join(entry.shown_children) or "Submenus hidden"
        if role == LANDING_ROLE:
            return index.row() == 0
        if role == ICON_CODE_ROLE:
            return entry.icon
        if role == ERROR_ROLE:
            return self._errors.get(entry.key, "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index.row(), entry)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            parts = [entry.label or "(no label)"]
            if index.row() == 0:
                parts.append("landing page")
            if entry.children:
                parts.append(f"with {', '.join(entry.children)}")
            return ", ".join(parts)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            # drops land between items (on the list itself), never on an item
            return Qt.ItemFlag.ItemIsDropEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        mime = QMimeData()
        mime.setData(MIME_TYPE, QByteArray(",".join(str(row) for row in rows).encode("ascii")))
        return mime

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        # the view moves rows itself through moveRows; refusing here keeps a failed move from
        # being turned into a copy-and-delete
        return False

    # -- helpers

    def icon_for(self, code: str) -> QIcon:
        """Return the list's icon for a code (a question mark for a code qtawesome cannot draw)."""
        icon = self._icons.get(code)
        if icon is None:
            try:
                icon = qtawesome.icon(code, color=ICON_COLOUR)
            except Exception:  # qtawesome raises several kinds for unknown names
                icon = qtawesome.icon(FALLBACK_ICON, color="#a7adba")
            self._icons[code] = icon
        return icon

    def _tooltip(self, row: int, entry: MenuEntry) -> str:
        lines = []
        if row == 0:
            lines.append("Landing page: subscribers see this page first.")
        if entry.children:
            lines.append("Sub-items: " + ", ".join(entry.children))
        lines.append("Drag to change the order.")
        error = self._errors.get(entry.key)
        if error:
            lines.insert(0, error)
        return "\n".join(lines)

    def _changed(self, row: int) -> None:
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def _landing_may_have_changed(self) -> None:
        if self._entries:
            self.dataChanged.emit(self.index(0), self.index(len(self._entries) - 1), [LANDING_ROLE])
