"""The History page against a real portal server: versions, differences, restoring, conflicts."""

from __future__ import annotations

from tests.desktop_admin import qt_env

# isort: split
import uuid
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from common.profile import Profile
from desktop_admin.api import ApiClient
from desktop_admin.models.changes_table_model import COL_AFTER, COL_BEFORE, COL_FIELD
from desktop_admin.models.versions_table_model import COL_ACTION, COL_BY, COL_NOTE, COL_NUMBER, CURRENT_ROLE
from desktop_admin.views.history_page import HistoryPage
from desktop_admin.views.main_window import PAGE_HISTORY, MainWindow
from tests.desktop_admin.conftest import WAIT_MS

pytestmark = pytest.mark.sqlite_only

FIRST_DESCRIPTION = "Homes in the river valley"


# --- helpers ---------------------------------------------------------------------------------


def make_profile(admin_api: ApiClient, tidy: list[int], prefix: str) -> Profile:
    profile = admin_api.create_profile(
        {"name": f"{prefix} {uuid.uuid4().hex[:8]}", "description": FIRST_DESCRIPTION}
    )
    tidy.append(profile.id)
    return profile


def open_history(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow], profile_name: str, username: str = "admin"
) -> tuple[MainWindow, HistoryPage]:
    window = open_main_window(username)
    row = window.page_keys().index(PAGE_HISTORY)
    window.navigation.setCurrentRow(row)  # as clicking "History" in the navigation does
    page = window.history_page
    assert window.current_page() == PAGE_HISTORY
    assert window.page_title.text() == "History"
    qtbot.waitUntil(lambda: page.profiles_loaded_once, timeout=WAIT_MS)
    assert page.body.currentWidget() is page.placeholder  # nothing chosen yet
    assert page.choose_profile(profile_name.upper())  # any case, as the completer matches
    assert page.profile_combo.currentText() == profile_name
    qtbot.waitUntil(lambda: page.versions_loaded_for is not None, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    return window, page


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)


def click_row(qtbot: QtBot, table: QTableView, row: int, *, ctrl: bool = False) -> None:
    centre = table.visualRect(table.model().index(row, COL_BY)).center()
    modifier = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, centre)


def row_of(page: HistoryPage, number: int) -> int:
    return page.versions_model.numbers().index(number)


def column(page: HistoryPage, col: int) -> list[str]:
    model = page.versions_model
    return [model.index(row, col).data() for row in range(model.rowCount())]


def wait_compared(
    qtbot: QtBot, window: MainWindow, page: HistoryPage, after: int, before: int | None
) -> None:
    def shown() -> bool:
        detail = page.detail
        return detail is not None and (detail.number, detail.compared_with) == (after, before)

    qtbot.waitUntil(shown, timeout=WAIT_MS)
    wait_idle(qtbot, window)


def changes(page: HistoryPage) -> dict[str, tuple[str, str]]:
    model = page.changes_model
    return {
        model.index(row, COL_FIELD).data(): (
            model.index(row, COL_BEFORE).data(),
            model.index(row, COL_AFTER).data(),
        )
        for row in range(model.rowCount())
    }


# --- tests -----------------------------------------------------------------------------------


