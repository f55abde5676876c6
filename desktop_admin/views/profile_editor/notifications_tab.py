"""The Notifications tab: which template each subscriber email uses."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from common.profile import NOTIFICATION_TEMPLATES, NotificationKind, Notifications
from desktop_admin.views.profile_editor.basic_tab import FormTab, Section
from desktop_admin.widgets.wheel_guard import guard_wheel

KIND_LABELS = {
    NotificationKind.REGISTRATION: "Account registration",
    NotificationKind.PASSWORD_RESET: "Request password reset",
    NotificationKind.PASSWORD_CHANGED: "Password changed",
    NotificationKind.ACCOUNT_CHANGED: "Account information changed",
}


class NotificationsTab(FormTab):
    """One template choice per kind of email the portal sends."""

    TITLE = "Notifications"
    OWNS = ("notifications",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        section = Section(
            "Email templates",
            "The portal emails subscribers when they register, ask for a password reset, change their "
            "password or change their account details. Templates are written and managed in the "
            "Communications module; choose which one each email uses.",
            self,
        )
        self.combos: dict[str, QComboBox] = {}
        for kind in NotificationKind:
            combo = QComboBox(section)
            guard_wheel(combo)
            combo.setObjectName("editorCombo")
            combo.setMinimumHeight(32)
            combo.setMinimumWidth(360)
            combo.setMaximumWidth(560)
            for template, label in NOTIFICATION_TEMPLATES[kind].items():
                combo.addItem(label, template)
                combo.setItemData(combo.count() - 1, template, Qt.ItemDataRole.ToolTipRole)
            combo.currentIndexChanged.connect(self.changed)
            self.combos[kind.value] = combo
            section.add(self.field(f"notifications.{kind.value}", KIND_LABELS[kind], combo))
        self.column.addWidget(section)
        self.column.addStretch(1)

    def load(self, draft: dict[str, Any]) -> None:
        """Show the draft's template choices."""
        chosen = {**Notifications().model_dump(mode="json"), **(draft.get("notifications") or {})}
        with self.loading():
            for kind, combo in self.combos.items():
                template = str(chosen[kind])
                index = combo.findData(template)
                if index < 0:
                    # A template this console does not know: show it rather than silently replace it.
                    combo.addItem(f"{template} (unknown template)", template)
                    index = combo.count() - 1
                combo.setCurrentIndex(index)

    def apply(self, draft: dict[str, Any]) -> None:
        """Write the template choices into the draft."""
        draft["notifications"] = {kind: str(combo.currentData()) for kind, combo in self.combos.items()}
