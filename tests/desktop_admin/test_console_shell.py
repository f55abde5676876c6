"""The console against a real portal server: sign-in, the main window, the Profiles page."""

from __future__ import annotations

from tests.desktop_admin import qt_env

# isort: split
import contextlib
import json
import socket
import sqlite3
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import shiboken6
from keyring.backends import fail
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QHeaderView
from pytestqt.qtbot import QtBot

from common.schemas import ProfileSummary, TokenResponse
from desktop_admin.api import ApiClient, ApiError
from desktop_admin.app import Console, parse_arguments, run
from desktop_admin.credentials import CredentialStore
from desktop_admin.models.profiles_table_model import COL_NAME
from desktop_admin.settings import DEFAULT_SERVER_URL, Settings, SettingsStore, default_config_dir
from desktop_admin.views.busy import SHOW_AFTER_MS, BusyIndicator, BusyLabel
from desktop_admin.views.duplicate_dialog import DuplicateDialog, check_name, suggest_copy_name
from desktop_admin.views.home_page import FAILED_COUNT, UNKNOWN_COUNT
from desktop_admin.views.login_dialog import NO_KEYRING_TEXT, LoginDialog, SignedIn
from desktop_admin.views.main_window import PAGE_HISTORY, PAGE_HOME, PAGE_PROFILES, MainWindow
from desktop_admin.views.profiles_page import DEFAULT_NOT_REMOVABLE, ProfilesPage
from desktop_admin.workers import UNEXPECTED, BackgroundRunner
from tests.desktop_admin.conftest import WAIT_MS, MemoryKeyring
from tests.desktop_admin.server_fixture import LiveServer

DEMO_PROFILES = {"Default", "Retail East", "Business West"}
SIGN_IN_REFUSED = "The username or password is not right"
NO_PERMISSION = "You do not have permission to do this"

server_tests = pytest.mark.sqlite_only


# --- helpers ---------------------------------------------------------------------------------


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def shown(page: ProfilesPage) -> list[ProfileSummary]:
    proxy = page.proxy
    return [page.model.row(proxy.index(row, COL_NAME)) for row in range(proxy.rowCount())]


def shown_names(page: ProfilesPage) -> list[str]:
    return [profile.name for profile in shown(page)]


def section_centre(header: QHeaderView, section: int) -> QPoint:
    return QPoint(
        header.sectionViewportPosition(section) + header.sectionSize(section) // 2, header.height() // 2
    )


def listed(page: ProfilesPage, name: str) -> ProfileSummary | None:
    return next((p for p in page.model.rows() if p.name == name), None)


def wait_idle(qtbot: QtBot, runner: BackgroundRunner) -> None:
    qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)


def sign_in_through_dialog(
    qtbot: QtBot, console: Console, username: str, password: str, remember: bool = False
) -> None:
    dialog = console.login_dialog
    assert dialog is not None
    wait_idle(qtbot, dialog.runner)  # the keyring look-up
    dialog.username_edit.setText(username)
    dialog.password_edit.setText(password)
    if dialog.remember_check.isEnabled():
        dialog.remember_check.setChecked(remember)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)


# --- workers and the busy indicator ----------------------------------------------------------