def test_history_lists_versions_compares_two_and_restores_one(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow], admin_api: ApiClient, tidy: list[int]
) -> None:
    profile = make_profile(admin_api, tidy, "Valley Homes")
    original_label = profile.menu[2].label
    v2 = admin_api.patch_profile(
        profile.id,
        {
            "description": "Homes and small offices in the valley",
            "settings": {"theme": "gray", "top_bar_color": "#1f7a4d"},
        },
        version=profile.version,
    )
    menu = [item.model_dump(mode="json") for item in v2.menu]
    menu[2]["label"] = "Invoices and statements"
    v3 = admin_api.patch_profile(profile.id, {"menu": menu}, version=v2.version)
    market = f"VALLEY-{uuid.uuid4().hex[:6].upper()}"
    admin_api.add_market(profile.id, market, version=v3.version)

    window, page = open_history(qtbot, open_main_window, profile.name)
    assert "History" in [window.navigation.item(r).text() for r in range(window.navigation.count())]

    # Newest first, in words, the current version marked; the newest is selected and compared.
    assert page.versions_model.numbers() == [4, 3, 2, 1]
    assert column(page, COL_ACTION) == ["Markets changed", "Edited", "Edited", "Created"]
    assert column(page, COL_BY) == ["admin"] * 4
    assert column(page, COL_NOTE)[0] == f"Added market {market}"
    assert page.versions_model.index(0, COL_NUMBER).data(CURRENT_ROLE) is True
    assert page.profile_info.text().startswith("4 versions")
    wait_compared(qtbot, window, page, 4, 3)
    assert page.selected_versions() == (4, None)
    assert page.changes_model.fields() == ["markets"]
    assert page.current_badge.isVisibleTo(page)
    assert not page.restore_button.isEnabled()  # already current

    # Version 2, then Ctrl+click version 1: exactly the fields that edit changed, older on the left.
    table = page.versions_table
    click_row(qtbot, table, row_of(page, 2))
    wait_compared(qtbot, window, page, 2, 1)
    click_row(qtbot, table, row_of(page, 1), ctrl=True)
    wait_compared(qtbot, window, page, 2, 1)
    assert page.selected_versions() == (2, 1)
    assert page.compare_combo.currentData() == 1
    assert page.changes_model.fields() == ["description", "settings.theme", "settings.top_bar_color"]
    assert changes(page) == {
        "Description": (FIRST_DESCRIPTION, "Homes and small offices in the valley"),
        "Settings › Theme": ("blue", "gray"),
        "Settings › Top bar color": ("Not set", "#1f7a4d"),
    }
    assert page.changes_model.headerData(COL_BEFORE, Qt.Orientation.Horizontal) == "Before · version 1"
    assert page.summary_label.text().startswith("3 fields differ between version 1 (before) and version 2")

    # Compare with… picks the other version explicitly: version 2 against the current one.
    page.compare_with(4)
    wait_compared(qtbot, window, page, 4, 2)
    assert page.selected_versions() == (2, 4)
    assert page.changes_model.fields() == ["markets", "menu.2.label"]
    assert changes(page)["Menu › item 3 › Label"] == (original_label, "Invoices and statements")
    assert {index.row() for index in table.selectionModel().selectedRows()} == {
        row_of(page, 2),
        row_of(page, 4),
    }

    # Version 1 alone: nothing before it.
    click_row(qtbot, table, row_of(page, 1))
    wait_compared(qtbot, window, page, 1, None)
    assert page.detail_stack.currentWidget() is page.no_changes_label
    assert "where this profile began" in page.no_changes_label.text()

    # Restore it: asked first, then a new "Restored" version with version 1's content.
    questions: list[str] = []
    answers = iter([False, True])

    def confirm(title: str, question: str) -> bool:
        questions.append(question)
        return next(answers)

    page.confirm = confirm  # type: ignore[method-assign]
    assert page.restore_button.isEnabled()
    assert page.restore_button.text() == "Restore this version"
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert window.runner.is_idle()  # "Cancel": nothing sent
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.versions_model.current() == 5, timeout=WAIT_MS)
    wait_compared(qtbot, window, page, 5, 4)
    assert questions[0].startswith(f"Restore version 1 of “{profile.name}”?")
    assert "new version 5" in questions[0]
    assert page.versions_model.numbers() == [5, 4, 3, 2, 1]
    assert column(page, COL_ACTION)[0] == "Restored"
    assert column(page, COL_NOTE)[0] == "From version 1"
    assert page.selected_versions() == (5, None)
    assert page.current_badge.isVisibleTo(page)
    assert page.banner.text() == f"Restored version 1 of “{profile.name}”: it is now version 5."
    assert window.last_status == page.banner.text()
    assert page.changes_model.fields() == [
        "description",
        "menu.2.label",
        "settings.theme",
        "settings.top_bar_color",
    ]

    back = admin_api.get_profile(profile.id)
    assert back.version == 5
    assert back.description == FIRST_DESCRIPTION
    assert back.settings.theme == "blue"
    assert back.settings.top_bar_color is None
    assert back.menu[2].label == original_label
    assert back.markets == [market]  # markets stay as they are

    qt_env.save_screenshot(window, "console-history.png")


def test_restoring_after_someone_else_saved_reloads_and_says_so(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow], admin_api: ApiClient, tidy: list[int]
) -> None:
    profile = make_profile(admin_api, tidy, "Hill Office")
    admin_api.patch_profile(profile.id, {"description": "Offices on the hill"}, version=profile.version)
    window, page = open_history(qtbot, open_main_window, profile.name)
    assert page.versions_model.numbers() == [2, 1]
    click_row(qtbot, page.versions_table, row_of(page, 1))
    wait_compared(qtbot, window, page, 1, None)

    # A colleague saves between the page loading the list and the restore.
    admin_api.patch_profile(profile.id, {"description": "Offices and shops on the hill"}, version=2)
    page.confirm = lambda title, question: True  # type: ignore[method-assign]
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(page.banner.text()), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.versions_model.numbers() == [3, 2, 1], timeout=WAIT_MS)
    wait_idle(qtbot, window)

    message = page.banner.text()
    assert message.startswith(f"Version 1 was not restored: someone else saved “{profile.name}”")
    assert "it is now at version 3" in message
    assert "restore version 1 again if you still want it" in message
    assert page.versions_model.current() == 3
    assert page.selected_versions() == (1, None)  # still on the version that was wanted
    assert page.restore_button.isEnabled()
    assert column(page, COL_ACTION) == ["Edited", "Edited", "Created"]
    server = admin_api.get_profile(profile.id)
    assert (server.version, server.description) == (3, "Offices and shops on the hill")
    qt_env.save_screenshot(window, "console-history-conflict.png")


def test_a_care_rep_sees_the_history_but_the_server_refuses_a_restore(
    qtbot: QtBot, open_main_window: Callable[[str], MainWindow], admin_api: ApiClient, tidy: list[int]
) -> None:
    profile = make_profile(admin_api, tidy, "Quay Shops")
    admin_api.patch_profile(profile.id, {"description": "Shops on the quay"}, version=profile.version)
    window = open_main_window("rep")
    window.show_page(PAGE_HISTORY)
    page = window.history_page
    qtbot.waitUntil(lambda: page.profiles_loaded_once, timeout=WAIT_MS)

    # Typing part of a name that only one profile has, then Enter, chooses it.
    line = page.profile_combo.lineEdit()
    assert line is not None
    line.setText(profile.name.split()[-1])
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.versions_loaded_for == profile.id, timeout=WAIT_MS)
    wait_compared(qtbot, window, page, 2, 1)
    assert page.changes_model.fields() == ["description"]

    click_row(qtbot, page.versions_table, row_of(page, 1))
    wait_compared(qtbot, window, page, 1, None)
    page.confirm = lambda title, question: True  # type: ignore[method-assign]
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(page.banner.text()), timeout=WAIT_MS)
    assert page.banner.text().startswith("You do not have permission to do this")
    wait_idle(qtbot, window)
    assert page.versions_model.numbers() == [2, 1]
    assert admin_api.get_profile(profile.id).version == 2
