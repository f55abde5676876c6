"""Offline branding in the console: bundles edited and previewed with no server, published, exported."""

from __future__ import annotations

from tests.desktop_admin import qt_env

# isort: split
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from common.profile import Profile
from desktop_admin.api import ApiClient
from desktop_admin.app import Console, parse_arguments
from desktop_admin.bundle import load_bundle, save_bundle
from desktop_admin.views.compare_dialog import CompareDialog
from desktop_admin.views.main_window import MainWindow
from desktop_admin.views.profile_editor.editor import BUNDLE_MARKETS_NOTE, ProfileEditor
from desktop_admin.views.publish_dialog import PublishDialog
from tests.desktop_admin.conftest import WAIT_MS, png, unique, wait_idle

server_tests = pytest.mark.sqlite_only


def answer_with(editor: ProfileEditor, path: Path) -> None:
    """Make the editor's file dialog answer with ``path``."""
    editor.choose_bundle_path = lambda *, saving: path  # type: ignore[method-assign]


@pytest.fixture
def offline_editor(qtbot: QtBot, console_theme: QApplication) -> Iterator[Callable[..., ProfileEditor]]:
    """Return a function that opens an editor with no server at all (optionally on a bundle)."""
    editors: list[ProfileEditor] = []

    def open_offline(path: Path | None = None) -> ProfileEditor:
        editor = ProfileEditor(None, bundle=load_bundle(path) if path else None, bundle_path=path)
        editors.append(editor)
        editor.resize(1280, 900)
        editor.show()
        qtbot.waitExposed(editor)
        return editor

    yield open_offline
    for editor in editors:
        if shiboken6.isValid(editor):
            editor.ask_unsaved = lambda: "discard"  # type: ignore[method-assign]
            editor.close()
            editor.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


# --- offline -----------------------------------------------------------------------------------


def test_a_new_bundle_is_branded_previewed_and_saved_with_no_server(
    qtbot: QtBot, offline_editor: Callable[..., ProfileEditor], tmp_path: Path
) -> None:
    editor = offline_editor()
    assert not editor.online
    assert editor.bundle_mode and editor.is_new()
    assert not editor.publish_action.isVisible()  # nothing to publish to
    assert editor.file_menu.actions() == [editor.open_action, editor.save_as_action, editor.reload_action]
    assert "working offline" in editor.meta_label.text()
    assert editor.markets_tab.unsaved_label.text() == BUNDLE_MARKETS_NOTE
    assert editor.continue_button("Chat").text() == "Save Bundle"

    name = unique("Bundle brand")
    editor.basic_tab.name_edit.setText(name)
    editor.settings_tab.title_edit.setText("Northwind Fibre — My Account")
    logo = tmp_path / "login.png"
    logo.write_bytes(png(200, 50))
    picker = editor.settings_tab.logo_picker
    assert picker is not None
    assert picker.load_file("login", logo)  # type: ignore[attr-defined]
    assert editor.runner.is_idle()  # nothing is sent anywhere
    assert editor.is_dirty()

    editor.show_tab("Settings")  # the preview turns to the sign-in page, where the login logo is
    editor.set_preview_visible(True)
    preview = editor.preview
    assert preview is not None
    qtbot.waitUntil(
        lambda: "Sign in · Northwind Fibre — My Account" in preview.current_html(), timeout=WAIT_MS
    )
    assert "data:image/png;base64," in preview.current_html()  # the logo from the draft, not a server
    qtbot.waitUntil(lambda: not preview.is_paused(), timeout=WAIT_MS)
    qtbot.wait(300)
    qt_env.save_screenshot(editor, "console-offline-bundle.png")

    target = tmp_path / "northwind"
    answer_with(editor, target)
    assert editor.save()
    wait_idle(qtbot, editor)
    saved_as = target.with_suffix(".portalprofile")
    assert editor.bundle_path == saved_as
    assert not editor.is_dirty()
    assert editor.state_chip.text() == "Saved to file"
    bundle = load_bundle(saved_as)
    assert bundle.content.name == name
    assert bundle.content.settings.browser_title == "Northwind Fibre — My Account"
    assert bundle.logos == {"login": logo.read_bytes()}

    # Opened again, with nothing but the file, it is the same profile and logo.
    again = offline_editor(saved_as)
    assert again.basic_tab.name_edit.text() == name
    assert again.settings_tab.title_edit.text() == "Northwind Fibre — My Account"
    assert picker is not None and again.bundle_logos() == {"login": logo.read_bytes()}
    assert not again.is_dirty()
    again.settings_tab.title_edit.setText("Changed")
    assert again.is_dirty()


def test_saving_a_bundle_with_errors_shows_them_and_writes_nothing(
    offline_editor: Callable[..., ProfileEditor], tmp_path: Path
) -> None:
    editor = offline_editor()
    answer_with(editor, tmp_path / "never.portalprofile")
    assert not editor.save()  # no name yet
    assert editor.basic_tab.error_text("name") == "Name is required."
    assert editor.current_tab().TITLE == "Basic Info"
    assert not (tmp_path / "never.portalprofile").exists()