def test_workers_report_results_and_every_failure_as_api_error_on_the_ui_thread(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    threads: list[bool] = []
    results: list[object] = []

    def on_success(value: object) -> None:
        threads.append(threading.current_thread() is threading.main_thread())
        results.append(value)

    def on_failure(error: ApiError) -> None:
        threads.append(threading.current_thread() is threading.main_thread())
        results.append(error)

    def worker_thread_name() -> bool:
        return threading.current_thread() is threading.main_thread()

    def refuse() -> None:
        raise ApiError("The server said no.", status=409, code="conflict")

    def crash() -> None:
        raise KeyError("settings")

    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        runner.run(worker_thread_name, on_success=on_success, on_failure=on_failure)
        runner.run(refuse, on_success=on_success, on_failure=on_failure)
        task = runner.run(crash, on_success=on_success, on_failure=on_failure)
    assert threads == [True, True, True]
    assert results[0] is False  # the work itself ran off the UI thread
    assert isinstance(results[1], ApiError)
    assert results[1].status == 409
    unexpected = results[2]
    assert isinstance(unexpected, ApiError)
    assert unexpected.code == UNEXPECTED
    assert unexpected.message.startswith("Something went wrong in the console")
    assert task.done
    assert task.error is unexpected


def test_the_busy_indicator_shows_only_for_slow_calls_and_is_always_cleared(qtbot: QtBot) -> None:
    assert SHOW_AFTER_MS == 200
    label = BusyLabel()
    qtbot.add_widget(label)

    # A call that ends before the delay never shows the indicator (a long delay keeps this exact).
    patient = BusyIndicator(label, delay_ms=60_000)
    runner = BackgroundRunner(busy=patient)
    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        runner.run(lambda: 42, busy_text="Quick…")
    assert patient.times_shown == 0
    assert patient.pending == 0
    assert QApplication.overrideCursor() is None

    # A call still running after the delay shows it, with a busy cursor, until it ends (here failing).
    busy = BusyIndicator(label)
    runner = BackgroundRunner(busy=busy)
    release = threading.Event()

    def slow() -> None:
        if not release.wait(WAIT_MS / 1000):
            raise TimeoutError("never released")
        raise ApiError("Dropped.", code="network")

    runner.run(slow, busy_text="Slow…")
    qtbot.waitUntil(lambda: busy.shown, timeout=WAIT_MS)
    assert not label.isHidden()
    assert label.label.text() == "Slow…"
    assert QApplication.overrideCursor() is not None
    release.set()
    qtbot.waitUntil(lambda: not busy.shown, timeout=WAIT_MS)
    wait_idle(qtbot, runner)
    assert label.isHidden()
    assert busy.pending == 0
    assert QApplication.overrideCursor() is None


# --- settings --------------------------------------------------------------------------------


def test_settings_live_under_xdg_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_config_dir() == tmp_path / "portal-console"
    store = SettingsStore()
    assert store.load() == Settings(server_url=DEFAULT_SERVER_URL, username="")
    store.save(Settings(server_url="https://portal.example.net", username="rep"))
    assert json.loads((tmp_path / "portal-console" / "settings.json").read_text()) == {
        "server_url": "https://portal.example.net",
        "username": "rep",
    }
    (tmp_path / "portal-console" / "settings.json").write_text("{not json")
    assert store.load() == Settings()


def test_the_server_address_comes_from_the_command_line() -> None:
    arguments, rest = parse_arguments(["--server", "http://10.0.0.5:8000", "-platform", "offscreen"])
    assert arguments.server == "http://10.0.0.5:8000"
    assert rest == ["-platform", "offscreen"]


# --- signing in ------------------------------------------------------------------------------


@server_tests
def test_remember_me_signs_in_stores_the_password_and_a_second_start_prefills(
    qtbot: QtBot,
    live_server: LiveServer,
    make_console: Callable[..., Console],
    memory_keyring: MemoryKeyring,
    settings_dir: Path,
) -> None:
    console = make_console(server_url=live_server.base_url)
    sign_in_through_dialog(qtbot, console, "admin", live_server.admin_password, remember=True)
    qtbot.waitUntil(lambda: console.main_window is not None, timeout=WAIT_MS)
    window = console.main_window
    assert window is not None
    qtbot.waitExposed(window)
    assert window.isVisible()
    assert "admin" in window.user_label.text()
    assert "Administrator" in window.user_label.text()
    assert window.page_keys() == [PAGE_HOME, PAGE_PROFILES, PAGE_HISTORY]
    assert [a.text() for a in window.file_menu.actions() if a.text()][-1] == "&Quit"
    qtbot.waitUntil(lambda: window.home_page.profiles_tile.count_label.text().isdigit(), timeout=WAIT_MS)
    count = int(window.home_page.profiles_tile.count_label.text())
    assert count == window.profiles_page.model.rowCount() >= len(DEMO_PROFILES)
    qt_env.save_screenshot(window, "console-home.png")

    # The tile opens the Profiles page.
    qtbot.mouseClick(window.home_page.profiles_tile, Qt.MouseButton.LeftButton)
    assert window.current_page() == PAGE_PROFILES

    stored = memory_keyring.entries[("portal-console-tests", live_server.base_url)]
    assert json.loads(stored) == {"username": "admin", "secret": live_server.admin_password}
    settings_text = (settings_dir / "settings.json").read_text()
    assert json.loads(settings_text) == {"server_url": live_server.base_url, "username": "admin"}
    assert live_server.admin_password not in settings_text

    window.close()
    again = make_console()  # no --server: the address comes from the settings
    dialog = again.login_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.prefilled_from_keyring, timeout=WAIT_MS)
    assert dialog.server_edit.text() == live_server.base_url
    assert dialog.username_edit.text() == "admin"
    assert dialog.password_edit.text() == live_server.admin_password
    assert dialog.remember_check.isChecked()
    qt_env.save_screenshot(dialog, "console-login.png")


