"""The profile editor against a real portal server: tabs, one validated save, conflicts, markets, logos."""

from __future__ import annotations

from tests.desktop_admin import qt_env

# isort: split
import contextlib
import itertools
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from common.formats import LOCALE_LABELS
from common.profile import (
    DEFAULT_BROWSER_TITLE,
    HOME_WIDGET_LABELS,
    NOTIFICATION_TEMPLATES,
    NotificationKind,
    Profile,
    ProfileContent,
    default_content,
)
from common.theme import default_top_bar_colour
from common.validation import FieldErrors, parse
from desktop_admin.api import ApiClient, ApiError
from desktop_admin.views.main_window import MainWindow
from desktop_admin.views.profile_editor.basic_tab import sentence
from desktop_admin.views.profile_editor.editor import (
    COMPARE,
    RELOAD,
    CompareDialog,
    ProfileEditor,
    content_of,
)
from desktop_admin.views.profile_editor.markets_tab import SAVE_FIRST
from desktop_admin.views.profile_editor.settings_tab import SettingsTab, describe_logo
from tests.desktop_admin.conftest import WAIT_MS, png, unique, wait_idle
from tests.desktop_admin.server_fixture import LiveServer

server_tests = pytest.mark.sqlite_only
OpenEditor = Callable[[int | None], ProfileEditor]

SEED_TAB_ORDER = [
    "Basic Info",
    "Settings",
    "Notifications",
    "Menu",
    "Markets",
    "Home Widgets",
    "Support Menu",
    "Tickets",
    "Links & Ticket Notes",
    "Chat",
]


# --- helpers ---------------------------------------------------------------------------------


def profile_id_of(api: ApiClient, name: str) -> int:
    return next(p.id for p in api.list_profiles().items if p.name == name)


@pytest.fixture
def copy_of_retail(admin_api: ApiClient, tidy: list[int]) -> Profile:
    """A fresh copy of the demo profile "Retail East" that the test may change freely."""
    profile = admin_api.duplicate_profile(profile_id_of(admin_api, "Retail East"), unique("Editor test"))
    tidy.append(profile.id)
    return profile


@pytest.fixture
def open_editor(qtbot: QtBot, console_theme: QApplication, live_server: LiveServer) -> Iterator[OpenEditor]:
    """Return a function that opens the editor for a profile id (None: a new profile) and waits for it."""
    editors: list[ProfileEditor] = []
    clients: list[ApiClient] = []

    def open_for(profile_id: int | None) -> ProfileEditor:
        client = ApiClient(live_server.base_url, timeout=10)
        client.sign_in("admin", live_server.admin_password)
        clients.append(client)
        editor = ProfileEditor(client, profile_id)
        editors.append(editor)
        editor.resize(1280, 900)
        editor.show()
        qtbot.waitExposed(editor)
        wait_idle(qtbot, editor)
        if profile_id is not None:
            assert editor.loaded_version is not None
        return editor

    yield open_for
    # Closed here rather than by qtbot, so that an editor left with changes is never asked about them.
    for editor in editors:
        if shiboken6.isValid(editor):
            editor.ask_unsaved = lambda: "discard"  # type: ignore[method-assign]
            editor.close()
            editor.deleteLater()
    # Deleted now, while Qt is whole: a web view outliving its profile at exit makes Qt complain.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    for client in clients:
        with contextlib.suppress(ApiError):
            client.sign_out()
        client.close()


# --- the tabs --------------------------------------------------------------------------------


def test_tabs_follow_the_reference_order_and_each_continues_to_the_next(
    qtbot: QtBot, console_theme: QApplication
) -> None:
    editor = ProfileEditor(ApiClient("http://127.0.0.1:9"))  # a new profile: nothing is asked of the server
    qtbot.add_widget(editor)
    titles = editor.tab_titles()
    # Tabs from parts of the console that are not there are left out; the rest keep the seed's order.
    assert titles == [title for title in SEED_TAB_ORDER if title in titles]
    assert {"Basic Info", "Settings", "Notifications", "Markets", "Home Widgets", "Support Menu"} <= set(
        titles
    )
    for title, following in itertools.pairwise(titles):
        button = editor.continue_button(title)
        assert button.text().replace("&&", "&") == f"Continue to {following}"
        editor.show_tab(title)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert following == editor.current_tab().TITLE
    assert editor.continue_button(titles[-1]).text().replace("&&", "&") == "Save & Complete"
    assert editor.tab_widget.tabText(titles.index("Basic Info")) == "Basic Info"
    editor.close()


