"""Field-by-field comparison of a draft with a profile as the server has it now, and a choice.

Used when a save or a publish meets a version someone else saved in between: the user sees what
differs and chooses whose values to keep; nothing is dropped until they choose.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from common.profile import Profile
from common.profile_diff import diff
from desktop_admin.views import icon
from desktop_admin.views.profile_editor.basic_tab import describe_path
from desktop_admin.views.profile_editor.draft import content_of


def show_value(value: Any) -> str:
    """Return a draft value as the compare dialog shows it."""
    if value is None:
        return "— (default)"
    if isinstance(value, bool):
        return "On" if value else "Off"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) if value else "— (none)"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False) if value else "— (none)"
    text = str(value)
    return text if text else "— (empty)"


class CompareDialog(QDialog):
    """Lists the fields where the draft and the server's current profile differ.

    ``choice`` is ``"keep"`` (write the draft over the server's version), ``"take"`` (load the
    server's version, dropping the draft) or ``""`` when cancelled. ``take_label=None`` leaves the
    second choice out (publishing a bundle has nothing to load theirs into).
    """

    KEEP = "keep"
    TAKE = "take"

    def __init__(
        self,
        mine: dict[str, Any],
        theirs: Profile,
        parent: QWidget | None = None,
        *,
        keep_label: str = "Keep mine (save over theirs)",
        take_label: str | None = "Take theirs",
        mine_label: str = "Yours",
    ) -> None:
        super().__init__(parent)
        self.theirs = theirs
        self.choice = ""
        self.changes = diff(content_of(theirs), mine)
        self.setWindowTitle(f"Compare with version {theirs.version}")
        self.resize(760, 480)
        column = QVBoxLayout(self)
        column.setContentsMargins(22, 18, 22, 16)
        column.setSpacing(10)
        title = QLabel(f"{mine_label} and version {theirs.version}", self)
        title.setObjectName("dialogTitle")
        count = len(self.changes)
        about = QLabel(
            (
                f"Someone saved “{theirs.name}” in the meantime. "
                f"{count} field{'s differ' if count != 1 else ' differs'} between "
                f"{mine_label.lower()} and version {theirs.version}."
            )
            if count
            else f"{mine_label} and version {theirs.version} hold the same values.",
            self,
        )
        about.setObjectName("muted")
        about.setWordWrap(True)
        self.table = QTableWidget(count, 3, self)
        self.table.setObjectName("compareTable")
        self.table.setHorizontalHeaderLabels(["Field", mine_label, f"Theirs (version {theirs.version})"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, change in enumerate(self.changes):
            name = QTableWidgetItem(describe_path(change["field"]))
            name.setToolTip(change["field"])
            font = name.font()
            font.setBold(True)
            name.setFont(font)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(show_value(change["after"])))
            self.table.setItem(row, 2, QTableWidgetItem(show_value(change["before"])))
        self.table.resizeRowsToContents()
        self.keep_button = QPushButton(icon("fa6s.floppy-disk", color="#ffffff"), keep_label, self)
        self.keep_button.setObjectName("primaryButton")
        self.keep_button.clicked.connect(lambda: self._choose(self.KEEP))
        self.take_button = QPushButton(icon("fa6s.cloud-arrow-down"), take_label or "", self)
        self.take_button.setToolTip(f"Load version {theirs.version} and drop your draft")
        self.take_button.clicked.connect(lambda: self._choose(self.TAKE))
        self.take_button.setVisible(take_label is not None)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.take_button)
        buttons.addWidget(self.keep_button)
        column.addWidget(title)
        column.addWidget(about)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)

    @classmethod
    def open_beside(
        cls,
        parent: QWidget,
        mine: dict[str, Any],
        theirs: Profile,
        on_finished: Callable[[CompareDialog], object],
        **labels: Any,
    ) -> CompareDialog:
        """Open the comparison without blocking; ``on_finished(dialog)`` acts on the choice made."""
        dialog = cls(mine, theirs, parent, **labels)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: on_finished(dialog))
        dialog.open()
        return dialog

    def fields(self) -> list[str]:
        """Return the dotted paths of the fields that differ."""
        return [str(change["field"]) for change in self.changes]

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()