@server_tests
def test_sign_out_forgets_the_remembered_password(
    qtbot: QtBot, live_server: LiveServer, make_console: Callable[..., Console], memory_keyring: MemoryKeyring
) -> None:
    console = make_console(server_url=live_server.base_url)
    sign_in_through_dialog(qtbot, console, "admin", live_server.admin_password, remember=True)
    qtbot.waitUntil(lambda: console.main_window is not None, timeout=WAIT_MS)
    window = console.main_window
    assert window is not None
    assert memory_keyring.entries
    token = window.session.token.access_token

    window.sign_out_action.trigger()
    qtbot.waitUntil(lambda: console.main_window is None and console.login_dialog is not None, timeout=WAIT_MS)
    assert memory_keyring.entries == {}
    dialog = console.login_dialog
    assert dialog is not None
    assert dialog.banner.text() == "You have signed out."
    assert dialog.username_edit.text() == "admin"
    assert dialog.password_edit.text() == ""
    # The token was revoked on the server.
    stale = ApiClient(live_server.base_url)
    stale.set_token(token)
    with pytest.raises(ApiError) as refused:
        stale.list_profiles()
    assert refused.value.is_auth


@server_tests
def test_a_wrong_password_shows_the_servers_message_and_keeps_what_was_typed(
    qtbot: QtBot, live_server: LiveServer, make_console: Callable[..., Console]
) -> None:
    console = make_console(server_url=live_server.base_url)
    dialog = console.login_dialog
    assert dialog is not None
    sign_in_through_dialog(qtbot, console, "rep", "not-the-password")
    qtbot.waitUntil(lambda: bool(dialog.banner.text()), timeout=WAIT_MS)
    assert dialog.banner.text().startswith(SIGN_IN_REFUSED)
    qt_env.save_screenshot(dialog, "console-login-refused.png")
    assert dialog.password_error.text() == "Check your username and password, then try again."
    assert dialog.username_edit.text() == "rep"
    assert dialog.password_edit.text() == "not-the-password"
    assert dialog.server_edit.text() == live_server.base_url
    assert dialog.isVisible()
    assert dialog.form.isEnabled()
    assert console.main_window is None