def test_settings_tab_top_bar_colour_follows_the_theme_until_one_is_picked(qtbot: QtBot) -> None:
    tab = SettingsTab()
    qtbot.add_widget(tab)
    draft: dict[str, Any] = default_content("Colours").model_dump(mode="json")
    tab.load(draft)
    edits: list[None] = []
    tab.edited.connect(lambda: edits.append(None))
    assert tab.theme_colour_switch.isChecked()
    assert tab.colour_picker.colour() == default_top_bar_colour("blue")

    tab.theme_buttons["gray"].setChecked(True)
    assert tab.colour_picker.theme() == "gray"
    assert tab.colour_picker.colour() == default_top_bar_colour("gray")
    tab.apply(draft)
    assert draft["settings"]["theme"] == "gray"
    assert draft["settings"]["top_bar_color"] is None  # still the theme's own colour

    tab.colour_picker.set_colour("#7a1f5c")
    assert not tab.theme_colour_switch.isChecked()
    tab.apply(draft)
    assert draft["settings"]["top_bar_color"] == "#7a1f5c"

    qtbot.mouseClick(tab.colour_picker.reset_button, Qt.MouseButton.LeftButton)
    assert tab.theme_colour_switch.isChecked()
    tab.apply(draft)
    assert draft["settings"]["top_bar_color"] is None
    assert edits

    tab.title_edit.setText("Acme — My Account")
    assert tab.title_reset.isEnabled()
    qtbot.mouseClick(tab.title_reset, Qt.MouseButton.LeftButton)
    assert tab.title_edit.text() == DEFAULT_BROWSER_TITLE
    assert not tab.title_reset.isEnabled()


def test_settings_tab_hides_paperless_options_and_holds_sso_help_until_sso_is_forced(qtbot: QtBot) -> None:
    tab = SettingsTab()
    qtbot.add_widget(tab)
    tab.show()
    tab.load(default_content("Switches").model_dump(mode="json"))
    assert tab.paperless_options.isVisibleTo(tab)
    tab.paperless_switch.setChecked(False)
    assert not tab.paperless_options.isVisibleTo(tab)
    assert not tab.sso_help_edit.isEnabled()
    qtbot.mouseClick(tab.force_sso_switch, Qt.MouseButton.LeftButton)
    assert tab.force_sso_switch.isChecked()
    assert tab.sso_help_edit.isEnabled()
    tab.sso_help_edit.setPlainText("Sign in with your company account.")
    draft: dict[str, Any] = {}
    tab.apply(draft)
    settings = draft["settings"]
    assert settings["paperless"]["show_status"] is False
    assert settings["paperless"]["opt_in_message"]  # hidden, not forgotten
    assert settings["force_sso"] is True
    assert settings["sso_help_text"] == "Sign in with your company account."
    assert "logos" not in draft  # logos change only through uploads


