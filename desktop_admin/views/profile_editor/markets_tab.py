"""The Markets tab: which markets' subscribers see this profile.

Markets are not part of the profile's content: each association or removal is its own call, made
at once (by the editor, which owns the server connection and the profile's version), and only for
a profile that exists on the server.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from common.profile import validate_market
from desktop_admin.views import ACCENT, DANGER, MUTED, FieldError, MessageBanner, icon
from desktop_admin.views.profile_editor.basic_tab import FormTab, Section, set_invalid

MARKET_SOURCE = "Markets are set up in the Admin Console under Data Management › Market Configuration."
ROW_HEIGHT = 42
SAVE_FIRST = (
    "Save the profile first. Markets can be associated once the profile exists: use Save & Complete, "
    "then come back to this tab."
)


class AssociateMarketDialog(QDialog):
    """Asks for one market code, checks it, and hands it to the tab; the server may still refuse."""

    submitted = Signal(str)

    def __init__(self, associated: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Associate Market")
        self.setMinimumWidth(440)
        self._associated: set[str] = set()
        self.set_associated(associated)
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 20, 24, 18)
        column.setSpacing(8)
        title = QLabel("Associate a market", self)
        title.setObjectName("dialogTitle")
        about = QLabel(
            f"Subscribers in the market will see this profile. A market belongs to one profile at most. "
            f"{MARKET_SOURCE}",
            self,
        )
        about.setObjectName("muted")
        about.setWordWrap(True)
        label = QLabel("&Market code", self)
        label.setObjectName("fieldLabel")
        self.market_edit = QLineEdit(self)
        self.market_edit.setPlaceholderText("such as CENTRAL")
        self.market_edit.setMinimumHeight(34)
        self.market_edit.setAccessibleName("Market code")
        label.setBuddy(self.market_edit)
        self.market_error = FieldError(self)
        self.market_edit.textEdited.connect(lambda _text: self._clear_error())
        self.add_button = QPushButton(icon("fa6s.plus", color="#ffffff"), "Add", self)
        self.add_button.setObjectName("primaryButton")
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.add_button)
        column.addWidget(title)
        column.addWidget(about)
        column.addSpacing(8)
        column.addWidget(label)
        column.addWidget(self.market_edit)
        column.addWidget(self.market_error)
        column.addSpacing(8)
        column.addLayout(buttons)

    def submit(self) -> bool:
        """Check the code; when it is fine, hand it over and wait for the answer. True when handed over."""
        try:
            market = validate_market(self.market_edit.text())
        except ValueError as exc:
            self.show_error(f"The market code {exc}.")
            return False
        if market.casefold() in self._associated:
            self.show_error(f"{market} is already associated with this profile.")
            return False
        self._clear_error()
        self.set_working(True)
        self.submitted.emit(market)
        return True

    def set_associated(self, markets: list[str]) -> None:
        """Note the markets the profile has now (they are refused before asking the server)."""
        self._associated = {market.casefold() for market in markets}

    def show_error(self, message: str) -> None:
        """Say why the market was not added, and let the user try again."""
        self.set_working(False)
        self.market_error.show_reason(message)
        set_invalid(self.market_edit, True)
        self.market_edit.setFocus()
        self.market_edit.selectAll()

    def set_working(self, working: bool) -> None:
        """Hold the form still while the server is asked."""
        self.market_edit.setEnabled(not working)
        self.add_button.setEnabled(not working)
        self.add_button.setText("Adding…" if working else "Add")

    def _clear_error(self) -> None:
        self.market_error.show_reason("")
        set_invalid(self.market_edit, False)


class MarketRow(QWidget):
    """One associated market with its Remove link."""

    remove_clicked = Signal(str)

    def __init__(self, market: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.market = market
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 8, 4)
        row.setSpacing(10)
        mark = QLabel(self)
        mark.setPixmap(icon("fa6s.location-dot", color=MUTED).pixmap(QSize(14, 14)))
        self.name_label = QLabel(market, self)
        self.name_label.setObjectName("marketName")
        self.remove_button = QPushButton(icon("fa6s.trash-can", color=DANGER), "Remove", self)
        self.remove_button.setObjectName("rowLinkDanger")
        self.remove_button.setFlat(True)
        self.remove_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.remove_button.setAccessibleName(f"Remove {market}")
        self.remove_button.setToolTip(f"Remove {market} from this profile")
        self.remove_button.setMinimumWidth(self.remove_button.fontMetrics().horizontalAdvance("Remove") + 44)
        self.remove_button.clicked.connect(lambda: self.remove_clicked.emit(self.market))
        row.addWidget(mark)
        row.addWidget(self.name_label, 1)
        row.addWidget(self.remove_button)


class MarketsTab(FormTab):
    """The associated markets, searchable and sortable, with Associate Market and Remove.

    ``add_requested(market)`` and ``remove_requested(market)`` ask the editor to make the call; it
    answers with ``set_markets`` (and ``add_done``), ``add_failed`` or ``show_problem``.
    """

    TITLE = "Markets"
    OWNS = ("markets",)

    add_requested = Signal(str)
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._markets: list[str] = []
        self._saved = False
        self._busy = False
        self.associate_dialog: AssociateMarketDialog | None = None

        section = Section(
            "Associated markets",
            "Subscribers whose market is listed here see this profile; everyone else sees the profile "
            f"of their own market, or the default profile. {MARKET_SOURCE}",
            self,
        )
        self.unsaved_note = QFrame(section)
        self.unsaved_note.setObjectName("noteCard")
        note_row = QHBoxLayout(self.unsaved_note)
        note_row.setContentsMargins(14, 12, 14, 12)
        note_row.setSpacing(10)
        note_icon = QLabel(self.unsaved_note)
        note_icon.setPixmap(icon("fa6s.circle-info", color=ACCENT).pixmap(QSize(18, 18)))
        self.unsaved_label = QLabel(SAVE_FIRST, self.unsaved_note)
        self.unsaved_label.setWordWrap(True)
        note_row.addWidget(note_icon, 0, Qt.AlignmentFlag.AlignTop)
        note_row.addWidget(self.unsaved_label, 1)
        section.add(self.unsaved_note)

        self.manage = QWidget(section)
        manage = QVBoxLayout(self.manage)
        manage.setContentsMargins(0, 0, 0, 0)
        manage.setSpacing(10)
        controls = QHBoxLayout()
        controls.setSpacing(8)
        self.search_edit = QLineEdit(self.manage)
        self.search_edit.setPlaceholderText("Search markets")
        self.search_edit.setAccessibleName("Search markets")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumHeight(32)
        self.search_edit.addAction(
            icon("fa6s.magnifying-glass", color=MUTED), QLineEdit.ActionPosition.LeadingPosition
        )
        self.search_edit.textChanged.connect(lambda _text: self._fill())
        self.sort_button = QToolButton(self.manage)
        self.sort_button.setObjectName("secondaryButton")
        self.sort_button.setCheckable(True)
        self.sort_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.sort_button.setToolTip("Sort A–Z or Z–A")
        self.sort_button.toggled.connect(lambda _on: self._fill())
        self.associate_button = QPushButton(
            icon("fa6s.plus", color="#ffffff"), "Associate Market", self.manage
        )
        self.associate_button.setObjectName("primaryButton")
        self.associate_button.clicked.connect(self.open_associate_dialog)
        controls.addWidget(self.search_edit, 1)
        controls.addWidget(self.sort_button)
        controls.addStretch(0)
        controls.addWidget(self.associate_button)
        manage.addLayout(controls)
        self.problem_banner = MessageBanner(self.manage)
        manage.addWidget(self.problem_banner)
        self.count_label = QLabel(self.manage)
        self.count_label.setObjectName("fieldHint")
        manage.addWidget(self.count_label)
        self.list = QListWidget(self.manage)
        self.list.setObjectName("marketList")
        self.list.setAccessibleName("Associated markets")
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        manage.addWidget(self.list)
        self.empty_label = QLabel(self.manage)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        manage.addWidget(self.empty_label)
        section.add(self.manage)
        errors = FieldError(section)
        self.register("markets", "Markets", self.list, errors)
        section.add(errors)
        self.column.addWidget(section)
        self.column.addStretch(1)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(lambda: self.search_edit.setFocus())
        self._update_sort_button()
        self.set_profile(saved=False, markets=[])

    # --- the contract: markets are not content ---------------------------------------------

    def load(self, draft: dict[str, Any]) -> None:
        """Nothing to show from the draft: markets come with ``set_profile``."""

    def apply(self, draft: dict[str, Any]) -> None:
        """Leave the content alone: markets are saved by their own calls."""

    # --- what the editor tells the tab -----------------------------------------------------

    def set_profile(self, *, saved: bool, markets: list[str], note: str = SAVE_FIRST) -> None:
        """Show a saved profile's markets, or say (``note``) why this profile has none here."""
        self._saved = saved
        self.unsaved_label.setText(note)
        self.unsaved_note.setVisible(not saved)
        self.manage.setVisible(saved)
        self.set_markets(markets)

    def set_markets(self, markets: list[str]) -> None:
        """Show the markets the server says the profile has."""
        self._markets = list(markets)
        if self.associate_dialog is not None:
            self.associate_dialog.set_associated(markets)
        self._fill()

    def set_busy(self, busy: bool) -> None:
        """Hold the buttons while a market call runs."""
        self._busy = busy
        self.associate_button.setEnabled(not busy)
        for row in self._rows():
            row.remove_button.setEnabled(not busy)

    def add_done(self) -> None:
        """Close the dialog after a market was associated."""
        if self.associate_dialog is not None:
            self.associate_dialog.accept()

    def add_failed(self, message: str) -> None:
        """Show why the server refused a market, in the dialog when it is open."""
        if self.associate_dialog is not None:
            self.associate_dialog.show_error(message)
        else:
            self.problem_banner.show_error(message)

    def show_problem(self, message: str) -> None:
        """Show a failed removal (or other trouble) above the list."""
        self.problem_banner.show_error(message)

    # --- what the user does ----------------------------------------------------------------

    def open_associate_dialog(self) -> AssociateMarketDialog:
        """Open Associate Market without blocking."""
        self.problem_banner.dismiss()
        dialog = AssociateMarketDialog(self._markets, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(self.add_requested)
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.associate_dialog = dialog
        dialog.open()
        return dialog

    def request_remove(self, market: str) -> bool:
        """Ask, then ask the editor to remove a market; True when asked."""
        self.problem_banner.dismiss()
        question = (
            f"Remove the market {market} from this profile?\n\n"
            f"Subscribers in {market} will see the default profile unless another profile takes the market."
        )
        if not self.confirm("Remove market", question):
            return False
        self.remove_requested.emit(market)
        return True

    def confirm(self, title: str, question: str) -> bool:
        """Ask a yes/no question; tests replace this to answer without a modal dialog."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, question, parent=self)
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is remove

    def shown_markets(self) -> list[str]:
        """Return the markets the list shows, in order."""
        return [row.market for row in self._rows()]

    def remove_button(self, market: str) -> QPushButton | None:
        """Return a shown market's Remove button."""
        return next((row.remove_button for row in self._rows() if row.market == market), None)

    # --- drawing the list ------------------------------------------------------------------

    def _rows(self) -> list[MarketRow]:
        rows = []
        for index in range(self.list.count()):
            widget = self.list.itemWidget(self.list.item(index))
            if isinstance(widget, MarketRow):
                rows.append(widget)
        return rows

    def _fill(self) -> None:
        search = self.search_edit.text().strip().casefold()
        descending = self.sort_button.isChecked()
        shown = sorted(
            (m for m in self._markets if search in m.casefold()), key=str.casefold, reverse=descending
        )
        self.list.clear()
        for market in shown:
            item = QListWidgetItem(self.list)
            row = MarketRow(market, self.list)
            row.remove_button.setEnabled(not self._busy)
            row.remove_clicked.connect(self.request_remove)
            item.setSizeHint(QSize(200, ROW_HEIGHT))
            self.list.setItemWidget(item, row)
        total = len(self._markets)
        noun = "market" if total == 1 else "markets"
        counted = f"{total} {noun}" if len(shown) == total else f"{len(shown)} of {total} {noun}"
        self.count_label.setText(counted)
        if total == 0:
            self.empty_label.setText(
                "No markets yet. Subscribers see this profile only once a market is associated."
            )
        elif not shown:
            self.empty_label.setText(f"No market matches “{self.search_edit.text().strip()}”.")
        self.empty_label.setVisible(not shown)
        self.list.setVisible(bool(shown))
        # As tall as its rows, up to ten; longer lists scroll.
        self.list.setFixedHeight(min(len(shown), 10) * ROW_HEIGHT + 2 * self.list.frameWidth() + 2)
        self._update_sort_button()

    def _update_sort_button(self) -> None:
        descending = self.sort_button.isChecked()
        self.sort_button.setText("Z–A" if descending else "A–Z")
        self.sort_button.setIcon(
            icon("fa6s.arrow-up-z-a" if descending else "fa6s.arrow-down-a-z", color=MUTED)
        )
        self.sort_button.setAccessibleName(f"Sorted {'Z to A' if descending else 'A to Z'}; click to reverse")

    def _forget_dialog(self, dialog: AssociateMarketDialog) -> None:
        if self.associate_dialog is dialog:
            self.associate_dialog = None