@server_tests
def test_an_unreachable_server_is_explained_next_to_the_address(
    qtbot: QtBot, make_console: Callable[..., Console]
) -> None:
    address = f"http://127.0.0.1:{closed_port()}"
    console = make_console(server_url=address)
    dialog = console.login_dialog
    assert dialog is not None
    sign_in_through_dialog(qtbot, console, "admin", "whatever")
    qtbot.waitUntil(lambda: bool(dialog.banner.text()), timeout=WAIT_MS)
    assert dialog.banner.text().startswith(f"Cannot reach the server at {address}: connection refused.")
    assert dialog.server_error.isVisibleTo(dialog)
    assert "No portal server answered" in dialog.server_error.text()
    assert dialog.username_edit.text() == "admin"
    assert dialog.password_edit.text() == "whatever"


def test_a_malformed_address_and_empty_fields_are_caught_before_any_request(
    qtbot: QtBot, make_console: Callable[..., Console]
) -> None:
    console = make_console(server_url="ftp://portal.example.net")
    dialog = console.login_dialog
    assert dialog is not None
    wait_idle(qtbot, dialog.runner)
    dialog.username_edit.setText("")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert "must start with http:// or https://" in dialog.server_error.text()
    assert dialog.username_error.text() == "Enter your username."
    assert dialog.password_error.text() == "Enter your password."
    assert dialog.runner.is_idle()
    assert dialog.server_edit.text() == "ftp://portal.example.net"


def test_without_a_keyring_remember_me_is_off_and_says_why(
    qtbot: QtBot, make_console: Callable[..., Console]
) -> None:
    console = make_console(store=CredentialStore("portal-console-tests", backend=fail.Keyring()))
    dialog = console.login_dialog
    assert isinstance(dialog, LoginDialog)
    assert not dialog.remember_check.isEnabled()
    assert dialog.remember_check.toolTip() == NO_KEYRING_TEXT
    assert dialog.keyring_note.isVisibleTo(dialog)
    assert dialog.keyring_note.text() == NO_KEYRING_TEXT


# --- the home page ---------------------------------------------------------------------------


def portal_users_in_database(server: LiveServer) -> int:
    """Count the portal logins in the live server's database, without asking its API."""
    uri = f"file:{server.data_dir / 'portal.db'}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as database:
        (count,) = database.execute("SELECT COUNT(*) FROM portal_user").fetchone()
    return int(count)


@server_tests
def test_the_home_page_shows_how_many_portal_users_the_server_has(
    qtbot: QtBot, live_server: LiveServer, open_main_window: Callable[[str], MainWindow]
) -> None:
    window = open_main_window("rep")
    window.show_page(PAGE_HOME)
    tile = window.home_page.portal_users_tile
    qtbot.waitUntil(lambda: tile.count_label.text().isdigit(), timeout=WAIT_MS)
    expected = portal_users_in_database(live_server)
    assert expected >= 4  # the demo data signs up the first accounts
    assert int(tile.count_label.text()) == expected
    assert window.home_page.portal_user_count == expected
    assert tile.accessibleName() == f"Portal users: {expected}"
    # No page lists portal users yet: the tile informs and opens nothing.
    assert not isinstance(tile, QAbstractButton)
    assert tile.cursor().shape() == Qt.CursorShape.ArrowCursor
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert window.current_page() == PAGE_HOME
    qt_env.save_screenshot(window, "console-home-portal-users.png")

    # A refresh keeps the number in place until the new one arrives.
    window.refresh_action.trigger()
    assert tile.count_label.text() == str(expected)
    wait_idle(qtbot, window.runner)
    assert tile.count_label.text() == str(expected)


def test_the_home_tiles_say_when_their_numbers_could_not_be_loaded(
    qtbot: QtBot, console_theme: QApplication
) -> None:
    address = f"http://127.0.0.1:{closed_port()}"
    client = ApiClient(address, timeout=5)
    token = TokenResponse(
        access_token="never-sent-anywhere",
        expires_in=3600,
        username="rep",
        role="care-rep",
        permissions=[],
    )
    client.set_token(token.access_token)
    window = MainWindow(SignedIn(client=client, server_url=address, token=token))
    qtbot.add_widget(window)
    home = window.home_page
    assert home.portal_users_tile.count_label.text() == UNKNOWN_COUNT
    assert home.portal_users_tile.accessibleName() == "Portal users: loading"
    wait_idle(qtbot, window.runner)
    assert home.portal_users_tile.count_label.text() == FAILED_COUNT
    assert home.portal_users_tile.accessibleName() == "Portal users: not available"
    assert home.profiles_tile.count_label.text() == FAILED_COUNT
    assert home.portal_user_count is None
    window.close()


