"""Publishing a profile bundle: as a new profile on the server, or over a profile already there.

Writing over a profile follows the editor's conflict rule. The dialog loads the chosen profile and
says how many fields will change; the bundle is then written against the version that was shown.
When someone saves that profile in between, the server refuses, and the dialog shows the
differences with the newer version and lets the user publish over it or stop.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from common.profile import LogoSlot, Profile
from common.profile_diff import diff
from common.schemas import ProfileList, ProfileSummary
from desktop_admin.api import ApiClient, ApiError
from desktop_admin.bundle import Bundle, publish_bundle
from desktop_admin.views import FieldError, MessageBanner
from desktop_admin.views.compare_dialog import CompareDialog
from desktop_admin.views.dialog_parts import (
    add_dialog_buttons,
    add_dialog_header,
    fill_profile_chooser,
    profile_chooser,
)
from desktop_admin.views.profile_editor.draft import content_of
from desktop_admin.workers import BackgroundRunner

FROM_BUNDLE = "image from the bundle"


def bundle_document(bundle: Bundle) -> dict[str, Any]:
    """Return the bundle's content as the server will hold it, for comparing with a stored profile.

    A logo the bundle carries is uploaded anew, so it shows as "image from the bundle"; a slot
    without one goes back to the default branding.
    """
    document = bundle.content.model_dump(mode="json")
    document["logos"] = {slot.value: FROM_BUNDLE if slot.value in bundle.logos else None for slot in LogoSlot}
    return document


class PublishDialog(QDialog):
    """Chooses where a bundle goes on the server and publishes it on the editor's worker thread.

    ``published(Profile)`` fires once the bundle is on the server; ``session_ended(str)`` when the
    server no longer accepts the sign-in.
    """

    published = Signal(object)
    session_ended = Signal(str)

    def __init__(
        self, client: ApiClient, runner: BackgroundRunner, bundle: Bundle, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("publishDialog")
        self.setWindowTitle("Publish to Server")
        self.setMinimumWidth(520)
        self._client = client
        self._runner = runner
        self.bundle = bundle
        self.profiles: list[ProfileSummary] = []
        self.target: Profile | None = None
        self.compare_dialog: CompareDialog | None = None
        self.result_profile: Profile | None = None
        self._working = False
        name = bundle.content.name

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(6)
        add_dialog_header(
            layout,
            self,
            "fa6s.cloud-arrow-up",
            "Publish to Server",
            f"Put “{name}” on {client.base_url}, as a new profile or over a profile already there. "
            "The bundle's logos are uploaded with it; markets are associated on the server afterwards.",
        )
        layout.addSpacing(8)
        self.banner = MessageBanner(self)
        layout.addWidget(self.banner)

        self.new_radio = QRadioButton(f"As a new profile named “{name}”", self)
        self.replace_radio = QRadioButton("Over an existing profile", self)
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.new_radio)
        self.choice.addButton(self.replace_radio)
        self.new_radio.setChecked(True)
        self.target_combo = profile_chooser(self, "targetCombo", "Profile to publish over")
        line = self.target_combo.lineEdit()
        assert line is not None  # the combo box is editable
        line.setPlaceholderText("Loading the profiles…")
        self.target_info = QLabel(self)
        self.target_info.setObjectName("hint")
        self.target_info.setWordWrap(True)
        self.target_error = FieldError(self)
        target_row = QVBoxLayout()
        target_row.setContentsMargins(26, 0, 0, 0)
        target_row.setSpacing(4)
        target_row.addWidget(self.target_combo)
        target_row.addWidget(self.target_error)
        target_row.addWidget(self.target_info)
        layout.addWidget(self.new_radio)
        layout.addSpacing(4)
        layout.addWidget(self.replace_radio)
        layout.addLayout(target_row)
        layout.addSpacing(14)

        self.cancel_button, self.publish_button = add_dialog_buttons(
            layout, self, "fa6s.cloud-arrow-up", "Publish", self.submit
        )

        self.replace_radio.toggled.connect(lambda _on: self._update_states())
        self.target_combo.currentIndexChanged.connect(self._target_changed)
        line.textEdited.connect(self._target_typed)
        self._update_states()
        self._runner.run(
            lambda: self._client.list_profiles(),
            on_success=self._profiles_loaded,
            on_failure=self._failed,
            busy_text="Loading the profiles…",
        )

    # --- choosing the target ---------------------------------------------------------------

    def choose(self, profile_name: str) -> None:
        """Publish over the profile with this name, as picking it in the list would."""
        self.replace_radio.setChecked(True)
        index = self.target_combo.findText(profile_name, Qt.MatchFlag.MatchFixedString)
        self.target_combo.setCurrentIndex(index)
        if index < 0:
            self.target_combo.setEditText(profile_name)
            self._target_typed(profile_name)

    def chosen(self) -> ProfileSummary | None:
        """Return the profile whose name is in the chooser, or None."""
        typed = self.target_combo.currentText().strip().casefold()
        return next((p for p in self.profiles if p.name.casefold() == typed), None)

    def _profiles_loaded(self, found: ProfileList) -> None:
        self.profiles = sorted(found.items, key=lambda p: p.name.casefold())
        fill_profile_chooser(self.target_combo, self.profiles)
        line = self.target_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText("Type to find a profile")
        # A profile of the same name cannot be created twice: offer to publish over it.
        same = next(
            (p for p in self.profiles if p.name.casefold() == str(self.bundle.content.name).casefold()), None
        )
        if same is not None:
            self.choose(same.name)
        self._update_states()

    def _target_typed(self, _text: str) -> None:
        self._target_changed(self.target_combo.findText(self.target_combo.currentText().strip()))

    def _target_changed(self, _index: int) -> None:
        summary = self.chosen()
        self.target = None
        self.target_error.show_reason("")
        if summary is None:
            self.target_info.setText("")
            self._update_states()
            return
        self.target_info.setText(f"Loading “{summary.name}”…")
        profile_id = summary.id
        self._runner.run(
            lambda: self._client.get_profile(profile_id),
            on_success=self._target_loaded,
            on_failure=self._failed,
            busy_text="Loading the profile…",
        )
        self._update_states()

    def _target_loaded(self, profile: Profile) -> None:
        summary = self.chosen()
        if summary is None or summary.id != profile.id:
            return  # the user has moved on to another profile
        self.target = profile
        changes = len(diff(content_of(profile), bundle_document(self.bundle)))
        what = (
            f"{changes} field{'s' if changes != 1 else ''} will change" if changes else "nothing will change"
        )
        markets = ", ".join(profile.markets) or "no markets"
        self.target_info.setText(
            f"Version {profile.version} · {markets} · {what}. Its markets stay as they are."
        )
        self._update_states()

    def _update_states(self) -> None:
        replacing = self.replace_radio.isChecked()
        self.target_combo.setEnabled(replacing and not self._working)
        self.target_info.setVisible(replacing)
        self.new_radio.setEnabled(not self._working)
        self.replace_radio.setEnabled(not self._working)
        ready = not replacing or self.target is not None
        self.publish_button.setEnabled(ready and not self._working)
        if self._working:
            self.publish_button.setText("Publishing…")
        elif replacing and self.target is not None:
            self.publish_button.setText(f"Publish over “{self.target.name}”")
        else:
            self.publish_button.setText("Publish")

    # --- publishing ------------------------------------------------------------------------

    def submit(self) -> None:
        """Publish the bundle where the dialog says."""
        if self._working:
            return
        self.banner.dismiss()
        if self.replace_radio.isChecked():
            target = self.target
            if target is None:
                self.target_error.show_reason("Choose a profile from the list.")
                self.target_combo.setFocus()
                return
            self._publish(target.id, target.version)
        else:
            self._publish(None, None)

    def _publish(self, profile_id: int | None, version: int | None) -> None:
        self._working = True
        self._update_states()
        client, bundle = self._client, self.bundle
        self._runner.run(
            lambda: publish_bundle(client, bundle, profile_id=profile_id, version=version),
            on_success=self._published,
            on_failure=self._publish_failed,
            busy_text="Publishing the bundle…",
        )

    def _published(self, profile: Profile) -> None:
        self._working = False
        self.result_profile = profile
        self.published.emit(profile)
        self.accept()

    def _publish_failed(self, error: ApiError) -> None:
        self._working = False
        self._update_states()
        if error.is_conflict and self.target is not None:
            profile_id = self.target.id
            self.banner.show_error(
                f"Someone saved “{self.target.name}” after you chose it. Loading their version to compare…"
            )
            self._runner.run(
                lambda: self._client.get_profile(profile_id),
                on_success=self.open_compare_dialog,
                on_failure=self._failed,
                busy_text="Loading the saved profile…",
            )
            return
        self._failed(error)

    def _failed(self, error: ApiError) -> None:
        if error.is_auth:
            self.session_ended.emit(error.message)
        reasons = [reason for field, reason in error.fields.items() if reason not in error.message]
        if "name" in error.fields and self.new_radio.isChecked():
            reasons.append("Publish over that profile instead, or rename the bundle on the Basic Info tab.")
        self.banner.show_error(" ".join([error.message, *reasons]) + " Nothing of the bundle was lost.")
        if self.replace_radio.isChecked() and self.target is None:
            self.target_info.setText("")

    def open_compare_dialog(self, theirs: Profile) -> CompareDialog:
        """Show how the bundle differs from the newer version (without blocking) and act on the choice."""
        self.target = theirs
        self._target_loaded(theirs)
        self.compare_dialog = CompareDialog.open_beside(
            self,
            bundle_document(self.bundle),
            theirs,
            self._compared,
            keep_label="Publish mine over theirs",
            take_label=None,
            mine_label="The bundle",
        )
        return self.compare_dialog

    def _compared(self, dialog: CompareDialog) -> None:
        if self.compare_dialog is dialog:
            self.compare_dialog = None
        theirs = dialog.theirs
        if dialog.choice == CompareDialog.KEEP:
            self.banner.dismiss()
            self._publish(theirs.id, theirs.version)
        else:
            self.banner.show_error(
                f"Nothing was published. “{theirs.name}” is at version {theirs.version}; publish again to "
                "write the bundle over it."
            )
