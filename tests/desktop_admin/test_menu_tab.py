"""The Menu tab: preview list, rename, reorder, icons, remove and add back, page options, errors."""

from __future__ import annotations

from tests.desktop_admin import qt_env

# isort: split
import copy
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractItemView, QApplication, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from common.profile import MENU_PAGES, ProfileContent, default_content
from common.validation import FieldErrors, parse
from desktop_admin.models.menu_items_model import (
    CHILDREN_ROLE,
    ERROR_ROLE,
    ICON_CODE_ROLE,
    LANDING_ROLE,
    SUBTITLE_ROLE,
    MenuEntry,
    MenuItemsModel,
)
from desktop_admin.views.profile_editor.menu_tab import MenuTab

DEFAULT_KEYS = list(MENU_PAGES)


def _draft() -> dict[str, Any]:
    return default_content("Retail East").model_dump(mode="json")


def _applied(tab: MenuTab) -> dict[str, Any]:
    draft = _draft()
    tab.apply(draft)
    return draft


def _keys(tab: MenuTab) -> list[str]:
    return [item["key"] for item in _applied(tab)["menu"]]


def _item(tab: MenuTab, key: str) -> dict[str, Any]:
    return next(item for item in _applied(tab)["menu"] if item["key"] == key)


@pytest.fixture(autouse=True)
def _delete_closed_widgets(qapp: QApplication) -> Iterator[None]:
    """Delete the widgets the test closed, so they do not pile up (and slow restyling) in later tests."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def tab(qtbot: QtBot, console_theme: QApplication) -> MenuTab:
    widget = MenuTab()
    qtbot.add_widget(widget)
    widget.resize(1100, 720)
    widget.load(_draft())
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def edits(tab: MenuTab) -> list[int]:
    seen: list[int] = []
    tab.edited.connect(lambda: seen.append(1))
    return seen


# -- loading and applying


def test_load_then_apply_gives_back_the_identical_menu(tab: MenuTab, edits: list[int]) -> None:
    draft = _draft()
    tab.load(draft)
    out = copy.deepcopy(draft)
    out["menu"] = []
    tab.apply(out)
    assert out["menu"] == draft["menu"]
    assert out == draft, "apply writes only the menu"
    assert edits == [], "loading is not an edit"


def test_the_list_previews_the_menu_in_order_with_icons_and_the_landing_page(tab: MenuTab) -> None:
    model = tab.model
    assert model.rowCount() == len(MENU_PAGES)
    labels = [model.index(row).data(Qt.ItemDataRole.DisplayRole) for row in range(model.rowCount())]
    assert labels == [page.label for page in MENU_PAGES.values()]
    for row in range(model.rowCount()):
        decoration = model.index(row).data(Qt.ItemDataRole.DecorationRole)
        assert isinstance(decoration, QIcon) and not decoration.isNull()
        assert model.index(row).data(LANDING_ROLE) is (row == 0)
    assert model.index(3).data(CHILDREN_ROLE) == ("Bill History", "Unbilled Charges")
    assert "landing page" in str(model.index(0).data(Qt.ItemDataRole.AccessibleTextRole))
    assert tab.current_key() == "account_summary", "the first item is selected after loading"
    assert tab.landing_badge.isVisibleTo(tab)
    assert tab.count_label.text() == "7 items"


def test_partial_items_from_older_data_get_their_defaults(tab: MenuTab) -> None:
    draft = _draft()
    draft["menu"] = [
        {"key": "billing", "label": "Invoices", "icon": "fa6s.file-invoice"},
        {"key": "account_summary", "label": "Company", "icon": "fa6s.building"},
        {"key": "settings", "label": "Settings", "icon": "fa6s.gear", "settings_view": {"paperless": False}},
    ]
    tab.load(draft)
    menu = _applied(tab)["menu"]
    assert menu[0] == {
        "key": "billing",
        "label": "Invoices",
        "icon": "fa6s.file-invoice",
        "settings_view": None,
        "show_corporate_accounts": None,
    }
    assert menu[1]["show_corporate_accounts"] is True
    assert menu[2]["settings_view"] == {
        "contacts": True,
        "account_settings": True,
        "paperless": False,
        "security": True,
        "account_details": True,
        "notifications": True,
    }
    assert tab.add_button.isEnabled(), "four pages are missing, so they can be added"


# -- rename, reorder, icon


def test_renaming_updates_the_list_and_the_draft(qtbot: QtBot, tab: MenuTab, edits: list[int]) -> None:
    tab.select_key("billing")
    assert tab.children_box.isVisibleTo(tab), "billing's sub-items show, read-only"
    assert "Bill History" in [label.text() for label in tab.children_box.findChildren(type(tab.title_label))]
    tab.label_edit.selectAll()
    qtbot.keyClicks(tab.label_edit, "Invoices")

    assert tab.model.index(3).data(Qt.ItemDataRole.DisplayRole) == "Invoices"
    assert tab.title_label.text() == "Invoices"
    assert _item(tab, "billing")["label"] == "Invoices"
    assert len(edits) == len("Invoices")


def test_a_blank_label_is_explained_at_once_and_marked_in_the_list(qtbot: QtBot, tab: MenuTab) -> None:
    tab.select_key("usage")
    tab.label_edit.selectAll()
    qtbot.keyClick(tab.label_edit, Qt.Key.Key_Delete)
    assert tab.label_error.isVisibleTo(tab)
    assert tab.label_error.text() == "The label is required."
    assert tab.model.index(2).data(ERROR_ROLE)
    qtbot.keyClicks(tab.label_edit, "Data")
    assert tab.label_error.isHidden()
    assert not tab.model.index(2).data(ERROR_ROLE)


def test_display_order_moves_the_item_and_keeps_it_selected(
    qtbot: QtBot, tab: MenuTab, edits: list[int]
) -> None:
    tab.select_key("settings")
    assert tab.order_spin.value() == 7
    tab.order_spin.setValue(1)

    assert _keys(tab) == ["settings", *DEFAULT_KEYS[:-1]]
    assert tab.current_key() == "settings"
    assert tab.order_spin.value() == 1
    assert tab.landing_badge.isVisibleTo(tab), "the first item is the landing page"
    assert tab.model.index(0).data(LANDING_ROLE) and not tab.model.index(1).data(LANDING_ROLE)
    assert not tab.move_up_button.isEnabled()
    assert edits == [1]

    tab.move_down_button.click()
    assert _keys(tab)[:2] == ["account_summary", "settings"]
    tab.order_spin.setFocus()
    qtbot.keyClick(tab.order_spin, Qt.Key.Key_Up)
    assert _keys(tab)[:3] == ["account_summary", "plans_services", "settings"]
    assert len(edits) == 3


def test_a_model_move_as_drag_and_drop_makes_it_reorders_and_reports_an_edit(
    tab: MenuTab, edits: list[int]
) -> None:
    view = tab.list_view
    assert view.dragDropMode() == QAbstractItemView.DragDropMode.InternalMove
    assert view.defaultDropAction() == Qt.DropAction.MoveAction
    assert tab.model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    assert tab.model.flags(tab.model.index(0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert not tab.model.flags(tab.model.index(0)) & Qt.ItemFlag.ItemIsDropEnabled, "never onto an item"

    tab.select_key("account_summary")
    # what QListView does on a drop below "Usage": move row 0 in front of row 3
    assert tab.model.moveRow(QModelIndex(), 0, QModelIndex(), 3)

    assert _keys(tab) == ["plans_services", "usage", "account_summary", *DEFAULT_KEYS[3:]]
    assert tab.current_key() == "account_summary", "the selection follows the dragged item"
    assert tab.order_spin.value() == 3
    assert not tab.landing_badge.isVisibleTo(tab)
    assert tab.model.index(0).data(LANDING_ROLE), "Plans & Services is now the landing page"
    assert edits == [1]
    assert parse(ProfileContent, _applied(tab)).landing_page() == "plans_services"


def test_the_model_refuses_moves_onto_themselves_and_out_of_range(qapp: QApplication) -> None:
    model = MenuItemsModel()
    model.set_entries(MenuEntry.from_page(page) for page in MENU_PAGES.values())
    for destination in (1, 2):  # in front of itself or of the next row: no move at all
        assert not model.moveRows(QModelIndex(), 1, 1, QModelIndex(), destination)
    assert not model.moveRows(QModelIndex(), 1, 1, QModelIndex(), 99)
    assert not model.moveRows(QModelIndex(), 7, 1, QModelIndex(), 0)
    assert not model.move(3, 3)
    assert model.move(0, 6)
    assert model.keys() == [*DEFAULT_KEYS[1:], "account_summary"]
    assert model.move(6, 0)
    assert model.keys() == DEFAULT_KEYS
    with pytest.raises(ValueError, match="already in the menu"):
        model.append_page("usage")


def test_changing_the_icon_updates_the_list_at_once(qtbot: QtBot, tab: MenuTab, edits: list[int]) -> None:
    tab.select_key("usage")
    with qtbot.waitSignal(tab.model.dataChanged, timeout=1000):
        tab.icon_picker.set_icon("fa-solid fa-signal")
    assert tab.model.index(2).data(ICON_CODE_ROLE) == "fa6s.signal"
    assert _item(tab, "usage")["icon"] == "fa6s.signal"
    assert edits == [1]

    tab.select_key("billing")
    assert tab.icon_picker.icon() == "fa6s.file-invoice-dollar"
    assert edits == [1], "showing another item's icon is not an edit"


# -- remove and add back


def test_removing_payments_and_adding_it_back_puts_it_at_the_end(
    qtbot: QtBot, tab: MenuTab, edits: list[int]
) -> None:
    assert not tab.add_button.isEnabled(), "nothing to add while every page is in the menu"
    tab.select_key("payments")
    tab.label_edit.selectAll()
    qtbot.keyClicks(tab.label_edit, "Pay")
    assert "Make Payment" in tab.remove_hint.text(), "the hint says the sub-items go too"
    tab.remove_button.click()

    assert "payments" not in _keys(tab)
    assert tab.current_key() == "support", "the next item is selected"
    assert tab.add_button.isEnabled()
    assert "Payments" in tab.add_button.toolTip()

    tab.add_button.click()
    dialog = tab.add_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.keys() == ["payments"]
    dialog.select_key("payments")
    dialog.add_button.click()

    assert _keys(tab) == [key for key in DEFAULT_KEYS if key != "payments"] + ["payments"]
    back = _item(tab, "payments")
    assert back["label"] == "Payments", "it comes back with its default label"
    assert back["icon"] == MENU_PAGES["payments"].icon
    assert tab.current_key() == "payments"
    assert tab.model.index(6).data(CHILDREN_ROLE) == tuple(
        label for _k, label in MENU_PAGES["payments"].children
    )
    assert not tab.add_button.isEnabled()
    parse(ProfileContent, _applied(tab))


def test_the_last_item_cannot_be_removed(tab: MenuTab) -> None:
    while tab.model.rowCount() > 1:
        tab.select_row(0)
        tab.remove_current()
    assert _keys(tab) == ["settings"]
    assert not tab.remove_button.isEnabled()
    assert "at least one" in tab.remove_button.toolTip()
    tab.remove_current()
    assert _keys(tab) == ["settings"]
    dialog = tab.open_add_dialog()
    assert dialog.keys() == DEFAULT_KEYS[:-1]
    dialog.reject()
    parse(ProfileContent, _applied(tab))


# -- page options


def test_settings_view_toggles_round_trip(qtbot: QtBot, tab: MenuTab, edits: list[int]) -> None:
    tab.select_key("settings")
    assert tab.settings_section.isVisibleTo(tab)
    assert not tab.corporate_section.isVisibleTo(tab)
    toggles = tab.settings_toggles
    assert set(toggles) == {
        "contacts",
        "account_settings",
        "paperless",
        "security",
        "account_details",
        "notifications",
    }
    assert all(toggle.isChecked() for toggle in toggles.values())

    qtbot.mouseClick(toggles["paperless"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(toggles["contacts"], Qt.MouseButton.LeftButton)
    view = _item(tab, "settings")["settings_view"]
    assert view == {
        "contacts": False,
        "account_settings": True,
        "paperless": False,
        "security": True,
        "account_details": True,
        "notifications": True,
    }

    assert tab.model.index(6).data(SUBTITLE_ROLE) == "Account Settings", "the preview drops Contacts"
    qtbot.mouseClick(toggles["account_settings"], Qt.MouseButton.LeftButton)
    for name in ("paperless", "security", "account_details", "notifications"):
        assert not toggles[name].isEnabled(), "subsections wait for the Account Settings submenu"
    assert tab.subsections_hint.isVisibleTo(tab)
    assert _item(tab, "settings")["settings_view"]["account_settings"] is False
    assert _item(tab, "settings")["settings_view"]["security"] is True, "the subsections keep their values"
    assert tab.model.index(6).data(SUBTITLE_ROLE) == "Submenus hidden"
    assert len(edits) == 3

    draft = _applied(tab)
    tab.select_key("usage")
    tab.load(draft)
    tab.select_key("settings")
    assert not toggles["account_settings"].isChecked()
    assert not toggles["paperless"].isChecked() and toggles["security"].isChecked()
    assert not toggles["security"].isEnabled()
    assert _applied(tab)["menu"] == draft["menu"]
    assert len(edits) == 3


def test_corporate_accounts_toggle_belongs_to_account_summary(
    qtbot: QtBot, tab: MenuTab, edits: list[int]
) -> None:
    tab.select_key("account_summary")
    assert tab.corporate_section.isVisibleTo(tab)
    assert not tab.settings_section.isVisibleTo(tab)
    assert tab.corporate_toggle.isChecked()
    qtbot.mouseClick(tab.corporate_toggle, Qt.MouseButton.LeftButton)
    assert _item(tab, "account_summary")["show_corporate_accounts"] is False
    assert edits == [1]
    for item in _applied(tab)["menu"]:
        if item["key"] != "account_summary":
            assert item["show_corporate_accounts"] is None
        if item["key"] != "settings":
            assert item["settings_view"] is None
    tab.select_key("billing")
    assert not tab.corporate_section.isVisibleTo(tab)


def test_many_edits_still_give_a_valid_profile(qtbot: QtBot, tab: MenuTab) -> None:
    tab.select_key("support")
    tab.label_edit.selectAll()
    qtbot.keyClicks(tab.label_edit, "Help")
    tab.icon_picker.set_icon("fa6s.life-ring")
    tab.order_spin.setValue(2)
    tab.select_key("usage")
    tab.remove_current()
    tab.select_key("settings")
    qtbot.mouseClick(tab.settings_toggles["notifications"], Qt.MouseButton.LeftButton)

    profile = parse(ProfileContent, _applied(tab))
    assert [item.key for item in profile.menu] == [
        "account_summary",
        "support",
        "plans_services",
        "billing",
        "payments",
        "settings",
    ]
    assert profile.menu[1].label == "Help" and profile.menu[1].icon == "fa6s.life-ring"
    assert profile.menu[-1].settings_view is not None
    assert profile.menu[-1].settings_view.notifications is False


# -- errors


def test_show_errors_on_menu_0_label_shows_at_that_item(tab: MenuTab, edits: list[int]) -> None:
    tab.select_key("settings")
    tab.show_errors({"menu.0.label": "is required", "name": "is required"})

    assert tab.current_key() == "account_summary", "the item with the problem is selected"
    assert tab.label_error.isVisibleTo(tab)
    assert tab.label_error.text() == "The label is required."
    assert tab.label_edit.property("invalid") is True
    assert tab.model.index(0).data(ERROR_ROLE) == "The label is required."
    assert not any(tab.model.index(row).data(ERROR_ROLE) for row in range(1, tab.model.rowCount()))
    assert not tab.banner.isVisibleTo(tab), "errors of other tabs are not shown here"

    tab.select_key("usage")
    assert tab.label_error.isHidden()
    tab.select_key("account_summary")
    assert tab.label_error.isVisibleTo(tab), "the problem stays with its item"

    tab.show_errors({})
    assert tab.label_error.isHidden()
    assert not tab.model.index(0).data(ERROR_ROLE)
    assert edits == []


def test_errors_from_the_shared_validation_land_at_the_item(qtbot: QtBot, tab: MenuTab) -> None:
    tab.select_key("billing")
    tab.label_edit.selectAll()
    qtbot.keyClicks(tab.label_edit, "B" * 45)
    tab.select_key("usage")
    with pytest.raises(FieldErrors) as caught:
        parse(ProfileContent, _applied(tab))
    assert "menu.3.label" in caught.value.fields
    tab.show_errors(caught.value.fields)
    assert tab.current_key() == "billing"
    assert tab.label_error.text() == "The label must be at most 40 characters."

    tab.show_errors({"menu": "must have at least 1 entry"})
    assert tab.banner.isVisibleTo(tab)
    assert "at least 1 entry" in tab.banner.text()


def test_errors_follow_their_item_when_it_moves(tab: MenuTab) -> None:
    tab.show_errors({"menu.2.icon": "'fa6s.nope' is not an icon the portal can draw"})
    assert tab.current_key() == "usage"
    assert tab.icon_error.text() == "'fa6s.nope' is not an icon the portal can draw."
    tab.order_spin.setValue(5)
    assert tab.current_key() == "usage"
    assert tab.model.index(4).data(ERROR_ROLE)
    assert tab.icon_error.isVisibleTo(tab)


# -- the look


def test_screenshot_of_the_menu_tab_with_the_settings_item(qtbot: QtBot, console_theme: QApplication) -> None:
    host = QWidget()
    host.setObjectName("host")
    host.setStyleSheet("QWidget#host { background: #f5f7fb; }")
    layout = QVBoxLayout(host)
    layout.setContentsMargins(24, 20, 24, 20)
    tab = MenuTab(host)
    layout.addWidget(tab)
    qtbot.add_widget(host)
    tab.load(_draft())
    tab.select_key("settings")
    host.resize(1120, 760)
    host.show()
    qtbot.waitExposed(host)
    assert tab.settings_section.isVisible()
    for part in (tab.children_frame, *tab.settings_toggles.values()):
        assert part.height() >= part.sizeHint().height(), "nothing is squeezed"
    path = qt_env.save_screenshot(host, "console-editor-menu.png")
    assert path.stat().st_size > 10_000