# --- the Profiles page -----------------------------------------------------------------------


@server_tests
def test_profiles_page_lists_searches_and_sorts_the_demo_profiles(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow]
) -> None:
    window = open_main_window("admin")
    window.show_page(PAGE_PROFILES)
    page = window.profiles_page
    assert set(shown_names(page)) >= DEMO_PROFILES
    names = shown_names(page)
    assert names == sorted(names, key=str.casefold)

    default = listed(page, "Default")
    assert default is not None and default.is_default
    actions = page.row_actions(default.id)
    assert actions is not None
    assert not actions.remove_button.isEnabled()
    assert actions.remove_button.toolTip() == DEFAULT_NOT_REMOVABLE
    retail = listed(page, "Retail East")
    assert retail is not None
    retail_actions = page.row_actions(retail.id)
    assert retail_actions is not None and retail_actions.remove_button.isEnabled()

    page.select_profile(retail.id)
    qt_env.save_screenshot(window, "console-profiles.png")

    qtbot.keyClicks(page.search_edit, "retail")
    assert "Retail East" in shown_names(page)
    assert all("retail" in f"{p.name} {p.description} {p.markets}".casefold() for p in shown(page))
    assert "Default" not in shown_names(page)
    assert page.count_label.text().startswith(f"{page.proxy.rowCount()} of {page.model.rowCount()}")
    page.search_edit.setText("west")
    assert "Business West" in shown_names(page)
    page.search_edit.setText("no profile is called this")
    assert shown_names(page) == []
    assert page.empty_label.isVisibleTo(page)
    page.search_edit.clear()
    assert len(shown_names(page)) == page.model.rowCount()

    header = page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=section_centre(header, COL_NAME))
    names = shown_names(page)
    assert names == sorted(names, key=str.casefold, reverse=True)


@server_tests
def test_create_new_profile_adds_a_row_and_selects_it(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow], tidy: list[int]
) -> None:
    window = open_main_window("admin")
    page = window.profiles_page
    before = {p.id for p in page.model.rows()}
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == len(before) + 1, timeout=WAIT_MS)
    wait_idle(qtbot, window.runner)
    created = [p for p in page.model.rows() if p.id not in before]
    assert len(created) == 1
    tidy.append(created[0].id)
    assert created[0].name.startswith("New profile")
    selected = page.selected_profile()
    assert selected is not None and selected.id == created[0].id
    assert window.last_status.startswith(f"Created the profile “{created[0].name}”")
    assert window.home_page.profiles_tile.count_label.text() == str(len(before) + 1)
    assert page.create_menu.actions()[0].text() == "Create New Profile"
    qt_env.save_screenshot(window, "console-profiles-created.png")