def _schema_errors(draft: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(FieldErrors) as caught:
        parse(ProfileContent, draft)
    return caught.value.fields


def test_settings_tab_edits_the_brand_name_and_the_locale(qtbot: QtBot) -> None:
    tab = SettingsTab()
    qtbot.add_widget(tab)
    draft: dict[str, Any] = default_content("Retail East").model_dump(mode="json")
    tab.load(draft)
    # Empty, the brand is the profile's name: the placeholder says which.
    assert tab.brand_edit.text() == "" and tab.brand_edit.placeholderText() == "Retail East"
    tab.set_profile_name("Retail North")
    assert tab.brand_edit.placeholderText() == "Retail North"
    tab.set_profile_name("  ")
    assert tab.brand_edit.placeholderText() == "the profile's name"

    labels = [tab.locale_combo.itemText(i) for i in range(tab.locale_combo.count())]
    assert labels == list(LOCALE_LABELS.values())
    assert tab.locale_combo.currentData() == "en-US"
    assert tab.locale_combo.currentText() == "English (United States)"
    assert tab.currency_edit.text() == "$"
    assert tab.format_sample.text() == "Amounts read $1,234.56, dates Dec 13, 2026."

    edits: list[None] = []
    tab.edited.connect(lambda: edits.append(None))
    tab.locale_combo.setCurrentIndex(tab.locale_combo.findData("de-DE"))
    tab.currency_edit.setText("€")
    tab.brand_edit.setText("Eastern Broadband")
    assert len(edits) == 3
    assert tab.format_sample.text() == "Amounts read 1.234,56\u00a0€, dates 13.12.2026."
    tab.apply(draft)
    assert draft["settings"]["brand_name"] == "Eastern Broadband"
    assert draft["settings"]["locale"] == "de-DE"
    assert draft["settings"]["currency_symbol"] == "€"
    assert parse(ProfileContent, draft).settings.locale == "de-DE"

    # Refusals read as the server words them, from the shared validation.
    tab.brand_edit.setText("B" * 81)
    tab.apply(draft)
    errors = _schema_errors(draft)
    tab.show_errors(errors)
    assert tab.error_text("settings.brand_name") == "Brand name must be at most 80 characters."
    assert tab.error_text("settings.brand_name") == sentence("Brand name", errors["settings.brand_name"])
    assert tab.brand_edit.property("invalid") is True

    # A locale this console does not offer is kept as it is, and refused with the shared reason.
    tab.load({**draft, "settings": {**draft["settings"], "brand_name": "", "locale": "pt-BR"}})
    assert tab.locale_combo.currentText() == "pt-BR (not supported)"
    assert tab.format_sample.text() == ""
    tab.apply(draft)
    assert draft["settings"]["locale"] == "pt-BR"
    errors = _schema_errors(draft)
    tab.show_errors(errors)
    assert tab.error_text("settings.locale") == sentence("Locale", errors["settings.locale"])
    assert tab.error_text("settings.locale").startswith("Locale must be one of 'en-US', 'es-US', ")
    tab.load(default_content("Retail East").model_dump(mode="json"))
    assert tab.locale_combo.count() == len(LOCALE_LABELS)  # the unsupported one went with its draft


def test_without_a_logo_picker_the_settings_tab_shows_the_logos_read_only(qtbot: QtBot) -> None:
    tab = SettingsTab(logo_picker=None)
    qtbot.add_widget(tab)
    ref = {"sha256": "a" * 64, "content_type": "image/png", "width": 120, "height": 40, "size": 4096}
    tab.load({**default_content("Logos").model_dump(mode="json"), "logos": {"login": ref}})
    assert tab.logo_labels["login"].text() == "Custom PNG, 120 × 40 px, 4 KB" == describe_logo(ref)
    assert tab.logo_labels["favicon"].text() == "Default branding"


# --- editing and saving ----------------------------------------------------------------------


@server_tests
def test_edit_a_demo_profile_on_several_tabs_and_save_and_complete(
    qtbot: QtBot,
    open_editor: OpenEditor,
    admin_api: ApiClient,
) -> None:
    retail = admin_api.get_profile(profile_id_of(admin_api, "Retail East"))
    original = content_of(retail)
    try:
        editor = open_editor(retail.id)
        assert editor.basic_tab.name_edit.text() == "Retail East"
        assert editor.markets == retail.markets
        assert not editor.is_dirty()
        assert editor.windowTitle().startswith("Retail East")

        editor.basic_tab.description_edit.setPlainText("Residential subscribers east of the river")
        assert editor.is_dirty()
        assert editor.state_chip.text() == "Unsaved changes"
        qtbot.mouseClick(editor.continue_button("Basic Info"), Qt.MouseButton.LeftButton)
        assert editor.current_tab().TITLE == "Settings"
        editor.settings_tab.title_edit.setText("Eastern Broadband — Your Account")
        editor.settings_tab.theme_buttons["gray"].setChecked(True)
        qtbot.mouseClick(editor.continue_button("Settings"), Qt.MouseButton.LeftButton)
        assert editor.current_tab().TITLE == "Notifications"
        combo = editor.notifications_tab.combos["registration"]
        combo.setCurrentIndex(combo.findData("friendly.registration"))
        friendly = NOTIFICATION_TEMPLATES[NotificationKind.REGISTRATION]["friendly.registration"]
        assert combo.currentText() == friendly
        editor.show_tab("Home Widgets")
        editor.widgets_tab.switches["recent_payments"].setChecked(True)
        editor.show_tab("Support Menu")
        editor.support_tab.phone_edit.setText("+1 (800) 555-0199")

        # Moving around keeps every edit; only Save & Complete sends them.
        for title in editor.tab_titles():
            editor.show_tab(title)
        assert editor.basic_tab.description_edit.toPlainText() == "Residential subscribers east of the river"
        assert admin_api.get_profile(retail.id).version == retail.version

        last = editor.tab_titles()[-1]
        editor.show_tab(last)
        qtbot.mouseClick(editor.continue_button(last), Qt.MouseButton.LeftButton)
        wait_idle(qtbot, editor)

        saved = admin_api.get_profile(retail.id)
        assert saved.version == retail.version + 1
        assert saved.description == "Residential subscribers east of the river"
        assert saved.settings.browser_title == "Eastern Broadband — Your Account"
        assert saved.settings.theme == "gray"
        assert saved.settings.top_bar_color == retail.settings.top_bar_color
        assert saved.notifications.registration == "friendly.registration"
        assert saved.home_widgets.recent_payments is True
        assert saved.support.phone == "+1 (800) 555-0199"
        assert saved.markets == retail.markets
        assert saved.support_request_types == retail.support_request_types  # tabs not touched keep theirs
        assert editor.loaded_version == saved.version
        assert not editor.is_dirty()
        assert editor.state_chip.text() == "All changes saved"
        assert editor.last_status == f"Saved “Retail East” as version {saved.version}."
    finally:
        current = admin_api.get_profile(retail.id)
        admin_api.replace_profile(retail.id, ProfileContent.model_validate(original), version=current.version)


@server_tests
def test_brand_name_and_locale_round_trip_through_the_server(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient, copy_of_retail: Profile
) -> None:
    editor = open_editor(copy_of_retail.id)
    settings = editor.settings_tab
    assert settings.brand_edit.text() == "Eastern Broadband"  # the demo profile's brand
    assert settings.locale_combo.currentText() == "English (United States)"
    settings.brand_edit.setText("")
    assert settings.brand_edit.placeholderText() == copy_of_retail.name
    # Renaming the profile on Basic Info changes the brand an empty field stands for.
    editor.basic_tab.name_edit.setText(copy_of_retail.name + " (new)")
    assert settings.brand_edit.placeholderText() == copy_of_retail.name + " (new)"
    editor.basic_tab.name_edit.setText(copy_of_retail.name)

    settings.brand_edit.setText("  Eastern Broadband Québec ")
    settings.locale_combo.setCurrentIndex(settings.locale_combo.findData("fr-CA"))
    assert editor.is_dirty()
    editor.save_action.trigger()
    wait_idle(qtbot, editor)

    saved = admin_api.get_profile(copy_of_retail.id)
    assert saved.version == copy_of_retail.version + 1
    assert saved.settings.brand_name == "Eastern Broadband Québec"
    assert saved.settings.locale == "fr-CA"
    assert saved.settings.currency_symbol == "$"
    assert not editor.is_dirty()
    assert settings.brand_edit.text() == "Eastern Broadband Québec"  # as the server keeps it

    again = open_editor(copy_of_retail.id)
    assert again.settings_tab.brand_edit.text() == "Eastern Broadband Québec"
    assert again.settings_tab.locale_combo.currentText() == "French (Canada)"
    assert again.settings_tab.format_sample.text() == "Amounts read 1\u00a0234,56\u00a0$, dates 13 déc. 2026."


@server_tests
def test_ctrl_s_saves_and_a_second_save_needs_no_reload(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient, copy_of_retail: Profile
) -> None:
    editor = open_editor(copy_of_retail.id)
    assert editor.save_action.shortcut().toString() == "Ctrl+S"
    editor.support_tab.website_edit.setText("https://help.example.net")
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(editor.support_tab.website_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, editor)
    assert admin_api.get_profile(copy_of_retail.id).support.website == "https://help.example.net"

    editor.support_tab.website_edit.setText("  https://help2.example.net  ")
    editor.save_action.trigger()
    wait_idle(qtbot, editor)
    saved = admin_api.get_profile(copy_of_retail.id)
    assert saved.support.website == "https://help2.example.net"
    assert saved.version == copy_of_retail.version + 2
    assert editor.support_tab.website_edit.text() == "https://help2.example.net"  # as the server keeps it


@server_tests
def test_a_new_profile_from_the_defaults_is_created_by_save_and_complete(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient, tidy: list[int]
) -> None:
    editor = open_editor(None)
    assert editor.is_new()
    assert editor.windowTitle().startswith("New Profile")
    assert editor.basic_tab.name_edit.text() == ""
    assert editor.settings_tab.title_edit.text() == DEFAULT_BROWSER_TITLE
    editor.show_tab("Markets")
    assert editor.markets_tab.unsaved_note.isVisibleTo(editor.markets_tab)
    assert not editor.markets_tab.manage.isVisibleTo(editor.markets_tab)
    assert editor.markets_tab.unsaved_label.text() == SAVE_FIRST
    assert not editor.is_dirty()  # nothing typed yet: closing needs no question

    name = unique("Fresh profile")
    editor.basic_tab.name_edit.setText(name)
    editor.basic_tab.description_edit.setPlainText("Made in the editor")
    assert editor.is_dirty()
    editor.save_action.trigger()
    wait_idle(qtbot, editor)

    assert editor.profile_id is not None
    tidy.append(editor.profile_id)
    created = admin_api.get_profile(editor.profile_id)
    assert created.name == name
    assert created.description == "Made in the editor"
    expected = default_content(name, "Made in the editor").model_dump(mode="json")
    assert content_of(created) == expected
    assert editor.loaded_version == created.version
    assert not editor.is_new()
    assert not editor.is_dirty()
    assert editor.windowTitle().startswith(name)
    assert editor.markets_tab.manage.isVisibleTo(editor.markets_tab)

    # It goes on as an existing profile: the next save replaces it.
    editor.support_tab.email_edit.setText("help@fresh.example")
    editor.save()
    wait_idle(qtbot, editor)
    assert admin_api.get_profile(created.id).support.email == "help@fresh.example"
    assert len([p for p in admin_api.list_profiles(q=name).items if p.name == name]) == 1


@server_tests
def test_invalid_input_is_shown_on_the_right_tabs_before_any_request(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient, copy_of_retail: Profile
) -> None:
    editor = open_editor(copy_of_retail.id)
    editor.show_tab("Settings")
    editor.basic_tab.name_edit.setText("   ")
    editor.support_tab.email_edit.setText("care at example")

    assert editor.save() is False
    assert editor.runner.is_idle()  # nothing was sent
    assert editor.tab_errors == {"Basic Info": 1, "Support Menu": 1}
    assert editor.current_tab().TITLE == "Basic Info"
    assert editor.basic_tab.name_edit.hasFocus()
    assert editor.basic_tab.name_edit.property("invalid") is True
    assert editor.basic_tab.error_text("name") == "Name is required."
    assert editor.support_tab.error_text("support.email") == (
        "Email must be an email address such as name@example.com."  # the suite's one email rule
    )
    for index, title in enumerate(editor.tab_titles()):
        marked = not editor.tab_widget.tabIcon(index).isNull()
        assert marked == (title in ("Basic Info", "Support Menu")), title
    assert editor.banner.text().startswith("2 problems to fix before the profile can be saved")
    qtbot.wait(50)  # let the layout take in the error lines
    qt_env.save_screenshot(editor, "console-editor-errors.png")

    # Fixing a field clears its mark at once; the other stays until it is fixed too.
    editor.basic_tab.name_edit.setText(copy_of_retail.name)
    assert editor.tab_errors == {"Support Menu": 1}
    assert editor.tab_widget.tabIcon(0).isNull()
    saved = admin_api.get_profile(copy_of_retail.id)
    assert saved.version == copy_of_retail.version
    assert saved.support.email == copy_of_retail.support.email
    assert editor.support_tab.email_edit.text() == "care at example"  # nothing typed is lost


@server_tests
def test_a_name_taken_by_another_profile_is_shown_at_the_name(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient, copy_of_retail: Profile
) -> None:
    editor = open_editor(copy_of_retail.id)
    editor.show_tab("Support Menu")
    editor.basic_tab.name_edit.setText("business west")
    assert editor.save() is True
    wait_idle(qtbot, editor)
    assert editor.current_tab().TITLE == "Basic Info"
    assert editor.basic_tab.error_text("name") == "Name is already used by another profile."
    assert editor.banner.text() == "A profile named “business west” already exists."
    assert editor.basic_tab.name_edit.text() == "business west"
    assert admin_api.get_profile(copy_of_retail.id).name == copy_of_retail.name
    editor.basic_tab.name_edit.setText(copy_of_retail.name + " renamed")
    assert editor.tab_errors == {}


# --- leaving with changes --------------------------------------------------------------------


@server_tests
def test_closing_with_unsaved_changes_asks_save_discard_or_cancel(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient, copy_of_retail: Profile
) -> None:
    editor = open_editor(copy_of_retail.id)
    asked: list[str] = []
    answers = iter(["cancel", "save"])

    def ask() -> str:
        asked.append(editor.draft["description"])
        return next(answers)

    editor.ask_unsaved = ask  # type: ignore[method-assign]
    editor.basic_tab.description_edit.setPlainText("Kept through a cancelled close")
    assert editor.close() is False
    assert asked == ["Kept through a cancelled close"]
    assert editor.isVisible()
    assert editor.basic_tab.description_edit.toPlainText() == "Kept through a cancelled close"

    closed: list[None] = []
    editor.closed.connect(lambda: closed.append(None))
    assert editor.close() is False  # saving first; it closes when the save is through
    qtbot.waitUntil(lambda: bool(closed), timeout=WAIT_MS)
    assert not editor.isVisible()
    assert admin_api.get_profile(copy_of_retail.id).description == "Kept through a cancelled close"


@server_tests
def test_discarding_on_close_saves_nothing(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient, copy_of_retail: Profile
) -> None:
    untouched = open_editor(copy_of_retail.id)
    untouched.show_tab("Settings")  # looking changes nothing
    untouched.ask_unsaved = lambda: pytest.fail("nothing changed: no question")  # type: ignore[method-assign]
    assert untouched.close() is True

    editor = open_editor(copy_of_retail.id)
    editor.widgets_tab.switches["quick_pay"].setChecked(not copy_of_retail.home_widgets.quick_pay)
    editor.ask_unsaved = lambda: "discard"  # type: ignore[method-assign]
    assert editor.close() is True
    assert admin_api.get_profile(copy_of_retail.id).version == copy_of_retail.version


# --- conflicts -------------------------------------------------------------------------------


@server_tests
def test_a_conflict_offers_reload_which_shows_the_servers_values(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient, copy_of_retail: Profile
) -> None:
    editor = open_editor(copy_of_retail.id)
    editor.basic_tab.description_edit.setPlainText("Mine")
    theirs = admin_api.patch_profile(
        copy_of_retail.id, {"support": {"phone": "+1 555 0100"}}, version=copy_of_retail.version
    )
    asked: list[int | None] = []

    def ask(current_version: int | None) -> str:
        asked.append(current_version)
        return RELOAD

    editor.ask_conflict = ask  # type: ignore[method-assign]
    assert editor.save() is True
    wait_idle(qtbot, editor)
    assert asked == [theirs.version]
    assert editor.loaded_version == theirs.version
    assert editor.support_tab.phone_edit.text() == "+1 555 0100"
    assert editor.basic_tab.description_edit.toPlainText() == copy_of_retail.description
    assert not editor.is_dirty()
    assert admin_api.get_profile(copy_of_retail.id).version == theirs.version


@server_tests
def test_reload_asks_before_dropping_changes(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient, copy_of_retail: Profile
) -> None:
    editor = open_editor(copy_of_retail.id)
    admin_api.patch_profile(copy_of_retail.id, {"description": "Newer"}, version=copy_of_retail.version)
    editor.support_tab.phone_edit.setText("+1 555 0102")
    questions: list[str] = []
    answers = iter([False, True])

    def confirm(title: str, question: str) -> bool:
        questions.append(question)
        return next(answers)

    editor.confirm = confirm  # type: ignore[method-assign]
    editor.reload_action.trigger()
    assert editor.runner.is_idle()
    assert editor.support_tab.phone_edit.text() == "+1 555 0102"
    editor.reload_action.trigger()
    wait_idle(qtbot, editor)
    assert questions[0] == "Reload the profile from the server? Your unsaved changes will be lost."
    assert editor.support_tab.phone_edit.text() == copy_of_retail.support.phone
    assert editor.basic_tab.description_edit.toPlainText() == "Newer"
    assert not editor.is_dirty()


@server_tests
def test_a_conflict_can_be_compared_then_mine_kept_or_theirs_taken(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient, copy_of_retail: Profile
) -> None:
    editor = open_editor(copy_of_retail.id)
    editor.ask_conflict = lambda current_version: COMPARE  # type: ignore[method-assign]
    editor.basic_tab.description_edit.setPlainText("Mine")
    theirs = admin_api.patch_profile(
        copy_of_retail.id, {"support": {"phone": "+1 555 0101"}}, version=copy_of_retail.version
    )
    editor.save()
    qtbot.waitUntil(lambda: editor.compare_dialog is not None, timeout=WAIT_MS)
    dialog = editor.compare_dialog
    assert isinstance(dialog, CompareDialog)
    assert dialog.fields() == ["description", "support.phone"]
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 0).text() == "Description"
    assert dialog.table.item(0, 1).text() == "Mine"
    assert dialog.table.item(0, 2).text() == copy_of_retail.description
    assert dialog.table.item(1, 0).text() == "Support › Phone"
    assert dialog.table.item(1, 2).text() == "+1 555 0101"
    assert dialog.table.horizontalHeaderItem(2).text() == f"Theirs (version {theirs.version})"
    qtbot.wait(50)
    qt_env.save_screenshot(dialog, "console-editor-compare.png")

    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, editor)
    kept = admin_api.get_profile(copy_of_retail.id)
    assert kept.version == theirs.version + 1
    assert kept.description == "Mine"
    assert kept.support.phone == copy_of_retail.support.phone  # saved over theirs, as chosen
    assert not editor.is_dirty()

    editor.basic_tab.description_edit.setPlainText("Mine again")
    again = admin_api.patch_profile(copy_of_retail.id, {"description": "Theirs"}, version=kept.version)
    editor.save()
    qtbot.waitUntil(lambda: editor.compare_dialog is not None, timeout=WAIT_MS)
    dialog = editor.compare_dialog
    assert dialog is not None and dialog.fields() == ["description"]
    qtbot.mouseClick(dialog.take_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, editor)
    assert editor.basic_tab.description_edit.toPlainText() == "Theirs"
    assert editor.loaded_version == again.version
    assert not editor.is_dirty()
    assert admin_api.get_profile(copy_of_retail.id).version == again.version


