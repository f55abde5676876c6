"""The Links & Ticket Notes tab: the journal type for support-request notes, and helpful links."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from common.profile import MAX_HELPFUL_LINKS, HelpfulLink
from common.validation import FieldErrors, parse
from desktop_admin.views import ACCENT, DANGER, MUTED, TEXT, FieldError, icon, icon_badge
from desktop_admin.views.dialog_parts import add_dialog_buttons
from desktop_admin.views.profile_editor import tab_parts
from desktop_admin.views.profile_editor.basic_tab import set_invalid
from desktop_admin.views.profile_editor.tab import TabBase, sentence
from desktop_admin.views.profile_editor.tickets_tab import ChevronComboBox

NO_JOURNAL = "None — subscribers cannot add notes"
JOURNAL_SUGGESTIONS = ("Customer Portal Note", "Support Request Note", "Customer Note")
JOURNAL_LIMIT = 60
LINK_TEXT_LIMIT = 80
LINKS_FULL = f"A profile can have at most {MAX_HELPFUL_LINKS} helpful links. Remove one to add another."
WARNING = "#8a5a00"

STYLE = f"""
QFrame#editorSection {{ background: #ffffff; border: 1px solid #dfe3ea; border-radius: 10px; }}
QLabel#sectionTitle {{ font-size: 12pt; font-weight: 600; color: {TEXT}; }}
QLabel#fieldLabel {{ font-weight: 600; color: {TEXT}; }}
QLabel#fieldHint, QLabel#sectionHint {{ color: {MUTED}; }}
QLabel#count {{ color: {MUTED}; background: #eef1f6; border-radius: 9px; padding: 1px 8px; }}
QLabel#iconBadge {{ background: #e8effd; border-radius: 10px; }}
QLabel#emptyState {{ color: {MUTED}; padding: 14px; }}
QLabel#journalStatus[state="none"] {{ color: {WARNING}; }}
QLabel#journalStatus[state="set"] {{ color: {MUTED}; }}
QFrame#linkRow {{ background: #ffffff; border: 1px solid #e1e5ec; border-radius: 8px; }}
QFrame#linkRow[invalid="true"] {{ border: 1px solid {DANGER}; background: #fffafa; }}
QLabel#linkText {{ font-weight: 600; color: {TEXT}; }}
QLabel#linkUrl {{ color: #0b5cad; }}
QLabel#linkIcon {{ background: #eef3fe; border-radius: 8px; }}
QToolButton#rowButton {{ border: none; border-radius: 6px; padding: 6px; background: transparent; }}
QToolButton#rowButton:hover {{ background: #eef2f8; }}
QComboBox QLineEdit {{ border: none; padding: 0; background: transparent; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"] {{ border: 1px solid {DANGER}; }}
"""


class HelpfulLinkDialog(QDialog):
    """Add or edit one helpful link: its text and URL, checked against the profile rules on Save."""

    def __init__(self, link: Mapping[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpfulLinkDialog")
        adding = link is None
        title_text = "Add Helpful Link" if adding else "Edit Helpful Link"
        self.setWindowTitle(title_text)
        self.setMinimumWidth(500)
        self.setStyleSheet(STYLE)
        self.link: dict[str, str] | None = None

        layout = tab_parts.dialog_column(
            self,
            "fa6s.link",
            title_text,
            "Subscribers see the text on their Support page; it opens the address.",
            spacing=6,
        )
        layout.addSpacing(10)

        self.text_edit = QLineEdit(self)
        self.text_edit.setObjectName("linkTextEdit")
        self.text_edit.setAccessibleName("Link text")
        self.text_edit.setMinimumHeight(32)
        self.text_edit.setMaxLength(LINK_TEXT_LIMIT + 20)
        self.text_edit.setPlaceholderText("For example: How to read your bill")
        self.text_error = FieldError(self)
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("linkUrlEdit")
        self.url_edit.setAccessibleName("URL")
        self.url_edit.setMinimumHeight(32)
        self.url_edit.setPlaceholderText("https://www.example.com/help")
        self.url_error = FieldError(self)
        for caption, edit, error in (
            ("Link text", self.text_edit, self.text_error),
            ("URL", self.url_edit, self.url_error),
        ):
            label = QLabel(tab_parts.required_caption(caption), self)
            label.setObjectName("fieldLabel")
            label.setBuddy(edit)
            layout.addWidget(label)
            layout.addWidget(edit)
            layout.addWidget(error)
            layout.addSpacing(6)
            edit.textEdited.connect(lambda _text, edit=edit, error=error: self._clear(edit, error))
        url_hint = QLabel("Starts with http:// or https://.", self)
        url_hint.setObjectName("fieldHint")
        layout.insertWidget(layout.indexOf(self.url_error), url_hint)

        self.cancel_button, self.save_button = add_dialog_buttons(
            layout, self, "fa6s.check", "Add link" if adding else "Save link", gap=6
        )
        self.save_button.clicked.connect(self.save)

        if link is not None:
            self.text_edit.setText(str(link.get("text", "")))
            self.url_edit.setText(str(link.get("url", "")))

    def save(self) -> None:
        """Close with the link when it passes the profile rules; otherwise say what is wrong."""
        try:
            link = parse(HelpfulLink, {"text": self.text_edit.text(), "url": self.url_edit.text()})
        except FieldErrors as exc:
            self.show_errors(exc.fields)
            return
        self.link = link.model_dump(mode="json")
        self.accept()

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show problems under the text and URL fields, and focus the first bad one."""
        text_reason = sentence("The link text", errors.get("text", ""))
        url_reason = sentence("The URL", errors.get("url", ""))
        self.text_error.show_reason(text_reason)
        self.url_error.show_reason(url_reason)
        set_invalid(self.text_edit, bool(text_reason))
        set_invalid(self.url_edit, bool(url_reason))
        if text_reason:
            self.text_edit.setFocus()
        elif url_reason:
            self.url_edit.setFocus()

    def _clear(self, edit: QLineEdit, error: FieldError) -> None:
        error.show_reason("")
        set_invalid(edit, False)


class LinkRow(QFrame):
    """One helpful link in the list: its text and address, with edit and remove buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkRow")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 8, 8)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(12)
        mark = icon_badge(self, 32, "fa6s.link", 14, name="linkIcon")
        texts = QVBoxLayout()
        texts.setSpacing(0)
        self.text_label = QLabel(self)
        self.text_label.setObjectName("linkText")
        self.url_label = QLabel(self)
        self.url_label.setObjectName("linkUrl")
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        texts.addWidget(self.text_label)
        texts.addWidget(self.url_label)
        self.edit_button = self._button("fa6s.pencil", TEXT)
        self.remove_button = self._button("fa6s.trash-can", DANGER)
        row.addWidget(mark)
        row.addLayout(texts, 1)
        row.addWidget(self.edit_button)
        row.addWidget(self.remove_button)
        outer.addLayout(row)
        self.error = FieldError(self)
        outer.addWidget(self.error)

    def show_link(self, text: str, url: str) -> None:
        """Show a link's text and address (the address elided in the middle when long)."""
        self.text_label.setText(text or "(no text)")
        metrics = self.url_label.fontMetrics()
        self.url_label.setText(metrics.elidedText(url, Qt.TextElideMode.ElideMiddle, 460))
        self.url_label.setToolTip(url)
        self.edit_button.setToolTip(f"Edit {text}")
        self.edit_button.setAccessibleName(f"Edit {text}")
        self.remove_button.setToolTip(f"Remove {text}")
        self.remove_button.setAccessibleName(f"Remove {text}")

    def show_reason(self, reason: str) -> None:
        """Show (or with an empty reason, clear) a problem with this link."""
        self.error.show_reason(reason)
        set_invalid(self, bool(reason))

    def _button(self, icon_name: str, colour: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName("rowButton")
        button.setIcon(icon(icon_name, color=colour))
        button.setIconSize(QSize(14, 14))
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        return button


class LinksTab(TabBase):
    """Which journal type support-request notes use, and up to five helpful links."""

    TITLE = "Links & Ticket Notes"
    OWNS = ("notes_journal_type", "helpful_links")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linksTab")
        self.setStyleSheet(STYLE)
        self._links: list[dict[str, str]] = []
        self._link_errors: dict[int, str] = {}
        self._syncing = False
        self.link_rows: list[LinkRow] = []
        self.link_dialog: HelpfulLinkDialog | None = None

        column, self.banner = tab_parts.banner_column(self, 16)
        column.addWidget(self._build_notes_section())
        column.addWidget(self._build_links_section())
        column.addStretch(1)
        self._show_journal_status()
        self._rebuild_links()

    # -- building

    def _build_notes_section(self) -> QFrame:
        section, layout = tab_parts.section_card(
            self,
            "Support request notes",
            "Subscribers can add notes to their support requests; each note is saved on the ticket as a "
            "journal of this type. A journal type kept only for portal notes is recommended.",
        )
        label = QLabel("Journal type for notes", section)
        label.setObjectName("fieldLabel")
        self.journal_combo = ChevronComboBox(section)
        self.journal_combo.setObjectName("journalTypeCombo")
        self.journal_combo.setAccessibleName("Journal type for notes")
        self.journal_combo.setEditable(True)
        self.journal_combo.setInsertPolicy(ChevronComboBox.InsertPolicy.NoInsert)
        self.journal_combo.setMinimumHeight(32)
        self.journal_combo.setMaximumWidth(460)
        self.journal_combo.addItem(NO_JOURNAL, None)
        for name in JOURNAL_SUGGESTIONS:
            self.journal_combo.addItem(name, name)
        line = self.journal_combo.lineEdit()
        assert line is not None  # the combo box is editable
        line.setPlaceholderText(NO_JOURNAL)
        line.setMaxLength(JOURNAL_LIMIT + 20)
        line.textEdited.connect(self._on_journal_edited)
        self.journal_combo.activated.connect(self._on_journal_chosen)
        label.setBuddy(self.journal_combo)
        self.journal_error = FieldError(section)
        self.journal_status = QLabel(section)
        self.journal_status.setObjectName("journalStatus")
        self.journal_status.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(self.journal_combo)
        layout.addWidget(self.journal_error)
        layout.addWidget(self.journal_status)
        hint = tab_parts.hint_label(
            "Choose one of the journal types with class Trouble Ticket and Use in OnlineBill set in "
            "Admin Console Data Management, or type its name.",
            section,
        )
        layout.addWidget(hint)
        return section

    def _build_links_section(self) -> QFrame:
        section, layout = tab_parts.section_card(
            self,
            "Helpful links",
            f"Up to {MAX_HELPFUL_LINKS} links on the subscriber's Support page, in this order: how-to "
            "guides, service status, anything that saves a call.",
        )
        self.links_error = FieldError(section)
        layout.addWidget(self.links_error)
        self.links_box = QVBoxLayout()
        self.links_box.setSpacing(8)
        layout.addLayout(self.links_box)
        self.links_empty = QLabel("No helpful links yet.", section)
        self.links_empty.setObjectName("emptyState")
        self.links_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.links_empty)
        layout.addSpacing(6)
        footer = QHBoxLayout()
        footer.setSpacing(12)
        self.add_link_button = QPushButton(icon("fa6s.plus", color=ACCENT), "Add Helpful Link", section)
        self.add_link_button.setObjectName("addHelpfulLinkButton")
        self.add_link_button.setAccessibleName("Add Helpful Link")
        self.add_link_button.clicked.connect(lambda: self.open_link_dialog())
        self.links_count = QLabel(section)
        self.links_count.setObjectName("count")
        self.links_full_hint = tab_parts.hint_label(LINKS_FULL, section)
        footer.addWidget(self.add_link_button)
        footer.addWidget(self.links_count)
        footer.addStretch(1)
        layout.addLayout(footer)
        layout.addWidget(self.links_full_hint)
        return section

    # -- the tab contract

    def load(self, draft: dict[str, Any]) -> None:
        """Show the draft's notes journal type and helpful links."""
        journal = draft.get("notes_journal_type")
        self._syncing = True
        try:
            self._set_journal_text(str(journal) if journal else "")
        finally:
            self._syncing = False
        raw = draft.get("helpful_links")
        items = raw if isinstance(raw, list) else []
        self._links = [
            {"text": str(item.get("text", "")), "url": str(item.get("url", ""))}
            for item in items
            if isinstance(item, Mapping)
        ]
        self._link_errors = {}
        self.banner.dismiss()
        self.journal_error.show_reason("")
        set_invalid(self.journal_combo, False)
        self.links_error.show_reason("")
        self._show_journal_status()
        self._rebuild_links()

    def apply(self, draft: dict[str, Any]) -> None:
        """Write the journal type (None when there is none) and the links, in order."""
        draft["notes_journal_type"] = self.journal_type()
        draft["helpful_links"] = [dict(link) for link in self._links]

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show journal type problems under its field and link problems on the link's row."""
        journal = errors.get("notes_journal_type", "")
        self.journal_error.show_reason(sentence("The journal type", journal))
        set_invalid(self.journal_combo, bool(journal))
        self._link_errors = {}
        general: list[str] = []
        for path, reason in errors.items():
            parts = path.split(".")
            if parts[0] != "helpful_links":
                continue
            if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(self._links):
                subject = {"text": "The link text", "url": "The URL"}.get(parts[-1], "This link")
                self._link_errors.setdefault(int(parts[1]), sentence(subject, reason))
            else:
                general.append(sentence("The helpful links", reason))
        self.links_error.show_reason(" ".join(general))
        self._rebuild_links()

    # -- what tests and the editor drive

    def journal_type(self) -> str | None:
        """Return the journal type for notes, or None when subscribers cannot add notes."""
        line = self.journal_combo.lineEdit()
        text = (line.text() if line is not None else self.journal_combo.currentText()).strip()
        return None if not text or text == NO_JOURNAL else text

    def links(self) -> list[dict[str, str]]:
        """Return the helpful links, in order."""
        return [dict(link) for link in self._links]

    def open_link_dialog(self, row: int | None = None) -> HelpfulLinkDialog | None:
        """Open the add dialog (row None) or the edit dialog of a link; returns at once."""
        if row is None and len(self._links) >= MAX_HELPFUL_LINKS:
            return None
        link = self._links[row] if row is not None else None
        dialog = HelpfulLinkDialog(link, self)
        dialog.accepted.connect(lambda: self._on_link_saved(dialog, row))
        dialog.finished.connect(dialog.deleteLater)
        self.link_dialog = dialog
        dialog.open()
        return dialog

    def remove_link(self, row: int) -> None:
        """Remove a helpful link."""
        if not 0 <= row < len(self._links):
            return
        del self._links[row]
        self._link_errors = {
            (index if index < row else index - 1): reason
            for index, reason in self._link_errors.items()
            if index != row
        }
        self._rebuild_links()
        self.edited.emit()

    # -- reacting to the user

    def _on_journal_edited(self, _text: str) -> None:
        self.journal_error.show_reason("")
        set_invalid(self.journal_combo, False)
        self._show_journal_status()
        if not self._syncing:
            self.edited.emit()

    def _on_journal_chosen(self, row: int) -> None:
        if self.journal_combo.itemData(row) is None:
            # "None" reads best as the empty field's placeholder
            self._set_journal_text("")
        self._on_journal_edited(self.journal_combo.currentText())

    def _on_link_saved(self, dialog: HelpfulLinkDialog, row: int | None) -> None:
        if dialog.link is None:
            return
        if row is None:
            if len(self._links) >= MAX_HELPFUL_LINKS:
                return
            self._links.append(dialog.link)
        else:
            self._links[row] = dialog.link
            self._link_errors.pop(row, None)
        self._rebuild_links()
        self.edited.emit()

    # -- showing

    def _set_journal_text(self, text: str) -> None:
        index = self.journal_combo.findData(text) if text else 0
        if text and index < 0:
            self.journal_combo.setCurrentIndex(-1)
        else:
            self.journal_combo.setCurrentIndex(index)
        self.journal_combo.setEditText(text)

    def _show_journal_status(self) -> None:
        journal = self.journal_type()
        if journal is None:
            self.journal_status.setText("No journal type: subscribers cannot add notes to support requests.")
            self.journal_status.setProperty("state", "none")
        else:
            self.journal_status.setText(f"Notes that subscribers add are saved as “{journal}” journals.")
            self.journal_status.setProperty("state", "set")
        self.journal_status.style().unpolish(self.journal_status)
        self.journal_status.style().polish(self.journal_status)

    def _rebuild_links(self) -> None:
        while len(self.link_rows) > len(self._links):
            row_widget = self.link_rows.pop()
            self.links_box.removeWidget(row_widget)
            row_widget.hide()
            row_widget.deleteLater()
        while len(self.link_rows) < len(self._links):
            index = len(self.link_rows)
            row_widget = LinkRow(self)
            row_widget.edit_button.clicked.connect(lambda _checked=False, i=index: self.open_link_dialog(i))
            row_widget.remove_button.clicked.connect(lambda _checked=False, i=index: self.remove_link(i))
            self.link_rows.append(row_widget)
            self.links_box.addWidget(row_widget)
            row_widget.show()  # a layout would only show it on the next pass of the event loop
        for index, (row_widget, link) in enumerate(zip(self.link_rows, self._links, strict=True)):
            row_widget.show_link(link["text"], link["url"])
            row_widget.show_reason(self._link_errors.get(index, ""))
        count = len(self._links)
        full = count >= MAX_HELPFUL_LINKS
        self.links_empty.setVisible(count == 0)
        self.links_count.setText(f"{count} of {MAX_HELPFUL_LINKS}")
        self.add_link_button.setEnabled(not full)
        self.add_link_button.setToolTip(LINKS_FULL if full else "Add a link to the subscriber's Support page")
        self.links_full_hint.setVisible(full)