@server_tests
def test_duplicate_through_the_dialog_checks_the_name_first_and_copies_without_markets(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow], tidy: list[int], admin_api: ApiClient
) -> None:
    window = open_main_window("admin")
    page = window.profiles_page
    page.duplicate_existing_action.trigger()
    dialog = page.duplicate_dialog
    assert isinstance(dialog, DuplicateDialog)
    qtbot.waitExposed(dialog)
    assert dialog.source() is None

    dialog.choose("retail east")  # any case; the completer offers the same
    source = dialog.source()
    assert source is not None and source.name == "Retail East" and source.markets
    expected = suggest_copy_name("Retail East", page.model.names())
    assert dialog.name_edit.text() == expected

    dialog.name_edit.setText("Default")
    dialog.submit()
    assert dialog.name_error.text() == "The name is already used by another profile."
    dialog.name_edit.setText("   ")
    dialog.submit()
    assert dialog.name_error.text() == "The name is required."
    dialog.name_edit.setText("x" * 81)
    dialog.submit()
    assert dialog.name_error.text() == "The name must be at most 80 characters."
    assert window.runner.is_idle()  # nothing was sent
    qt_env.save_screenshot(dialog, "console-duplicate.png")

    dialog.name_edit.setText(expected)
    dialog.submit()
    qtbot.waitUntil(lambda: listed(page, expected) is not None, timeout=WAIT_MS)
    copy = listed(page, expected)
    assert copy is not None
    tidy.append(copy.id)
    assert copy.markets == []
    assert copy.description == source.description
    assert page.duplicate_dialog is None
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    selected = page.selected_profile()
    assert selected is not None and selected.id == copy.id
    assert admin_api.get_profile(copy.id).markets == []


@server_tests
def test_the_row_duplicate_link_preselects_its_profile_and_the_server_can_still_refuse(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow], admin_api: ApiClient, tidy: list[int]
) -> None:
    window = open_main_window("admin")
    page = window.profiles_page
    business = listed(page, "Business West")
    assert business is not None
    actions = page.row_actions(business.id)
    assert actions is not None
    qtbot.mouseClick(actions.duplicate_button, Qt.MouseButton.LeftButton)
    dialog = page.duplicate_dialog
    assert dialog is not None
    assert dialog.source_combo.currentText() == "Business West"

    # Someone else takes the name after the list was loaded: the server's 409 shows in the dialog.
    taken = f"Taken {uuid.uuid4().hex[:8]}"
    tidy.append(admin_api.duplicate_profile(business.id, taken).id)
    dialog.name_edit.setText(taken)
    dialog.submit()
    qtbot.waitUntil(lambda: bool(dialog.name_error.text()), timeout=WAIT_MS)
    assert dialog.name_error.text() == f"A profile named “{taken}” already exists."
    assert dialog.isVisible()
    assert dialog.name_edit.isEnabled()
    dialog.reject()


def test_name_rules_come_from_the_profile_schema() -> None:
    assert check_name("Retail East", ["retail east"]) == "is already used by another profile"
    assert check_name("", []) == "is required"
    assert check_name("Bad\x07name", []) == "must not contain control characters"
    assert check_name("  Fine  ", []) == ""
    assert suggest_copy_name("Retail", ["Retail copy", "retail copy 2"]) == "Retail copy 3"
    assert len(suggest_copy_name("y" * 80, [])) == 80


@server_tests
def test_remove_asks_first_and_then_removes_the_profile(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow], admin_api: ApiClient, tidy: list[int]
) -> None:
    doomed = admin_api.duplicate_profile(3, f"Remove me {uuid.uuid4().hex[:8]}")
    tidy.append(doomed.id)
    window = open_main_window("admin")
    page = window.profiles_page
    questions: list[str] = []
    answers = iter([False, True])

    def confirm(title: str, question: str) -> bool:
        questions.append(question)
        return next(answers)

    page.confirm = confirm  # type: ignore[method-assign]
    actions = page.row_actions(doomed.id)
    assert actions is not None
    qtbot.mouseClick(actions.remove_button, Qt.MouseButton.LeftButton)
    assert window.runner.is_idle()  # "Cancel": nothing sent
    assert listed(page, doomed.name) is not None

    actions = page.row_actions(doomed.id)
    assert actions is not None
    qtbot.mouseClick(actions.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: listed(page, doomed.name) is None, timeout=WAIT_MS)
    assert questions[0].startswith(f"Remove the profile “{doomed.name}”?")
    assert window.last_status == f"Removed the profile “{doomed.name}”."
    with pytest.raises(ApiError) as gone:
        admin_api.get_profile(doomed.id)
    assert gone.value.status == 404