def test_a_file_that_is_not_a_bundle_is_refused_and_the_draft_is_kept(
    qtbot: QtBot, offline_editor: Callable[..., ProfileEditor], tmp_path: Path
) -> None:
    editor = offline_editor()
    editor.basic_tab.name_edit.setText("Typed before opening")
    editor.confirm = lambda title, question: True  # type: ignore[method-assign]
    junk = tmp_path / "notes.portalprofile"
    junk.write_text("not a zip at all")
    answer_with(editor, junk)
    editor.open_bundle_file()
    wait_idle(qtbot, editor)
    assert editor.banner.isVisible()
    assert "notes.portalprofile: This file is not a profile bundle." in editor.banner.text()
    assert editor.basic_tab.name_edit.text() == "Typed before opening"

    newer = tmp_path / "newer.portalprofile"
    with zipfile.ZipFile(newer, "w") as archive:
        archive.writestr(
            "bundle.json",
            json.dumps({"format": "portal-profile-bundle", "format_version": 99, "profile": {}}),
        )
    answer_with(editor, newer)
    editor.open_bundle_file()
    wait_idle(qtbot, editor)
    assert "made by a newer version of the console" in editor.banner.text()
    assert editor.basic_tab.name_edit.text() == "Typed before opening"


def test_a_bundle_file_that_cannot_be_written_says_so_and_keeps_the_changes(
    qtbot: QtBot, offline_editor: Callable[..., ProfileEditor], tmp_path: Path
) -> None:
    editor = offline_editor()
    editor.basic_tab.name_edit.setText("Unwritable")
    answer_with(editor, tmp_path / "no-such-folder" / "x.portalprofile")
    assert editor.save()
    wait_idle(qtbot, editor)
    assert "could not be saved" in editor.banner.text()
    assert editor.is_dirty()
    assert editor.basic_tab.name_edit.text() == "Unwritable"


def test_work_offline_from_sign_in_and_back(
    qtbot: QtBot, make_console: Callable[..., Console], tmp_path: Path
) -> None:
    console = make_console(server_url="http://127.0.0.1:9")
    dialog = console.login_dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.offline_button, Qt.MouseButton.LeftButton)
    editor = console.offline_editor
    assert editor is not None and not editor.online
    qtbot.waitExposed(editor)
    assert not dialog.isVisible()
    editor.close()
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert console.offline_editor is None
    # Back at sign-in, Enter signs in: it never reopens the offline editor.
    assert not dialog.offline_button.autoDefault()
    assert dialog.focusWidget() is dialog.username_edit

    junk = tmp_path / "junk.portalprofile"
    junk.write_bytes(b"PK\x03\x04 broken")
    shown = console.open_file(junk)
    assert shown is console.login_dialog
    assert "junk.portalprofile: " in console.login_dialog.banner.text()


def test_a_bundle_named_on_the_command_line_is_opened_and_qt_keeps_its_own_words() -> None:
    arguments, rest = parse_arguments(["-platform", "offscreen", "/tmp/brand.portalprofile"])
    assert arguments.bundle == Path("/tmp/brand.portalprofile")
    assert rest == ["-platform", "offscreen"]
    arguments, rest = parse_arguments(["--open", "x.portalprofile", "--offline"])
    assert arguments.bundle == Path("x.portalprofile") and arguments.offline and rest == []
    arguments, _rest = parse_arguments([])
    assert arguments.bundle is None and not arguments.offline


# --- with a server ---------------------------------------------------------------------------


def retail_id(api: ApiClient) -> int:
    return api.list_profiles(q="Retail East").items[0].id


def copy_of_retail(api: ApiClient, tidy: list[int], stem: str) -> Profile:
    """A copy of the demo profile "Retail East" that the test may change freely."""
    profile = api.duplicate_profile(retail_id(api), unique(stem))
    tidy.append(profile.id)
    return profile


def open_publish(qtbot: QtBot, window: MainWindow, path: Path) -> tuple[ProfileEditor, PublishDialog]:
    window.open_bundle(path, publish=True)
    qtbot.waitUntil(
        lambda: bool(window.editors) and window.editors[-1].publish_dialog is not None, timeout=WAIT_MS
    )
    editor = window.editors[-1]
    dialog = editor.publish_dialog
    assert dialog is not None
    wait_idle(qtbot, editor)
    return editor, dialog


@server_tests
def test_publishing_a_bundle_as_a_new_profile_uploads_its_logos(
    qtbot: QtBot,
    open_main_window: Callable[[str], MainWindow],
    admin_api: ApiClient,
    tidy: list[int],
    tmp_path: Path,
) -> None:
    name = unique("Published")
    content = admin_api.get_profile(retail_id(admin_api))
    path = tmp_path / "published.portalprofile"
    save_bundle(path, content.model_copy(update={"name": name}), {"top_bar": png(150, 40)})
    window = open_main_window("admin")
    editor, dialog = open_publish(qtbot, window, path)
    assert editor.online and editor.bundle_mode
    assert dialog.new_radio.isChecked()
    qt_env.save_screenshot(dialog, "console-publish-dialog.png")
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS) as published:
        qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    profile: Profile = published.args[0]
    tidy.append(profile.id)
    stored = admin_api.get_profile(profile.id)
    assert stored.name == name
    assert stored.settings.browser_title == content.settings.browser_title
    assert stored.logos.top_bar is not None and stored.logos.top_bar.width == 150
    assert stored.markets == []
    assert f"Published “{name}”" in editor.last_status
    assert not editor.is_dirty()  # publishing does not touch the file


