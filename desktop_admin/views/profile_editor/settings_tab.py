"""The Settings tab: the portal's look and feel, and what subscribers may do."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from common.formats import LOCALE_LABELS, PortalLocale, format_amount, format_date
from common.profile import (
    BRAND_NAME_MAX,
    DEFAULT_BROWSER_TITLE,
    LOGO_LIMITS,
    BillPresentation,
    LogoSlot,
    Settings,
    brand_name,
)
from common.theme import PALETTES, ThemeName, default_top_bar_colour
from desktop_admin.views import MUTED, FieldError, icon
from desktop_admin.views.profile_editor.basic_tab import CountedText, FormTab, Section, ToggleSwitch
from desktop_admin.widgets.colour_picker import ColourPicker
from desktop_admin.widgets.wheel_guard import guard_wheel

THEME_LABELS = {ThemeName.BLUE: "Blue", ThemeName.GRAY: "Gray"}
BILL_PRESENTATION_LABELS = {
    BillPresentation.BY_SERVICE: "Charges by service",
    BillPresentation.BY_CATEGORY: "Charges by category",
}
MESSAGE_MAX = 300
SSO_HELP_MAX = 500
CURRENCY_MAX = 5
# What the format sample shows: an amount with every digit group and a date with a two-digit day.
SAMPLE_AMOUNT = Decimal("1234.56")
SAMPLE_DATE = date(2026, 12, 13)
NO_NAME_YET = "the profile's name"


def _swatch(colour: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(0, 0, 0, 40))
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(0, 0, size - 1, size - 1, 4, 4)
    painter.end()
    return QIcon(pixmap)


def describe_logo(ref: dict[str, Any] | None) -> str:
    """Return a stored logo reference in words."""
    if not ref:
        return "Default branding"
    kind = str(ref.get("content_type", "image")).removeprefix("image/").upper().replace("SVG+XML", "SVG")
    size = int(ref.get("size") or 0)
    amount = f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"
    return f"Custom {kind}, {ref.get('width')} × {ref.get('height')} px, {amount}"


class SettingsTab(FormTab):
    """Theme, top-bar colour, brand name, browser title, logos, amounts and dates, billing display,
    paperless billing, sign-in.

    ``logo_picker`` is a ``LogoPicker`` (signals ``logoChosen(slot, data)`` and ``logoCleared(slot)``,
    ``set_logo(slot, data)``, ``set_top_bar_colour(colour, theme)``); without one the tab shows the
    current logos read-only. Choices are passed on as ``logo_chosen`` and ``logo_cleared``: the
    editor uploads logos (logo references only come from the server).
    """

    TITLE = "Settings"
    OWNS = ("settings", "logos")

    logo_chosen = Signal(str, bytes)
    logo_cleared = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, logo_picker: QWidget | None = None) -> None:
        super().__init__(parent)
        self.logo_picker = logo_picker
        self._uses_theme_colour = True
        self._profile_name = ""
        self.column.addWidget(self._look_section())
        self.column.addWidget(self._logos_section())
        self.column.addWidget(self._formats_section())
        self.column.addWidget(self._billing_section())
        self.column.addWidget(self._paperless_section())
        self.column.addWidget(self._access_section())
        self.column.addStretch(1)

    # --- building --------------------------------------------------------------------------

    def _look_section(self) -> Section:
        section = Section(
            "Look and feel", "The theme colours buttons, tabs and labels; the top bar can differ.", self
        )
        themes = QWidget(section)
        row = QHBoxLayout(themes)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(18)
        self.theme_group = QButtonGroup(self)
        self.theme_buttons: dict[str, QRadioButton] = {}
        for theme in ThemeName:
            button = QRadioButton(THEME_LABELS[theme], themes)
            button.setIcon(_swatch(PALETTES[theme].primary))
            button.setIconSize(QSize(14, 14))
            button.setAccessibleName(f"{THEME_LABELS[theme]} theme")
            self.theme_group.addButton(button)
            self.theme_buttons[theme.value] = button
            row.addWidget(button)
            button.toggled.connect(self._theme_toggled)
        row.addStretch(1)
        section.add(self.field("settings.theme", "Theme", themes))

        colour = QWidget(section)
        colour_column = QVBoxLayout(colour)
        colour_column.setContentsMargins(0, 0, 0, 0)
        colour_column.setSpacing(8)
        self.theme_colour_switch = ToggleSwitch("Use the theme's top-bar colour", colour)
        self.theme_colour_switch.toggled.connect(self._theme_colour_toggled)
        self.colour_note = QLabel(colour)
        self.colour_note.setObjectName("fieldHint")
        self.colour_picker = ColourPicker(colour)
        self.colour_picker.setMaximumWidth(780)
        self.colour_picker.colourChanged.connect(self._colour_picked)
        # Reset goes back to "no colour of its own", not to a copy of today's default.
        self.colour_picker.reset_button.clicked.connect(lambda: self.theme_colour_switch.setChecked(True))
        colour_column.addWidget(self.theme_colour_switch)
        colour_column.addWidget(self.colour_note)
        colour_column.addWidget(self.colour_picker)
        section.add(self.field("settings.top_bar_color", "Top bar colour", colour))

        self.brand_edit = QLineEdit(section)
        self.brand_edit.setMaxLength(BRAND_NAME_MAX + 20)  # room to see "too long" rather than silent cutting
        self.brand_edit.setMinimumHeight(32)
        self.brand_edit.textChanged.connect(self.changed)
        self.brand_field = self.field(
            "settings.brand_name",
            "Brand name",
            self.brand_edit,
            hint=(
                "Names the provider in mail (the sender, the subject, “Your … account”) and in the "
                "portal's footer. "
                f"Optional, at most {BRAND_NAME_MAX} characters; left empty, the profile's name is used."
            ),
        )
        section.add(self.brand_field)
        self._show_brand_default()

        self.title_edit = QLineEdit(section)
        self.title_edit.setPlaceholderText(DEFAULT_BROWSER_TITLE)
        self.title_edit.setMinimumHeight(32)
        self.title_edit.textChanged.connect(self._title_changed)
        self.title_reset = QPushButton(icon("fa6s.rotate-left"), "Reset", section)
        self.title_reset.setToolTip(f"Go back to “{DEFAULT_BROWSER_TITLE}”")
        self.title_reset.setAccessibleName("Reset the browser title")
        self.title_reset.clicked.connect(lambda: self.title_edit.setText(DEFAULT_BROWSER_TITLE))
        section.add(
            self.field(
                "settings.browser_title",
                "Browser title",
                self.title_edit,
                trailing=self.title_reset,
                hint="Shown on the browser tab of every portal page.",
            )
        )
        return section

    def _logos_section(self) -> Section:
        section = Section(
            "Logos",
            "Logos for the sign-in form, the top bar and the browser tab (favicon). "
            "Profiles without their own logo show the default branding.",
            self,
        )
        holder = QWidget(section)
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        self.logo_labels: dict[str, QLabel] = {}
        if self.logo_picker is not None:
            self.logo_picker.setParent(holder)
            grid.addWidget(self.logo_picker, 0, 0, 1, 2)
            self.logo_picker.logoChosen.connect(self.logo_chosen)  # type: ignore[attr-defined]
            self.logo_picker.logoCleared.connect(self.logo_cleared)  # type: ignore[attr-defined]
        else:
            for row, slot in enumerate(LogoSlot):
                limit = LOGO_LIMITS[slot]
                name = QLabel(limit.label, holder)
                name.setObjectName("fieldLabel")
                shown = QLabel(describe_logo(None), holder)
                shown.setAccessibleName(f"{limit.label} logo")
                rule = QLabel(limit.describe(), holder)
                rule.setObjectName("fieldHint")
                grid.addWidget(name, row * 2, 0)
                grid.addWidget(shown, row * 2, 1)
                grid.addWidget(rule, row * 2 + 1, 1)
                self.logo_labels[slot.value] = shown
            grid.setColumnStretch(1, 1)
        self.logos_error = FieldError(section)
        self.register("logos", "Logo", holder, self.logos_error)
        section.add(holder)
        section.add(self.logos_error)
        return section

    def _formats_section(self) -> Section:
        section = Section(
            "Amounts and dates",
            "How the portal and its mail write amounts, dates and times. The wording stays in US "
            "English whatever the locale.",
            self,
        )
        self.locale_combo = QComboBox(section)
        guard_wheel(self.locale_combo)
        self.locale_combo.setObjectName("editorCombo")
        for code, label in LOCALE_LABELS.items():
            self.locale_combo.addItem(label, code.value)
        self.locale_combo.setMinimumHeight(32)
        self.locale_combo.setMinimumWidth(240)
        self.locale_combo.currentIndexChanged.connect(self._formats_changed)
        self.currency_edit = QLineEdit(section)
        self.currency_edit.setPlaceholderText("None")
        self.currency_edit.setMaxLength(CURRENCY_MAX + 5)
        self.currency_edit.setFixedWidth(140)
        self.currency_edit.setMinimumHeight(32)
        self.currency_edit.textChanged.connect(self._formats_changed)
        pair = QWidget(section)
        row = QHBoxLayout(pair)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(24)
        row.addWidget(
            self.field("settings.locale", "Locale", self.locale_combo), 0, Qt.AlignmentFlag.AlignTop
        )
        row.addWidget(
            self.field(
                "settings.currency_symbol",
                "Currency symbol",
                self.currency_edit,
                hint=f"Up to {CURRENCY_MAX} characters, such as $ or €.",
            ),
            0,
            Qt.AlignmentFlag.AlignTop,
        )
        row.addStretch(1)
        section.add(pair)
        self.format_sample = QLabel(section)
        self.format_sample.setObjectName("fieldHint")
        self.format_sample.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        section.add(self.format_sample)
        return section

    def _billing_section(self) -> Section:
        section = Section("Billing display", "How bills and services read in the portal.", self)
        self.bill_combo = QComboBox(section)
        guard_wheel(self.bill_combo)
        self.bill_combo.setObjectName("editorCombo")
        for value, label in BILL_PRESENTATION_LABELS.items():
            self.bill_combo.addItem(label, value.value)
        self.bill_combo.setMinimumHeight(32)
        self.bill_combo.setMinimumWidth(240)
        self.bill_combo.currentIndexChanged.connect(self.changed)
        pair = QWidget(section)
        row = QHBoxLayout(pair)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(24)
        row.addWidget(
            self.field("settings.bill_presentation", "Default bill presentation", self.bill_combo),
            0,
            Qt.AlignmentFlag.AlignTop,
        )
        row.addStretch(1)
        section.add(pair)
        self.contract_dates_switch = ToggleSwitch("Show contract start and end dates", section)
        self.service_names_switch = ToggleSwitch("Subscribers may edit service names", section)
        for switch in (self.contract_dates_switch, self.service_names_switch):
            switch.toggled.connect(self.changed)
            section.add(switch)
        return section

    def _paperless_section(self) -> Section:
        section = Section(
            "Paperless billing",
            "Whether subscribers see their paperless billing status, what it says, and who may change it.",
            self,
        )
        self.paperless_switch = ToggleSwitch("Show paperless billing status", section)
        self.paperless_switch.toggled.connect(self._paperless_toggled)
        section.add(self.paperless_switch)
        self.paperless_options = QWidget(section)
        options = QVBoxLayout(self.paperless_options)
        options.setContentsMargins(0, 4, 0, 0)
        options.setSpacing(14)
        self.opt_in_edit = CountedText(MESSAGE_MAX, lines=2, parent=self.paperless_options)
        self.opt_out_edit = CountedText(MESSAGE_MAX, lines=2, parent=self.paperless_options)
        for path, label, edit in (
            ("settings.paperless.opt_in_message", "Opt-in message", self.opt_in_edit),
            ("settings.paperless.opt_out_message", "Opt-out message", self.opt_out_edit),
        ):
            edit.textChanged.connect(self.changed)
            options.addWidget(self.field(path, label, edit, below=edit.counter))
        self.paperless_change_switch = ToggleSwitch(
            "Subscribers may change their paperless billing status", self.paperless_options
        )
        self.paperless_change_switch.toggled.connect(self.changed)
        options.addWidget(self.paperless_change_switch)
        section.add(self.paperless_options)
        return section

    def _access_section(self) -> Section:
        section = Section(
            "Subscriber access", "What subscribers of this profile may do, and how they sign in.", self
        )
        self.account_locks_switch = ToggleSwitch("Account locks manageable by subscribers", section)
        self.account_locks_switch.setToolTip("Port-out and SIM-change locks on the subscriber's lines")
        self.registration_switch = ToggleSwitch("Subscribers may register themselves", section)
        self.force_sso_switch = ToggleSwitch("Force single sign-on", section)
        self.force_sso_switch.setToolTip(
            "Subscribers must sign in through the OpenID Connect provider; the portal's own sign-in "
            "page is not offered"
        )
        for switch in (self.account_locks_switch, self.registration_switch, self.force_sso_switch):
            switch.toggled.connect(self.changed)
            section.add(switch)
        self.force_sso_switch.toggled.connect(self._sso_toggled)
        self.sso_help_edit = CountedText(SSO_HELP_MAX, lines=3, parent=section)
        self.sso_help_edit.setPlaceholderText("Help for subscribers who must sign in with their organisation")
        self.sso_help_edit.textChanged.connect(self.changed)
        self.sso_help_field = self.field(
            "settings.sso_help_text",
            "SSO help text",
            self.sso_help_edit,
            below=self.sso_help_edit.counter,
            hint="Shown on the sign-in page while single sign-on is forced.",
        )
        section.add(self.sso_help_field)
        return section

    # --- the draft -------------------------------------------------------------------------

    def load(self, draft: dict[str, Any]) -> None:
        """Show the draft's settings and logos."""
        settings = {**Settings().model_dump(mode="json"), **(draft.get("settings") or {})}
        paperless = {**Settings().paperless.model_dump(mode="json"), **(settings.get("paperless") or {})}
        with self.loading():
            theme = str(settings["theme"])
            self.theme_buttons.get(theme, self.theme_buttons[ThemeName.BLUE.value]).setChecked(True)
            self.colour_picker.set_theme(self.theme())
            own_colour = settings.get("top_bar_color")
            self._uses_theme_colour = not own_colour
            with QSignalBlocker(self.colour_picker):
                self.colour_picker.set_colour(own_colour or default_top_bar_colour(self.theme()))
            self.theme_colour_switch.setChecked(self._uses_theme_colour)
            self.set_profile_name(str(draft.get("name") or ""))
            self.brand_edit.setText(str(settings["brand_name"]))
            self.title_edit.setText(str(settings["browser_title"]))
            self._choose_locale(str(settings["locale"]))
            self.currency_edit.setText(str(settings["currency_symbol"]))
            index = self.bill_combo.findData(settings["bill_presentation"])
            self.bill_combo.setCurrentIndex(max(0, index))
            self.contract_dates_switch.setChecked(bool(settings["show_contract_dates"]))
            self.service_names_switch.setChecked(bool(settings["service_names_editable"]))
            self.paperless_switch.setChecked(bool(paperless["show_status"]))
            self.opt_in_edit.setPlainText(str(paperless["opt_in_message"]))
            self.opt_out_edit.setPlainText(str(paperless["opt_out_message"]))
            self.paperless_change_switch.setChecked(bool(paperless["subscriber_can_change"]))
            self.account_locks_switch.setChecked(bool(settings["account_locks_enabled"]))
            self.registration_switch.setChecked(bool(settings["registration_enabled"]))
            self.force_sso_switch.setChecked(bool(settings["force_sso"]))
            self.sso_help_edit.setPlainText(str(settings["sso_help_text"]))
            logos = draft.get("logos") or {}
            for slot, label in self.logo_labels.items():
                label.setText(describe_logo(logos.get(slot)))
        self._update_states()

    def apply(self, draft: dict[str, Any]) -> None:
        """Write the settings into the draft; logos change only through uploads, not here."""
        draft["settings"] = {
            "account_locks_enabled": self.account_locks_switch.isChecked(),
            "theme": self.theme(),
            "top_bar_color": None if self._uses_theme_colour else self.colour_picker.colour(),
            "brand_name": self.brand_edit.text(),
            "browser_title": self.title_edit.text(),
            "locale": str(self.locale_combo.currentData()),
            "currency_symbol": self.currency_edit.text(),
            "bill_presentation": str(self.bill_combo.currentData()),
            "show_contract_dates": self.contract_dates_switch.isChecked(),
            "service_names_editable": self.service_names_switch.isChecked(),
            "paperless": {
                "show_status": self.paperless_switch.isChecked(),
                "opt_in_message": self.opt_in_edit.toPlainText(),
                "opt_out_message": self.opt_out_edit.toPlainText(),
                "subscriber_can_change": self.paperless_change_switch.isChecked(),
            },
            "registration_enabled": self.registration_switch.isChecked(),
            "force_sso": self.force_sso_switch.isChecked(),
            "sso_help_text": self.sso_help_edit.toPlainText(),
        }

    def set_profile_name(self, name: str) -> None:
        """Show, as the brand name's placeholder, the brand the profile gets while the field is empty."""
        self._profile_name = name
        self._show_brand_default()

    def _show_brand_default(self) -> None:
        derived = brand_name("", self._profile_name) or NO_NAME_YET
        self.brand_edit.setPlaceholderText(derived)
        self.brand_edit.setToolTip(f"Left empty, mail names the brand “{derived}”")

    def _choose_locale(self, code: str) -> None:
        # An unsupported locale kept from an earlier draft belongs to that draft only.
        while self.locale_combo.count() > len(LOCALE_LABELS):
            self.locale_combo.removeItem(self.locale_combo.count() - 1)
        index = self.locale_combo.findData(code)
        if index < 0:
            # A locale this console does not know (a newer server's, say) is kept, not replaced:
            # the shared validation then says why it cannot be saved from here.
            self.locale_combo.addItem(f"{code} (not supported)", code)
            index = self.locale_combo.count() - 1
        self.locale_combo.setCurrentIndex(index)

    def _formats_changed(self, *_args: object) -> None:
        self._show_format_sample()
        self.changed()

    def _show_format_sample(self) -> None:
        code = str(self.locale_combo.currentData())
        if code not in set(PortalLocale):
            self.format_sample.setText("")
            return
        amount = format_amount(SAMPLE_AMOUNT, self.currency_edit.text().strip(), code)
        self.format_sample.setText(f"Amounts read {amount}, dates {format_date(SAMPLE_DATE, code)}.")

    def theme(self) -> str:
        """Return the chosen theme's name."""
        for name, button in self.theme_buttons.items():
            if button.isChecked():
                return name
        return ThemeName.BLUE.value

    def top_bar_colour(self) -> str | None:
        """Return the top-bar colour the draft gets: None while the theme's colour is used."""
        return None if self._uses_theme_colour else self.colour_picker.colour()

    def set_logo_image(self, slot: str, data: bytes | None) -> None:
        """Show a logo's image in the picker (None: the default branding)."""
        if self.logo_picker is not None:
            self.logo_picker.set_logo(slot, data)  # type: ignore[attr-defined]

    def show_logo_refs(self, logos: dict[str, Any]) -> None:
        """Show which logos the draft points at (the read-only view without a picker)."""
        for slot, label in self.logo_labels.items():
            label.setText(describe_logo(logos.get(slot)))

    # --- reactions -------------------------------------------------------------------------

    def _theme_toggled(self, checked: bool) -> None:
        if not checked:
            return
        self.colour_picker.set_theme(self.theme())
        if self._uses_theme_colour:
            with QSignalBlocker(self.colour_picker):
                self.colour_picker.set_colour(default_top_bar_colour(self.theme()))
        self._update_states()
        self.changed()

    def _theme_colour_toggled(self, checked: bool) -> None:
        if self._loading:
            return
        self._uses_theme_colour = checked
        if checked:
            with QSignalBlocker(self.colour_picker):
                self.colour_picker.set_colour(default_top_bar_colour(self.theme()))
        self._update_states()
        self.changed()

    def _colour_picked(self, _colour: str) -> None:
        # Any colour the user picks is the profile's own, even one equal to today's default.
        if self._uses_theme_colour:
            self._uses_theme_colour = False
            with QSignalBlocker(self.theme_colour_switch):
                self.theme_colour_switch.setChecked(False)
        self._update_states()
        self.changed()

    def _title_changed(self, _text: str) -> None:
        self._update_states()
        self.changed()

    def _paperless_toggled(self, _checked: bool) -> None:
        self._update_states()
        self.changed()

    def _sso_toggled(self, _checked: bool) -> None:
        self._update_states()

    def _update_states(self) -> None:
        theme = self.theme()
        if self._uses_theme_colour:
            self.colour_note.setText(
                f"The top bar uses the {THEME_LABELS[ThemeName(theme)].lower()} theme's colour, "
                f"{default_top_bar_colour(theme)}. Pick a colour below to give this profile its own."
            )
        else:
            self.colour_note.setText(
                f"This profile's own colour, {self.colour_picker.colour()}. Reset goes back to the theme's."
            )
        self.colour_note.setStyleSheet(f"color: {MUTED};")
        if self.logo_picker is not None:
            self.logo_picker.set_top_bar_colour(self.top_bar_colour(), theme)  # type: ignore[attr-defined]
        self.title_reset.setEnabled(self.title_edit.text() != DEFAULT_BROWSER_TITLE)
        self.paperless_options.setVisible(self.paperless_switch.isChecked())
        self.sso_help_edit.setEnabled(self.force_sso_switch.isChecked())
        self.sso_help_field.label.setEnabled(self.force_sso_switch.isChecked())
        self._show_format_sample()