@server_tests
def test_cancelling_a_conflict_keeps_the_draft(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient, copy_of_retail: Profile
) -> None:
    editor = open_editor(copy_of_retail.id)
    editor.ask_conflict = lambda current_version: "cancel"  # type: ignore[method-assign]
    editor.support_tab.messaging_edit.setPlainText("Still here")
    admin_api.patch_profile(copy_of_retail.id, {"description": "Elsewhere"}, version=copy_of_retail.version)
    editor.save()
    wait_idle(qtbot, editor)
    assert editor.support_tab.messaging_edit.toPlainText() == "Still here"
    assert editor.is_dirty()
    assert "Nothing was saved; your changes are still here." in editor.banner.text()


# --- markets ---------------------------------------------------------------------------------


@server_tests
def test_markets_are_associated_and_removed_at_once_through_the_tab(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient, copy_of_retail: Profile
) -> None:
    editor = open_editor(copy_of_retail.id)
    tab = editor.markets_tab
    editor.show_tab("Markets")
    assert copy_of_retail.markets == []
    assert tab.manage.isVisibleTo(tab)
    assert tab.empty_label.text().startswith("No markets yet.")

    qtbot.mouseClick(tab.associate_button, Qt.MouseButton.LeftButton)
    dialog = tab.associate_dialog
    assert dialog is not None
    dialog.market_edit.setText("north/east")
    assert dialog.submit() is False
    assert dialog.market_error.text().startswith("The market code must be 1 to 40 letters, digits")
    assert editor.runner.is_idle()  # refused before any request

    dialog.market_edit.setText("EAST")  # Retail East's market
    assert dialog.submit() is True
    wait_idle(qtbot, editor)
    assert dialog.market_error.text() == "Market EAST is already on the profile “Retail East”."
    assert dialog.isVisible()

    codes = [f"ZED-{uuid.uuid4().hex[:6]}", f"ALPHA-{uuid.uuid4().hex[:6]}"]
    for code in codes:
        if tab.associate_dialog is None:
            tab.open_associate_dialog()
        current = tab.associate_dialog
        assert current is not None
        current.market_edit.setText(f"  {code}  ")
        current.submit()
        wait_idle(qtbot, editor)
        assert tab.associate_dialog is None
    on_server = admin_api.get_profile(copy_of_retail.id)
    assert sorted(on_server.markets) == sorted(codes)
    assert editor.loaded_version == on_server.version  # the editor's own changes are not conflicts
    assert tab.shown_markets() == sorted(codes, key=str.casefold)
    assert tab.count_label.text() == "2 markets"

    qtbot.mouseClick(tab.sort_button, Qt.MouseButton.LeftButton)
    assert tab.sort_button.text() == "Z–A"
    assert tab.shown_markets() == sorted(codes, key=str.casefold, reverse=True)
    tab.search_edit.setText("zed")
    assert tab.shown_markets() == [codes[0]]
    assert tab.count_label.text() == "1 of 2 markets"
    tab.search_edit.clear()
    qt_env.save_screenshot(editor, "console-editor-markets.png")

    answers = iter([False, True])
    tab.confirm = lambda title, question: next(answers)  # type: ignore[method-assign]
    button = tab.remove_button(codes[0])
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert editor.runner.is_idle()  # "Cancel": nothing sent
    button = tab.remove_button(codes[0])
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, editor)
    assert admin_api.get_profile(copy_of_retail.id).markets == [codes[1]]
    assert tab.shown_markets() == [codes[1]]

    # A content save after the market calls goes through without a conflict.
    editor.ask_conflict = lambda current_version: pytest.fail("no conflict expected")  # type: ignore[method-assign]
    editor.basic_tab.description_edit.setPlainText("After markets")
    editor.save()
    wait_idle(qtbot, editor)
    saved = admin_api.get_profile(copy_of_retail.id)
    assert saved.description == "After markets"
    assert saved.markets == [codes[1]]


