"""The Chat tab: TeamSupport chat on the portal's pages, set up on saved profiles only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from common.profile import Chat
from common.validation import FieldErrors, parse
from desktop_admin.views import ACCENT, DANGER, MUTED, TEXT, FieldError, icon
from desktop_admin.views.profile_editor.basic_tab import ToggleSwitch, set_invalid
from desktop_admin.views.profile_editor.tab import TabBase, sentence
from desktop_admin.views.profile_editor.tab_parts import section_card
from desktop_admin.views.profile_editor.tickets_tab import ChevronComboBox

TEAMSUPPORT = "teamsupport"
PROVIDERS: tuple[tuple[str, str | None], ...] = (("None", None), ("TeamSupport", TEAMSUPPORT))
WIDGET_ID_LIMIT = 64
UNSAVED = "Save the profile first to set up chat. Chat can only be set up on a profile that has been saved."
WIDGET_NAMES = {
    "widget_id": "The widget ID",
    "public_widget_id": "The widget ID for non-authenticated pages",
}
GREEN = "#1e7b34"

STYLE = f"""
QFrame#editorSection {{ background: #ffffff; border: 1px solid #dfe3ea; border-radius: 10px; }}
QLabel#sectionTitle {{ font-size: 12pt; font-weight: 600; color: {TEXT}; }}
QLabel#fieldLabel {{ font-weight: 600; color: {TEXT}; }}
QLabel#fieldHint, QLabel#sectionHint {{ color: {MUTED}; }}
QLabel#widgetOk {{ color: {GREEN}; }}
QFrame#notice {{ background: #e8f0fe; border: 1px solid #c3d5fb; border-radius: 8px; }}
QLabel#noticeText {{ color: {TEXT}; }}
QFrame#separator {{ background: #e8ebf1; border: none; }}
QFrame#nested {{ border: none; border-left: 2px solid #d5dbe5; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"] {{ border: 1px solid {DANGER}; }}
QPushButton#disableButton {{
    background: {DANGER}; color: #ffffff; border: 1px solid {DANGER}; border-radius: 6px;
    padding: 6px 16px; font-weight: 600;
}}
QPushButton#disableButton:hover {{ background: #93201a; }}
QPushButton#disableButton:disabled {{ background: #e6a9a4; border-color: #e6a9a4; }}
"""


def widget_id_problems(chat: dict[str, Any]) -> dict[str, str]:
    """Return {field: sentence} for what ``common.profile.Chat`` refuses in chat settings."""
    try:
        parse(Chat, chat)
    except FieldErrors as exc:
        problems: dict[str, str] = {}
        for path, reason in exc.fields.items():
            field = path.split(".", 1)[0]
            problems[field if field in WIDGET_NAMES else ""] = sentence(
                WIDGET_NAMES.get(field, "The chat settings"), reason
            )
        return problems
    return {}


class WidgetIdInput(QWidget):
    """A widget ID field with its label, a hint, and a line saying whether the ID is usable."""

    def __init__(self, label: str, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        caption = QLabel(f'{label} <span style="color:{DANGER}">*</span>', self)
        caption.setObjectName("fieldLabel")
        self.edit = QLineEdit(self)
        self.edit.setAccessibleName(label)
        self.edit.setMinimumHeight(32)
        self.edit.setMaximumWidth(460)
        self.edit.setMaxLength(WIDGET_ID_LIMIT + 16)
        self.edit.setPlaceholderText("For example: 4f1c2a9e-7b3d-4c55-9d2e-0a6b8c1f3e27")
        self.edit.setClearButtonEnabled(True)
        caption.setBuddy(self.edit)
        self.hint = QLabel(hint, self)
        self.hint.setObjectName("fieldHint")
        self.hint.setWordWrap(True)
        self.ok = QLabel(self)
        self.ok.setObjectName("widgetOk")
        self.ok.setVisible(False)
        self.error = FieldError(self)
        column.addWidget(caption)
        column.addWidget(self.edit)
        column.addWidget(self.ok)
        column.addWidget(self.error)
        column.addWidget(self.hint)

    def text(self) -> str:
        """Return the ID as typed, trimmed."""
        return self.edit.text().strip()

    def show_state(self, problem: str, checked: bool) -> None:
        """Show a problem, or (once checked) that the ID is well formed, or nothing."""
        self.error.show_reason(problem)
        set_invalid(self.edit, bool(problem))
        good = checked and not problem and bool(self.text())
        self.ok.setText("✓ Widget ID is well formed." if good else "")
        self.ok.setVisible(good)


class ChatTab(TabBase):
    """Choose the chat provider and, for TeamSupport, the widget IDs for signed-in and public pages."""

    TITLE = "Chat"
    OWNS = ("chat",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatTab")
        self.setStyleSheet(STYLE)
        self._syncing = False
        self._saved = True
        self._checked: set[str] = set()
        self._errors: dict[str, str] = {}

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)
        self.notice = self._build_notice()
        column.addWidget(self.notice)
        self.section = self._build_section()
        column.addWidget(self.section)
        column.addStretch(1)
        self._update_visibility()

    # -- building

    def _build_notice(self) -> QFrame:
        notice = QFrame(self)
        notice.setObjectName("notice")
        row = QHBoxLayout(notice)
        row.setContentsMargins(14, 10, 14, 10)
        row.setSpacing(10)
        mark = QLabel(notice)
        mark.setPixmap(icon("fa6s.circle-info", color=ACCENT).pixmap(QSize(18, 18)))
        self.notice_label = QLabel(UNSAVED, notice)
        self.notice_label.setObjectName("noticeText")
        self.notice_label.setWordWrap(True)
        row.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.notice_label, 1)
        notice.setVisible(False)
        return notice

    def _build_section(self) -> QFrame:
        section, layout = section_card(
            self,
            "Chat provider",
            "Subscribers can chat with your support team from a bubble on every portal page. "
            "TeamSupport is the only supported provider; for another one, contact your Account Manager.",
        )

        provider_label = QLabel("Provider", section)
        provider_label.setObjectName("fieldLabel")
        self.provider_combo = ChevronComboBox(section)
        self.provider_combo.setObjectName("chatProviderCombo")
        self.provider_combo.setAccessibleName("Chat provider")
        self.provider_combo.setMinimumHeight(32)
        self.provider_combo.setFixedWidth(260)
        for text, value in PROVIDERS:
            self.provider_combo.addItem(text, value)
        self.provider_combo.activated.connect(self._on_provider_chosen)
        provider_label.setBuddy(self.provider_combo)
        self.provider_error = FieldError(section)
        self.off_hint = QLabel("Chat is off: subscribers of this profile see no chat bubble.", section)
        self.off_hint.setObjectName("fieldHint")
        layout.addWidget(provider_label)
        layout.addWidget(self.provider_combo)
        layout.addWidget(self.provider_error)
        layout.addWidget(self.off_hint)

        self.teamsupport_box = QWidget(section)
        box = QVBoxLayout(self.teamsupport_box)
        box.setContentsMargins(0, 10, 0, 0)
        box.setSpacing(12)
        separator = QFrame(self.teamsupport_box)
        separator.setObjectName("separator")
        separator.setFixedHeight(1)
        box.addWidget(separator)
        settings_title = QLabel("TeamSupport settings", self.teamsupport_box)
        settings_title.setObjectName("sectionTitle")
        box.addWidget(settings_title)

        self.widget_input = WidgetIdInput(
            "Widget ID",
            "Shows the chat on pages subscribers see after signing in. Your TeamSupport administrator finds "
            "widget IDs on the TeamSupport (SnapEngage) site.",
            self.teamsupport_box,
        )
        self.widget_input.edit.setObjectName("widgetIdEdit")
        self.widget_input.edit.textEdited.connect(lambda _text: self._on_edited("widget_id"))
        self.widget_input.edit.editingFinished.connect(lambda: self._on_checked("widget_id"))
        box.addWidget(self.widget_input)

        self.public_switch = ToggleSwitch("Show on non-authenticated pages", self.teamsupport_box)
        self.public_switch.setObjectName("showOnPublicPages")
        self.public_switch.setAccessibleName("Show on non-authenticated pages")
        self.public_switch.toggled.connect(self._on_switch_toggled)
        public_hint = QLabel(
            "Also show the chat before sign-in: on the login, registration and forgot-password pages.",
            self.teamsupport_box,
        )
        public_hint.setObjectName("fieldHint")
        public_hint.setWordWrap(True)
        public_group = QVBoxLayout()
        public_group.setSpacing(2)
        public_group.addWidget(self.public_switch)
        public_group.addWidget(public_hint)
        box.addLayout(public_group)

        self.public_box = QFrame(self.teamsupport_box)
        self.public_box.setObjectName("nested")
        nested = QVBoxLayout(self.public_box)
        nested.setContentsMargins(16, 2, 0, 2)
        nested.setSpacing(10)
        self.same_switch = ToggleSwitch("Use same widget as above", self.public_box)
        self.same_switch.setObjectName("sameWidgetForPublic")
        self.same_switch.setAccessibleName("Use same widget as above")
        self.same_switch.toggled.connect(self._on_switch_toggled)
        nested.addWidget(self.same_switch)
        self.public_input = WidgetIdInput(
            "Widget ID for non-authenticated pages",
            "A different TeamSupport widget for visitors who have not signed in.",
            self.public_box,
        )
        self.public_input.edit.setObjectName("publicWidgetIdEdit")
        self.public_input.edit.textEdited.connect(lambda _text: self._on_edited("public_widget_id"))
        self.public_input.edit.editingFinished.connect(lambda: self._on_checked("public_widget_id"))
        nested.addWidget(self.public_input)
        box.addWidget(self.public_box)

        disable_separator = QFrame(self.teamsupport_box)
        disable_separator.setObjectName("separator")
        disable_separator.setFixedHeight(1)
        box.addSpacing(4)
        box.addWidget(disable_separator)
        disable_row = QHBoxLayout()
        disable_row.setSpacing(14)
        self.disable_button = QPushButton(
            icon("fa6s.power-off", color="#ffffff"), "Disable TeamSupport", self.teamsupport_box
        )
        self.disable_button.setObjectName("disableButton")
        self.disable_button.setAccessibleName("Disable TeamSupport")
        self.disable_button.clicked.connect(self.disable_chat)
        disable_hint = QLabel(
            "Removes the provider and both widget IDs from this profile; to use chat again, enter them anew.",
            self.teamsupport_box,
        )
        disable_hint.setObjectName("fieldHint")
        disable_hint.setWordWrap(True)
        disable_row.addWidget(self.disable_button, 0, Qt.AlignmentFlag.AlignTop)
        disable_row.addWidget(disable_hint, 1)
        box.addLayout(disable_row)
        layout.addWidget(self.teamsupport_box)
        return section

    # -- the tab contract

    def load(self, draft: dict[str, Any]) -> None:
        """Show the draft's chat settings."""
        raw = draft.get("chat")
        chat = {**Chat().model_dump(mode="json"), **(raw if isinstance(raw, dict) else {})}
        self._show_chat(chat)
        self._errors = {}
        self._checked = {name for name in WIDGET_NAMES if chat.get(name)}
        self._show_problems()

    def apply(self, draft: dict[str, Any]) -> None:
        """Write the chat settings; no provider writes the defaults (chat off)."""
        draft["chat"] = self.chat()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show ``chat.widget_id`` and ``chat.public_widget_id`` problems under their fields."""
        self._errors = {}
        for path, reason in errors.items():
            parts = path.split(".")
            if parts[0] != "chat":
                continue
            field = parts[1] if len(parts) > 1 and parts[1] in WIDGET_NAMES else ""
            self._errors.setdefault(field, sentence(WIDGET_NAMES.get(field, "The chat settings"), reason))
        self._show_problems()

    # -- what tests and the editor drive

    def set_saved(self, is_saved: bool) -> None:
        """Chat can only be set up on a saved profile: until then the tab explains and stays read-only."""
        self._saved = is_saved
        self.notice.setVisible(not is_saved)
        self.section.setEnabled(is_saved)

    def is_saved(self) -> bool:
        """Tell whether the profile has been saved (chat can be set up)."""
        return self._saved

    def chat(self) -> dict[str, Any]:
        """Return the chat settings shown, shaped as ``Chat.model_dump(mode="json")``."""
        if self.provider() is None:
            return Chat().model_dump(mode="json")
        show = self.public_switch.isChecked()
        same = self.same_switch.isChecked()
        return {
            "provider": TEAMSUPPORT,
            "widget_id": self.widget_input.text() or None,
            "show_on_public_pages": show,
            "same_widget_for_public": same,
            "public_widget_id": (self.public_input.text() or None) if show and not same else None,
        }

    def provider(self) -> str | None:
        """Return the chosen provider (``teamsupport``) or None."""
        value = self.provider_combo.currentData()
        return str(value) if value else None

    def set_provider(self, provider: str | None) -> None:
        """Choose a provider as the user would (turning it off asks first when something is set)."""
        row = self.provider_combo.findData(provider) if provider else 0
        self.provider_combo.setCurrentIndex(max(0, row))
        self._on_provider_chosen(self.provider_combo.currentIndex())

    def disable_chat(self) -> bool:
        """Clear the provider and both widget IDs after the user confirms; return whether it was done."""
        question = (
            "Disable TeamSupport for this profile? The provider and both widget IDs are removed; "
            "to use chat again you will have to enter them again."
        )
        if not self.confirm("Disable TeamSupport", question):
            return False
        self._show_chat(Chat().model_dump(mode="json"))
        self._checked = set()
        self._errors = {}
        self._show_problems()
        self.edited.emit()
        return True

    def confirm(self, title: str, question: str) -> bool:
        """Ask the user to confirm; tests replace this."""
        answer = QMessageBox.question(
            self,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- reacting to the user

    def _on_provider_chosen(self, _row: int) -> None:
        if self._syncing:
            return
        if self.provider() is None:
            configured = bool(self.widget_input.text() or self.public_input.text())
            if configured:
                # turning chat off clears the configuration, so it is the same as Disable TeamSupport
                self._syncing = True
                try:
                    self.provider_combo.setCurrentIndex(max(0, self.provider_combo.findData(TEAMSUPPORT)))
                finally:
                    self._syncing = False
                self.disable_chat()
                return
        self._errors.pop("", None)
        self._update_visibility()
        self._show_problems()
        self.edited.emit()
        if self.provider() == TEAMSUPPORT and not self.widget_input.text():
            self.widget_input.edit.setFocus()

    def _on_edited(self, name: str) -> None:
        if self._syncing:
            return
        self._errors.pop(name, None)
        self._errors.pop("", None)
        self._show_problems()
        self.edited.emit()

    def _on_checked(self, name: str) -> None:
        if self._syncing or self.provider() is None:
            return
        self._checked.add(name)
        self._show_problems()

    def _on_switch_toggled(self, _checked: bool) -> None:
        self._update_visibility()
        if self._syncing:
            return
        self._errors.pop("public_widget_id", None)
        self._show_problems()
        self.edited.emit()

    # -- showing

    def _show_chat(self, chat: dict[str, Any]) -> None:
        self._syncing = True
        try:
            provider = chat.get("provider")
            row = self.provider_combo.findData(provider) if provider else 0
            self.provider_combo.setCurrentIndex(max(0, row))
            self.widget_input.edit.setText(str(chat.get("widget_id") or ""))
            self.public_input.edit.setText(str(chat.get("public_widget_id") or ""))
            self.public_switch.setChecked(bool(chat.get("show_on_public_pages", True)))
            self.same_switch.setChecked(bool(chat.get("same_widget_for_public", True)))
        finally:
            self._syncing = False
        self._update_visibility()

    def _update_visibility(self) -> None:
        teamsupport = self.provider() == TEAMSUPPORT
        self.teamsupport_box.setVisible(teamsupport)
        self.off_hint.setVisible(not teamsupport)
        show = self.public_switch.isChecked()
        self.public_box.setVisible(show)
        self.public_input.setVisible(show and not self.same_switch.isChecked())

    def _show_problems(self) -> None:
        live = widget_id_problems(self.chat()) if self.provider() is not None else {}
        for name, field_input in (("widget_id", self.widget_input), ("public_widget_id", self.public_input)):
            problem = self._errors.get(name) or (live.get(name, "") if name in self._checked else "")
            field_input.show_state(problem, name in self._checked)
        other = self._errors.get("", "")
        self.provider_error.show_reason(other)
        set_invalid(self.provider_combo, bool(other))