@server_tests
def test_a_409_from_the_server_is_shown_in_plain_words(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow], admin_api: ApiClient, tidy: list[int]
) -> None:
    changed = admin_api.duplicate_profile(3, f"Changed elsewhere {uuid.uuid4().hex[:8]}")
    tidy.append(changed.id)
    window = open_main_window("admin")
    page = window.profiles_page
    admin_api.patch_profile(changed.id, {"description": "edited by a colleague"}, version=changed.version)
    page.confirm = lambda title, question: True  # type: ignore[method-assign]

    actions = page.row_actions(changed.id)
    assert actions is not None
    qtbot.mouseClick(actions.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(page.banner.text()), timeout=WAIT_MS)
    assert page.banner.text().startswith("Someone saved this profile in the meantime")
    wait_idle(qtbot, window.runner)
    refreshed = listed(page, changed.name)
    assert refreshed is not None and refreshed.description == "edited by a colleague"

    default = listed(page, "Default")
    assert default is not None
    page.remove_profile(default)
    assert page.banner.text() == DEFAULT_NOT_REMOVABLE
    assert window.runner.is_idle()


@server_tests
def test_a_care_rep_sees_create_and_remove_refused_with_the_servers_reason(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow]
) -> None:
    window = open_main_window("rep")
    page = window.profiles_page
    assert "Care rep" in window.user_label.text()
    before = shown_names(page)
    assert set(before) >= DEMO_PROFILES

    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(page.banner.text()), timeout=WAIT_MS)
    assert page.banner.text().startswith(NO_PERMISSION)
    assert "Manage Customer Portal Administration" in page.banner.text()
    qt_env.save_screenshot(window, "console-profiles-refused.png")

    page.banner.dismiss()
    page.confirm = lambda title, question: True  # type: ignore[method-assign]
    retail = listed(page, "Retail East")
    assert retail is not None
    actions = page.row_actions(retail.id)
    assert actions is not None
    qtbot.mouseClick(actions.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(page.banner.text()), timeout=WAIT_MS)
    assert page.banner.text().startswith(NO_PERMISSION)
    wait_idle(qtbot, window.runner)
    assert shown_names(page) == before


@server_tests
def test_an_ended_session_goes_back_to_sign_in_and_says_why(
    qtbot: QtBot, live_server: LiveServer, make_console: Callable[..., Console]
) -> None:
    console = make_console(server_url=live_server.base_url)
    sign_in_through_dialog(qtbot, console, "admin", live_server.admin_password)
    qtbot.waitUntil(lambda: console.main_window is not None, timeout=WAIT_MS)
    window = console.main_window
    assert window is not None
    qtbot.waitUntil(lambda: window.profiles_page.loaded_once, timeout=WAIT_MS)
    elsewhere = ApiClient(live_server.base_url)
    elsewhere.set_token(window.session.token.access_token)
    elsewhere.sign_out()  # the token is revoked behind the console's back

    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: console.main_window is None and console.login_dialog is not None, timeout=WAIT_MS)
    dialog = console.login_dialog
    assert dialog is not None
    assert dialog.banner.text() == "Your session has ended. Sign in again."
    assert dialog.username_edit.text() == "admin"


def test_run_opens_the_sign_in_dialog_at_the_address_given(
    qtbot: QtBot, console_theme: QApplication, settings_dir: Path, credentials: CredentialStore
) -> None:
    app, console = run(
        ["--server", "http://portal.example.net:8123/"], credentials=credentials, settings_dir=settings_dir
    )
    console.finished.disconnect()  # the test's application must not quit
    dialog = console.login_dialog
    assert app is console_theme
    assert dialog is not None
    qtbot.add_widget(dialog)
    assert dialog.isVisible()
    assert dialog.server_edit.text() == "http://portal.example.net:8123/"
    assert dialog.windowTitle() == "Sign in — Portal Console"