# --- logos -----------------------------------------------------------------------------------


def _picker(editor: ProfileEditor) -> Any:
    picker = editor.settings_tab.logo_picker
    assert picker is not None, "the Settings tab must offer the logo picker"
    return picker


@server_tests
def test_a_logo_is_uploaded_at_once_for_a_saved_profile_and_the_next_save_does_not_conflict(
    qtbot: QtBot,
    open_editor: OpenEditor,
    admin_api: ApiClient,
    copy_of_retail: Profile,
    tmp_path: Path,
) -> None:
    editor = open_editor(copy_of_retail.id)
    picker = _picker(editor)
    image = tmp_path / "favicon.png"
    image.write_bytes(png(96, 96))
    editor.show_tab("Settings")
    assert picker.load_file("favicon", image)
    wait_idle(qtbot, editor)
    uploaded = admin_api.get_profile(copy_of_retail.id)
    assert uploaded.logos.favicon is not None
    assert editor.draft["logos"]["favicon"]["sha256"] == uploaded.logos.favicon.sha256
    assert editor.loaded_version == uploaded.version
    assert not editor.is_dirty()

    editor.ask_conflict = lambda current_version: pytest.fail("no conflict expected")  # type: ignore[method-assign]
    editor.basic_tab.description_edit.setPlainText("With a favicon")
    editor.save()
    wait_idle(qtbot, editor)
    saved = admin_api.get_profile(copy_of_retail.id)
    assert saved.description == "With a favicon"
    assert saved.logos.favicon == uploaded.logos.favicon

    # Back to the default branding is a draft change like any other.
    picker.use_default("favicon")
    assert editor.is_dirty()
    editor.save()
    wait_idle(qtbot, editor)
    assert admin_api.get_profile(copy_of_retail.id).logos.favicon is None