@server_tests
def test_publishing_over_a_profile_saved_meanwhile_shows_the_differences_first(
    qtbot: QtBot,
    open_main_window: Callable[[str], MainWindow],
    admin_api: ApiClient,
    tidy: list[int],
    tmp_path: Path,
) -> None:
    target = copy_of_retail(admin_api, tidy, "Target")
    # Without logos on either side (a bundled logo is always uploaded anew), only the title differs.
    no_logos = {"logos": {"login": None, "top_bar": None, "favicon": None}}
    admin_api.patch_profile(target.id, no_logos, version=None)
    target = admin_api.add_market(target.id, unique("MKT").replace(" ", "-"))
    path = tmp_path / "over.portalprofile"
    settings = target.settings.model_copy(update={"browser_title": "From the bundle"})
    save_bundle(path, target.model_copy(update={"settings": settings}), {})

    window = open_main_window("admin")
    editor, dialog = open_publish(qtbot, window, path)
    # The bundle has the target's name, so the dialog offers to publish over it.
    qtbot.waitUntil(lambda: dialog.target is not None, timeout=WAIT_MS)
    assert dialog.replace_radio.isChecked()
    assert dialog.target is not None and dialog.target.id == target.id
    assert "1 field will change" in dialog.target_info.text()

    # Someone else saves the target after it was chosen.
    admin_api.patch_profile(target.id, {"description": "Saved meanwhile"}, version=None)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.compare_dialog is not None, timeout=WAIT_MS)
    compare = dialog.compare_dialog
    assert isinstance(compare, CompareDialog)
    assert set(compare.fields()) == {"settings.browser_title", "description"}
    assert not compare.take_button.isVisible()
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        qtbot.mouseClick(compare.keep_button, Qt.MouseButton.LeftButton)
    stored = admin_api.get_profile(target.id)
    assert stored.settings.browser_title == "From the bundle"
    assert stored.description == target.description  # the bundle's value, chosen knowingly
    assert stored.markets == target.markets  # markets stay with the server


@server_tests
def test_exporting_a_server_profile_writes_a_bundle_with_its_logos(
    qtbot: QtBot,
    open_main_window: Callable[[str], MainWindow],
    admin_api: ApiClient,
    tidy: list[int],
    tmp_path: Path,
) -> None:
    source = copy_of_retail(admin_api, tidy, "Exported")
    source = admin_api.upload_logo(source.id, "favicon", png(96, 96))
    window = open_main_window("admin")
    window.profiles_page.refresh(select_id=source.id)
    qtbot.waitUntil(
        lambda: (p := window.profiles_page.selected_profile()) is not None and p.id == source.id,
        timeout=WAIT_MS,
    )
    path = tmp_path / "exported"
    window.choose_bundle_path = lambda *, saving, suggested="": path  # type: ignore[method-assign]
    assert "Export" in [a.text().replace("&", "") for a in window.file_menu.actions()][3]
    window.export_action.trigger()
    qtbot.waitUntil(lambda: "Exported" in window.last_status, timeout=WAIT_MS)
    bundle = load_bundle(path.with_suffix(".portalprofile"))
    assert bundle.content.name == source.name
    # The demo profile's own login and top-bar logos travel too; the favicon is the new upload.
    assert set(bundle.logos) == {"login", "top_bar", "favicon"}
    assert bundle.logos["favicon"] == admin_api.fetch_logo(source.logos.favicon.sha256)  # type: ignore[union-attr]

    # The row's own Export button does the same for its profile.
    other = tmp_path / "from-the-row.portalprofile"
    window.choose_bundle_path = lambda *, saving, suggested="": other  # type: ignore[method-assign]
    actions = window.profiles_page.row_actions(source.id)
    assert actions is not None
    window.last_status = ""
    qtbot.mouseClick(actions.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Exported" in window.last_status, timeout=WAIT_MS)
    assert load_bundle(other).content == bundle.content


@server_tests
def test_a_bundle_that_cannot_be_opened_is_reported_over_the_main_window(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow], tmp_path: Path
) -> None:
    window = open_main_window("admin")
    junk = tmp_path / "junk.portalprofile"
    junk.write_text("hello")
    window.open_bundle(junk)
    qtbot.waitUntil(lambda: window.problem_box is not None, timeout=WAIT_MS)
    assert window.problem_box is not None
    assert window.problem_box.informativeText() == "This file is not a profile bundle."
    assert window.editors == []
