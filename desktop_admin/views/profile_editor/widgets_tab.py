"""The Home Widgets tab: which widgets the portal's landing page shows."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from common.profile import HOME_WIDGET_LABELS, HomeWidgets
from desktop_admin.views.profile_editor.basic_tab import FormTab, Section, ToggleSwitch


class WidgetsTab(FormTab):
    """A switch per landing-page widget."""

    TITLE = "Home Widgets"
    OWNS = ("home_widgets",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        section = Section(
            "Landing page widgets",
            "Subscribers land on the first page of the menu; these widgets appear on it. "
            "Turn each one on or off.",
            self,
        )
        self.count_label = QLabel(section)
        self.count_label.setObjectName("fieldHint")
        section.add(self.count_label)
        self.switches: dict[str, ToggleSwitch] = {}
        for key, label in HOME_WIDGET_LABELS.items():
            switch = ToggleSwitch(label, section)
            switch.toggled.connect(self._toggled)
            self.switches[key] = switch
            section.add(switch)
        self.column.addWidget(section)
        self.column.addStretch(1)

    def load(self, draft: dict[str, Any]) -> None:
        """Show which widgets the draft turns on."""
        shown = {**HomeWidgets().model_dump(mode="json"), **(draft.get("home_widgets") or {})}
        with self.loading():
            for key, switch in self.switches.items():
                switch.setChecked(bool(shown.get(key)))
        self._count()

    def apply(self, draft: dict[str, Any]) -> None:
        """Write the widget switches into the draft."""
        draft["home_widgets"] = {key: switch.isChecked() for key, switch in self.switches.items()}

    def _toggled(self, _checked: bool) -> None:
        self._count()
        self.changed()

    def _count(self) -> None:
        on = sum(switch.isChecked() for switch in self.switches.values())
        self.count_label.setText(f"{on} of {len(self.switches)} widgets shown")