@server_tests
def test_a_new_profiles_logo_waits_for_the_profile_and_is_uploaded_after_it_is_created(
    qtbot: QtBot,
    open_editor: OpenEditor,
    admin_api: ApiClient,
    tidy: list[int],
    tmp_path: Path,
) -> None:
    editor = open_editor(None)
    picker = _picker(editor)
    image = tmp_path / "login.png"
    image.write_bytes(png(200, 50))
    assert picker.load_file("login", image)
    assert editor.runner.is_idle()  # kept, not sent: there is no profile yet
    assert set(editor.pending_logos) == {"login"}
    assert editor.is_dirty()
    name = unique("Logo profile")
    editor.basic_tab.name_edit.setText(name)
    editor.save()
    wait_idle(qtbot, editor)
    assert editor.profile_id is not None
    tidy.append(editor.profile_id)
    created = admin_api.get_profile(editor.profile_id)
    assert created.logos.login is not None
    assert created.logos.login.width == 200
    assert editor.pending_logos == {}
    assert editor.loaded_version == created.version
    assert not editor.is_dirty()


# --- the preview -----------------------------------------------------------------------------


@server_tests
def test_the_preview_draws_the_draft_and_turns_to_the_page_of_the_tab(
    qtbot: QtBot, open_editor: OpenEditor, copy_of_retail: Profile
) -> None:
    editor = open_editor(copy_of_retail.id)
    assert editor.preview_action.isVisible(), "the editor must offer the live preview"
    assert editor.preview is None  # nothing is drawn until asked for
    editor.show_tab("Settings")
    editor.preview_action.trigger()
    preview = editor.preview
    assert preview is not None and editor.preview_panel is not None
    assert editor.preview_panel.isVisible()
    qtbot.waitUntil(lambda: preview.current_profile() is not None, timeout=WAIT_MS)
    assert preview.page_name() == "login"
    assert preview.current_profile().name == copy_of_retail.name

    editor.settings_tab.title_edit.setText("Previewed before saving")
    qtbot.waitUntil(
        lambda: preview.current_profile().settings.browser_title == "Previewed before saving", timeout=WAIT_MS
    )
    editor.show_tab("Home Widgets")
    assert preview.page_name() == "home"
    editor.show_tab("Support Menu")
    assert preview.page_name() == "support"
    editor.show_tab("Settings")
    qtbot.waitUntil(lambda: preview.page_name() == "login" and not preview.is_paused(), timeout=WAIT_MS)
    qtbot.wait(300)
    qt_env.save_screenshot(editor, "console-editor-preview.png")

    editor.preview_action.trigger()
    assert editor.preview_panel.isHidden()
    assert not editor.preview_action.isChecked()


