"""What the console window's pages share: their header, message banner, tables and failed calls."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from common.schemas import ProfileList
from desktop_admin.api import ApiClient, ApiError
from desktop_admin.views import MessageBanner
from desktop_admin.workers import BackgroundRunner


def read_only_table(name: str, accessible: str, parent: QWidget, *, row_height: int) -> QTableView:
    """Return a table of whole-row selection and no editing, in the console's look."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(row_height)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setMinimumSectionSize(60)
    return table


class ConsolePage(QWidget):
    """A page of the console window whose server calls run on the window's worker thread.

    ``status_message(str)`` says what happened; ``session_ended(str)`` fires when the server no
    longer accepts the sign-in. A page builds itself with ``_start_layout`` and ``_add_banner``.
    """

    status_message = Signal(str)
    session_ended = Signal(str)

    banner: MessageBanner

    def __init__(self, client: ApiClient, runner: BackgroundRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._runner = runner
        self._listing_profiles = False

    def _start_layout(self, title: str, caption: str) -> QVBoxLayout:
        """Lay the page out as a column under its title and caption; return the column."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 20)
        layout.setSpacing(10)
        title_label = QLabel(title, self)
        title_label.setObjectName("pageTitle")
        intro = QLabel(caption, self)
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        layout.addWidget(title_label)
        layout.addWidget(intro)
        layout.addSpacing(6)
        return layout

    def _add_banner(self, layout: QVBoxLayout) -> None:
        """Add the page's message banner (``self.banner``) at this point of the column."""
        self.banner = MessageBanner(self)
        layout.addWidget(self.banner)

    def _list_profiles(
        self, on_success: Callable[[ProfileList], None], on_failure: Callable[[ApiError], None]
    ) -> None:
        """List the profiles by name on the worker thread, unless a listing is already under way."""
        if self._listing_profiles:
            return
        self._listing_profiles = True

        def listed(listing: ProfileList) -> None:
            self._listing_profiles = False
            on_success(listing)

        def failed(error: ApiError) -> None:
            self._listing_profiles = False
            on_failure(error)

        client = self._client
        self._runner.run(
            lambda: client.list_profiles(sort="name"),
            on_success=listed,
            on_failure=failed,
            busy_text="Loading profiles…",
        )

    def _show_failure(self, error: ApiError) -> None:
        """End the session when the sign-in is no longer accepted; otherwise show the error."""
        if error.is_auth:
            self.session_ended.emit(error.message)
            return
        self.banner.show_error(error.message)
