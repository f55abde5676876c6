"""The Support Menu tab: the "Need help? Contact support" panel on every portal page."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from common.profile import DEFAULT_SUPPORT_MESSAGE, Support
from desktop_admin.views import MUTED, icon
from desktop_admin.views.profile_editor.basic_tab import CountedText, FormTab, Section

MESSAGING_MAX = 500


class SupportPreview(QFrame):
    """The panel as subscribers see it, redrawn as the fields change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("supportPreview")
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 14, 16, 14)
        column.setSpacing(8)
        heading = QHBoxLayout()
        heading.setSpacing(8)
        badge = QLabel(self)
        badge.setPixmap(icon("fa6s.headset", color="#0b5cad").pixmap(QSize(16, 16)))
        title = QLabel("Need help? Contact support", self)
        title.setObjectName("previewTitle")
        heading.addWidget(badge)
        heading.addWidget(title, 1)
        column.addLayout(heading)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        column.addWidget(self.message)
        self.lines: dict[str, QLabel] = {}
        self.marks: dict[str, QLabel] = {}
        for key, icon_name in (
            ("website", "fa6s.globe"),
            ("phone", "fa6s.phone"),
            ("email", "fa6s.envelope"),
        ):
            row = QHBoxLayout()
            row.setSpacing(8)
            mark = QLabel(self)
            mark.setPixmap(icon(icon_name, color=MUTED).pixmap(QSize(13, 13)))
            text = QLabel(self)
            text.setTextFormat(Qt.TextFormat.RichText)
            row.addWidget(mark)
            row.addWidget(text, 1)
            column.addLayout(row)
            self.lines[key] = text
            self.marks[key] = mark

    def show_support(self, messaging: str, website: str, phone: str, email: str) -> None:
        """Draw the panel for these values; empty contact lines are left out, as in the portal."""
        self.message.setText(messaging.strip() or "—")
        for key, value in (("website", website), ("phone", phone), ("email", email)):
            label = self.lines[key]
            value = value.strip()
            label.setText(f'<span style="color:#0b5cad">{html.escape(value)}</span>')
            label.setVisible(bool(value))
            self.marks[key].setVisible(bool(value))


class SupportTab(FormTab):
    """Messaging, support website, phone and email."""

    TITLE = "Support Menu"
    OWNS = ("support",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        section = Section(
            "Contact support",
            "Shown when subscribers click “Need help? Contact support” in the top bar of every page.",
            self,
        )
        self.messaging_edit = CountedText(MESSAGING_MAX, lines=4, parent=section)
        self.default_text_button = QPushButton(icon("fa6s.rotate-left"), "Use the default text", section)
        self.default_text_button.clicked.connect(
            lambda: self.messaging_edit.setPlainText(DEFAULT_SUPPORT_MESSAGE)
        )
        self.website_edit = QLineEdit(section)
        self.website_edit.setPlaceholderText("https://support.example.com")
        self.phone_edit = QLineEdit(section)
        self.phone_edit.setPlaceholderText("+1 (800) 555-0100")
        self.email_edit = QLineEdit(section)
        self.email_edit.setPlaceholderText("support@example.com")
        for edit in (self.website_edit, self.phone_edit, self.email_edit):
            edit.setMinimumHeight(32)
            edit.setClearButtonEnabled(True)
            edit.textChanged.connect(self._edited)
        self.messaging_edit.textChanged.connect(self._edited)

        messaging = self.field(
            "support.messaging",
            "Messaging",
            self.messaging_edit,
            below=self.messaging_edit.counter,
            hint="Introduces the contact details below.",
        )
        section.add(messaging)
        reset_row = QHBoxLayout()
        reset_row.addWidget(self.default_text_button)
        reset_row.addStretch(1)
        section.body.addLayout(reset_row)
        section.add(
            self.field(
                "support.website", "Website", self.website_edit, hint="Starts with http:// or https://."
            )
        )
        section.add(self.field("support.phone", "Phone", self.phone_edit))
        section.add(self.field("support.email", "Email", self.email_edit))

        preview_section = Section("Preview", "", self)
        self.preview = SupportPreview(preview_section)
        preview_section.add(self.preview)

        row = QHBoxLayout()
        row.setSpacing(16)
        row.addWidget(section, 3)
        row.addWidget(preview_section, 2, Qt.AlignmentFlag.AlignTop)
        self.column.addLayout(row)
        self.column.addStretch(1)

    def load(self, draft: dict[str, Any]) -> None:
        """Show the draft's support panel."""
        support = {**Support().model_dump(mode="json"), **(draft.get("support") or {})}
        with self.loading():
            self.messaging_edit.setPlainText(str(support["messaging"]))
            self.website_edit.setText(str(support["website"]))
            self.phone_edit.setText(str(support["phone"]))
            self.email_edit.setText(str(support["email"]))
        self._update()

    def apply(self, draft: dict[str, Any]) -> None:
        """Write the support panel into the draft."""
        draft["support"] = {
            "messaging": self.messaging_edit.toPlainText(),
            "website": self.website_edit.text(),
            "phone": self.phone_edit.text(),
            "email": self.email_edit.text(),
        }

    def _edited(self, *_args: object) -> None:
        self._update()
        self.changed()

    def _update(self) -> None:
        self.default_text_button.setEnabled(self.messaging_edit.toPlainText() != DEFAULT_SUPPORT_MESSAGE)
        self.preview.show_support(
            self.messaging_edit.toPlainText(),
            self.website_edit.text(),
            self.phone_edit.text(),
            self.email_edit.text(),
        )