# --- the profiles page opens the editor ------------------------------------------------------


@server_tests
def test_the_profiles_page_opens_the_editor_from_the_row_and_by_double_click(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow], copy_of_retail: Profile
) -> None:
    window = open_main_window("admin")
    page = window.profiles_page
    assert page.select_profile(copy_of_retail.id)  # listed, as it was made before the window opened
    index = page.proxy.mapFromSource(page.model.index_of(copy_of_retail.id))
    centre = page.table.visualRect(index).center()
    # A real double click is a click and then a double-click event; QTest sends only the latter.
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert len(window.editors) == 1
    editor = window.editors[0]
    qtbot.waitUntil(lambda: editor.loaded_version is not None, timeout=WAIT_MS)
    assert editor.profile_id == copy_of_retail.id
    assert editor.isWindow() and editor.isVisible()

    actions = page.row_actions(copy_of_retail.id)
    assert actions is not None
    qtbot.mouseClick(actions.edit_button, Qt.MouseButton.LeftButton)
    assert window.editors == [editor]  # brought forward, not opened twice

    other = next(p for p in page.model.rows() if p.id != copy_of_retail.id)
    other_actions = page.row_actions(other.id)
    assert other_actions is not None
    qtbot.mouseClick(other_actions.edit_button, Qt.MouseButton.LeftButton)
    assert [e.profile_id for e in window.editors] == [copy_of_retail.id, other.id]
    window.editors[1].close()

    changed = "Changed from the console"
    editor.basic_tab.description_edit.setPlainText(changed)
    editor.save()
    wait_idle(qtbot, editor)
    assert window.last_status.startswith("Saved “")
    qtbot.waitUntil(
        lambda: any(p.id == copy_of_retail.id and p.description == changed for p in page.model.rows()),
        timeout=WAIT_MS,
    )
    editor.close()
    assert window.editors == []


