"""Duplicate Existing Profile: pick a profile to copy and name the copy."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from common.profile import Name
from common.schemas import ProfileSummary
from common.validation import errors_from_pydantic
from desktop_admin.api import ApiError
from desktop_admin.views import FieldError, MessageBanner
from desktop_admin.views.dialog_parts import (
    add_dialog_buttons,
    add_dialog_header,
    fill_profile_chooser,
    profile_chooser,
)

NAME_RULES: TypeAdapter[str] = TypeAdapter(Name)
NAME_LIMIT = 80
TAKEN = "is already used by another profile"


def check_name(name: str, taken: list[str]) -> str:
    """Return why ``name`` cannot name a new profile (profile rules, then uniqueness), or ""."""
    try:
        cleaned = NAME_RULES.validate_python(name)
    except ValidationError as exc:
        reasons = errors_from_pydantic(exc)
        return next(iter(reasons.values()), "is not a valid name")
    folded = {existing.casefold() for existing in taken}
    return TAKEN if cleaned.casefold() in folded else ""


def suggest_copy_name(source: str, taken: list[str]) -> str:
    """Return "<source> copy", or "<source> copy 2", 3… when that is taken, within the length limit."""
    folded = {existing.casefold() for existing in taken}
    number = 1
    while True:
        suffix = " copy" if number == 1 else f" copy {number}"
        candidate = source[: NAME_LIMIT - len(suffix)].rstrip() + suffix
        if candidate.casefold() not in folded:
            return candidate
        number += 1


class DuplicateDialog(QDialog):
    """Chooses the source profile and the new name; the page sends the request.

    ``submitted(source_id, name)`` fires once the input passes the profile rules; the page then
    calls ``finish()`` on success or ``show_error()`` with the server's answer.
    """

    submitted = Signal(int, str)

    def __init__(
        self,
        profiles: list[ProfileSummary],
        source_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("duplicateDialog")
        self.setWindowTitle("Duplicate Existing Profile")
        self.setMinimumWidth(480)
        self._profiles = sorted(profiles, key=lambda p: p.name.casefold())
        self._names = [p.name for p in self._profiles]
        self._name_edited = False
        self._checked_once = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(6)

        add_dialog_header(
            layout,
            self,
            "fa6s.copy",
            "Duplicate Existing Profile",
            "The copy starts with every setting of the profile you choose, except its markets.",
        )
        layout.addSpacing(8)

        self.banner = MessageBanner(self)
        layout.addWidget(self.banner)

        source_label = QLabel("Profile to copy", self)
        source_label.setObjectName("fieldLabel")
        self.source_combo = profile_chooser(self, "sourceCombo", "Profile to copy")
        fill_profile_chooser(self.source_combo, self._profiles)
        line = self.source_combo.lineEdit()
        assert line is not None  # the combo box is editable
        self.source_error = FieldError(self)
        source_label.setBuddy(self.source_combo)

        name_label = QLabel("Name of the new profile", self)
        name_label.setObjectName("fieldLabel")
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setMinimumHeight(32)
        self.name_edit.setMaxLength(NAME_LIMIT + 20)
        self.name_edit.setAccessibleName("Name of the new profile")
        self.name_error = FieldError(self)
        name_label.setBuddy(self.name_edit)

        layout.addWidget(source_label)
        layout.addWidget(self.source_combo)
        layout.addWidget(self.source_error)
        layout.addSpacing(8)
        layout.addWidget(name_label)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.name_error)
        layout.addSpacing(14)

        self.cancel_button, self.duplicate_button = add_dialog_buttons(
            layout, self, "fa6s.copy", "Duplicate", self.submit
        )

        self.source_combo.currentIndexChanged.connect(self._source_changed)
        line.textEdited.connect(self._source_typed)
        self.name_edit.textEdited.connect(self._name_typed)

        start = self.source_combo.findData(source_id) if source_id is not None else -1
        self.source_combo.setCurrentIndex(start)
        if start < 0:
            self.source_combo.setEditText("")
            self.source_combo.setFocus()
        else:
            self._source_changed(start)
            self.name_edit.setFocus()
            self.name_edit.selectAll()

    # --- what was chosen -------------------------------------------------------------------

    def source(self) -> ProfileSummary | None:
        """Return the profile whose name is in the chooser, or None."""
        typed = self.source_combo.currentText().strip().casefold()
        return next((p for p in self._profiles if p.name.casefold() == typed), None)

    def new_name(self) -> str:
        """Return the name typed for the copy, trimmed."""
        return self.name_edit.text().strip()

    def choose(self, source_name: str) -> None:
        """Pick the profile to copy by name, as typing it and accepting the completion would."""
        self.source_combo.setEditText(source_name)
        self._source_typed(source_name)

    # --- checks and the outcome ------------------------------------------------------------

    def validate(self) -> bool:
        """Show what is wrong under each field; True when the request may be sent."""
        self._checked_once = True
        source = self.source()
        self.source_error.show_reason("" if source else "Choose a profile from the list.")
        reason = check_name(self.name_edit.text(), self._names)
        self.name_error.show_reason(f"The name {reason}." if reason else "")
        return source is not None and not reason

    def submit(self) -> None:
        """Check the input with the profile rules, then ask the page to duplicate."""
        self.banner.dismiss()
        if not self.validate():
            (self.source_combo if self.source() is None else self.name_edit).setFocus()
            return
        source = self.source()
        assert source is not None
        self.set_working(True)
        self.submitted.emit(source.id, self.new_name())

    def set_working(self, working: bool) -> None:
        """Lock the dialog while the request runs."""
        for widget in (self.source_combo, self.name_edit, self.duplicate_button):
            widget.setEnabled(not working)
        self.duplicate_button.setText("Duplicating…" if working else "Duplicate")

    def finish(self) -> None:
        """Close after the copy was made."""
        self.set_working(False)
        self.accept()

    def show_error(self, error: ApiError) -> None:
        """Show the server's refusal; a name problem goes under the name."""
        self.set_working(False)
        if "name" in error.fields:
            self.name_error.show_reason(error.message)
            self.name_edit.setFocus()
            self.name_edit.selectAll()
        else:
            self.banner.show_error(error.message)

    # --- reactions -------------------------------------------------------------------------

    def _source_changed(self, index: int) -> None:
        if index < 0:
            return
        self.source_combo.setEditText(self._profiles[index].name)
        self._suggest()

    def _source_typed(self, _text: str) -> None:
        source = self.source()
        if source is not None:
            self.source_combo.setCurrentIndex(self.source_combo.findData(source.id))
        self._suggest()
        if self._checked_once:
            self.validate()

    def _name_typed(self, _text: str) -> None:
        self._name_edited = True
        if self._checked_once or self.name_error.isVisible():
            self.validate()
        else:
            # Say what is wrong while typing, but don't scold an empty field before any submit.
            reason = check_name(self.name_edit.text(), self._names) if self.name_edit.text() else ""
            self.name_error.show_reason(f"The name {reason}." if reason else "")

    def _suggest(self) -> None:
        source = self.source()
        if source is not None and not self._name_edited:
            self.name_edit.setText(suggest_copy_name(source.name, self._names))
