"""Pieces the console's dialogs share: the header with badge and explanation, the profile chooser."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from common.schemas import ProfileSummary
from desktop_admin.views import MUTED, icon, icon_badge
from desktop_admin.widgets.wheel_guard import guard_wheel


def add_dialog_header(
    layout: QVBoxLayout,
    dialog: QWidget,
    icon_name: str,
    title: str,
    explanation: str,
    *,
    badge_name: str = "tileBadge",
    text_name: str = "muted",
) -> None:
    """Put a dialog's badge, title and one-paragraph explanation at the top of its layout."""
    header = QHBoxLayout()
    header.setSpacing(12)
    badge = icon_badge(dialog, 36, icon_name, 18, name=badge_name)
    heading = QLabel(title, dialog)
    heading.setObjectName("dialogTitle")
    header.addWidget(badge)
    header.addWidget(heading, 1)
    layout.addLayout(header)
    text = QLabel(explanation, dialog)
    text.setObjectName(text_name)
    text.setWordWrap(True)
    layout.addWidget(text)


def profile_chooser(parent: QWidget, object_name: str, accessible_name: str) -> QComboBox:
    """Return an editable drop-down where typing any part of a profile's name finds it."""
    combo = QComboBox(parent)
    guard_wheel(combo)
    combo.setObjectName(object_name)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setMinimumHeight(32)
    combo.setAccessibleName(accessible_name)
    line = combo.lineEdit()
    assert line is not None  # the combo box is editable
    line.setPlaceholderText("Type to find a profile")
    line.addAction(icon("fa6s.magnifying-glass", color=MUTED), QLineEdit.ActionPosition.LeadingPosition)
    return combo


def fill_profile_chooser(combo: QComboBox, profiles: Sequence[ProfileSummary]) -> None:
    """List profiles (in the order given) in a chooser, with nothing chosen yet."""
    combo.blockSignals(True)
    combo.clear()
    for profile in profiles:
        combo.addItem(profile.name, profile.id)
        combo.setItemData(combo.count() - 1, profile.description or profile.name, Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentIndex(-1)
    combo.setEditText("")
    combo.blockSignals(False)
    completer = QCompleter([profile.name for profile in profiles], combo)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)


def add_dialog_buttons(
    layout: QVBoxLayout,
    dialog: QDialog,
    icon_name: str,
    text: str,
    on_submit: Callable[[], object] | None = None,
    *,
    gap: int = 0,
) -> tuple[QPushButton, QPushButton]:
    """Put Cancel and the dialog's primary (default) button at the bottom; return (cancel, primary)."""
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    cancel = QPushButton("Cancel", dialog)
    cancel.clicked.connect(dialog.reject)
    primary = QPushButton(icon(icon_name, color="#ffffff"), text, dialog)
    primary.setObjectName("primaryButton")
    primary.setDefault(True)
    if on_submit is not None:
        primary.clicked.connect(on_submit)
    buttons.addWidget(cancel)
    buttons.addWidget(primary)
    if gap:
        layout.addSpacing(gap)
    layout.addLayout(buttons)
    return cancel, primary