@server_tests
def test_signing_out_asks_the_open_editors_first(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow], copy_of_retail: Profile
) -> None:
    window = open_main_window("admin")
    editor = window.open_profile_editor(copy_of_retail.id)
    qtbot.waitUntil(lambda: editor.loaded_version is not None, timeout=WAIT_MS)
    editor.support_tab.phone_edit.setText("+1 555 0177")
    answers = iter(["cancel", "discard"])
    editor.ask_unsaved = lambda: next(answers)  # type: ignore[method-assign]

    window.sign_out()
    assert window.runner.is_idle()  # still signed in: the editor kept its changes
    assert window.editors == [editor] and editor.isVisible()

    with qtbot.waitSignal(window.signed_out, timeout=WAIT_MS):
        window.sign_out()
    assert window.editors == []


# --- the screenshot --------------------------------------------------------------------------


@server_tests
def test_screenshot_of_the_editor_on_the_settings_tab(
    qtbot: QtBot, open_editor: OpenEditor, admin_api: ApiClient
) -> None:
    editor = open_editor(profile_id_of(admin_api, "Retail East"))
    editor.show_tab("Settings")
    qtbot.wait(50)
    path = qt_env.save_screenshot(editor, "console-editor-settings.png")
    assert path.stat().st_size > 10_000
    # The whole tab, down past the new brand, locale and currency fields.
    whole = qt_env.save_screenshot(editor.settings_tab, "console-settings-tab.png")
    assert whole.stat().st_size > 10_000
    assert editor.settings_tab.brand_edit.text() == "Eastern Broadband"
    assert editor.settings_tab.locale_combo.currentText() == "English (United States)"
    assert editor.settings_tab.title_edit.text() == "Eastern Broadband — My Account"
    assert not editor.settings_tab.theme_colour_switch.isChecked()  # Retail East has its own colour
    assert set(editor.widgets_tab.switches) == set(HOME_WIDGET_LABELS)
