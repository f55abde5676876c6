"""The icon list model, its search filter, the chooser dialog and the Menu tab's icon picker."""

from __future__ import annotations

from tests.desktop_admin import qt_env

# isort: split
from collections.abc import Callable

import pytest
import qtawesome
from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtGui import QIcon, QImage
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from common.icons import COMMON_ICONS, catalogue
from desktop_admin.models.icon_list_model import CODE_ROLE, IconFilterModel, IconListModel, qtawesome_icon
from desktop_admin.widgets.icon_picker import (
    IconChooserDialog,
    IconPicker,
    count_text,
    icon_label,
)


class CountingFactory:
    """An icon factory that counts the icons it is asked to make."""

    def __init__(self, make: Callable[[str], QIcon] = qtawesome_icon) -> None:
        self.made: list[str] = []
        self._make = make

    def __call__(self, code: str) -> QIcon:
        self.made.append(code)
        return self._make(code)


@pytest.fixture
def factory(qapp: QApplication) -> CountingFactory:
    return CountingFactory()


@pytest.fixture
def model(factory: CountingFactory) -> IconListModel:
    return IconListModel(icon_factory=factory)


@pytest.fixture
def chooser(qtbot: QtBot, model: IconListModel) -> IconChooserDialog:
    dialog = IconChooserDialog(model=model, debounce_ms=30)
    qtbot.add_widget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def picker(qtbot: QtBot) -> IconPicker:
    widget = IconPicker()
    qtbot.add_widget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _filtered_codes(proxy: IconFilterModel) -> list[str]:
    return [proxy.code_at(row) for row in range(proxy.rowCount())]


def _search(qtbot: QtBot, dialog: IconChooserDialog, text: str) -> None:
    dialog.search_edit.clear()
    qtbot.keyClicks(dialog.search_edit, text)
    qtbot.waitUntil(lambda: dialog.filter_model.search_text() == text)


# -- the model, without widgets


def test_model_lists_every_catalogue_code_sorted(model: IconListModel) -> None:
    assert model.rowCount() == len(catalogue()) > 2000
    assert list(model.codes()) == sorted(catalogue())
    assert model.rowCount(model.index(0, 0)) == 0, "a list has no children"


def test_model_roles(model: IconListModel, factory: CountingFactory) -> None:
    index = model.index(model.row_of("fa6s.dollar-sign"), 0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "dollar-sign"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "fa6s.dollar-sign"
    assert index.data(Qt.ItemDataRole.UserRole) == "fa6s.dollar-sign"
    assert factory.made == [], "no icon is made until a view asks for one"
    icon = index.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    assert not icon.pixmap(QSize(16, 16)).isNull()
    index.data(Qt.ItemDataRole.DecorationRole)
    assert factory.made == ["fa6s.dollar-sign"], "icons are cached"
    assert model.data(QModelIndex()) is None
    assert model.row_of("fa6s.no-such-icon") == -1


def test_filter_keeps_codes_holding_every_word(model: IconListModel) -> None:
    proxy = IconFilterModel()
    proxy.setSourceModel(model)
    proxy.set_search_text("dollar")
    codes = _filtered_codes(proxy)
    assert "fa6s.dollar-sign" in codes and "fa6s.file-invoice-dollar" in codes
    assert all("dollar" in code for code in codes)

    proxy.set_search_text("  DOLLAR   Sign ")
    assert _filtered_codes(proxy) == ["fa6s.dollar-sign"]
    assert proxy.row_of("fa6s.dollar-sign") == 0
    assert proxy.row_of("fa6s.house") == -1

    proxy.set_search_text("fa6b. git")
    assert _filtered_codes(proxy) and all(
        c.startswith("fa6b.") and "git" in c for c in _filtered_codes(proxy)
    )

    proxy.set_search_text("")
    assert proxy.rowCount() == model.rowCount()


def test_count_and_labels_read_well() -> None:
    assert count_text(1402, "") == "1,402 icons"
    assert count_text(12, "dollar") == "12 match 'dollar'"
    assert count_text(1, "dollar sign") == "1 matches 'dollar sign'"
    assert count_text(0, "zzz") == "No icons match 'zzz'"
    assert icon_label("fa6s.file-invoice-dollar") == "File invoice dollar"
    assert icon_label("fa6.bell") == "Bell (regular)"
    assert icon_label("fa6b.github") == "Github (brand)"


# -- the chooser


def test_searching_dollar_finds_the_dollar_sign(qtbot: QtBot, chooser: IconChooserDialog) -> None:
    assert chooser.count_label.text() == f"{len(catalogue()):,} icons"
    _search(qtbot, chooser, "dollar")

    codes = _filtered_codes(chooser.filter_model)
    assert "fa6s.dollar-sign" in codes
    assert chooser.count_label.text() == f"{len(codes)} match 'dollar'"
    assert 5 < len(codes) < 50


def test_filtering_keystroke_by_keystroke_stays_responsive(
    qtbot: QtBot, chooser: IconChooserDialog, factory: CountingFactory
) -> None:
    total = len(catalogue())
    # one keystroke at a time, letting the debounce fire after some of them
    for i, char in enumerate("credit card"):
        qtbot.keyClicks(chooser.search_edit, char)
        if i % 3 == 0:
            qtbot.waitUntil(lambda: not chooser.search_timer.isActive())
    qtbot.waitUntil(lambda: chooser.filter_model.search_text() == "credit card")
    assert sorted(_filtered_codes(chooser.filter_model)) == ["fa6.credit-card", "fa6s.credit-card"]
    assert chooser.count_label.text() == "2 match 'credit card'"

    for _ in "credit card":
        qtbot.keyClick(chooser.search_edit, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: chooser.filter_model.rowCount() == total)
    assert chooser.count_label.text() == f"{total:,} icons"

    # only icons a view painted were ever made, never the whole catalogue on a keystroke
    assert 0 < len(factory.made) < 300
    assert len(set(factory.made)) == len(factory.made)


def test_picking_in_the_grid_fills_the_code_and_enables_ok(qtbot: QtBot, chooser: IconChooserDialog) -> None:
    assert not chooser.ok_button.isEnabled()
    _search(qtbot, chooser, "dollar sign")
    index = chooser.filter_model.index(0, 0)
    chooser.grid.setCurrentIndex(index)
    assert chooser.code_edit.text() == "fa6s.dollar-sign"
    assert chooser.selected_code() == "fa6s.dollar-sign"
    assert chooser.ok_button.isEnabled()

    with qtbot.waitSignal(chooser.accepted):
        chooser.grid.activated.emit(index)


def test_invalid_typed_code_shows_the_reason_and_keeps_ok_disabled(
    qtbot: QtBot, chooser: IconChooserDialog
) -> None:
    qtbot.keyClicks(chooser.code_edit, "fa-solid fa-not-an-icon")
    assert chooser.code_status.text() == "'fa-solid fa-not-an-icon' is not an icon the portal can draw."
    assert not chooser.ok_button.isEnabled()
    assert chooser.selected_code() is None
    assert chooser.code_edit.accessibleDescription() == chooser.code_status.text()
    qtbot.keyClick(chooser.code_edit, Qt.Key.Key_Return)
    assert chooser.isVisible(), "Enter does not accept an invalid code"

    chooser.code_edit.clear()
    qtbot.keyClicks(chooser.code_edit, "fa-house fa-user")
    assert "is not a Font Awesome icon code" in chooser.code_status.text()
    assert not chooser.ok_button.isEnabled()


def test_enter_in_the_search_field_filters_and_does_not_close(
    qtbot: QtBot, chooser: IconChooserDialog
) -> None:
    chooser.set_current_code("fa6s.house")
    assert chooser.ok_button.isEnabled()
    qtbot.keyClicks(chooser.search_edit, "wallet")
    qtbot.keyClick(chooser.search_edit, Qt.Key.Key_Return)
    assert chooser.filter_model.search_text() == "wallet"
    assert chooser.isVisible()


def test_the_grid_follows_a_typed_code(qtbot: QtBot, chooser: IconChooserDialog) -> None:
    qtbot.keyClicks(chooser.code_edit, "fas fa-wallet")
    assert chooser.selected_code() == "fa6s.wallet"
    assert chooser.grid.currentIndex().data(Qt.ItemDataRole.UserRole) == "fa6s.wallet"
    qtbot.keyClick(chooser.code_edit, Qt.Key.Key_Backspace)
    assert chooser.selected_code() is None
    assert not chooser.grid.currentIndex().isValid()


def test_keyboard_only_search_down_and_enter_chooses_once(qtbot: QtBot, chooser: IconChooserDialog) -> None:
    accepted: list[bool] = []
    chooser.accepted.connect(lambda: accepted.append(True))
    qtbot.keyClicks(chooser.search_edit, "dollar sign")
    qtbot.keyClick(chooser.search_edit, Qt.Key.Key_Down)
    assert chooser.grid.hasFocus()
    assert chooser.selected_code() == "fa6s.dollar-sign"
    qtbot.keyClick(chooser.grid, Qt.Key.Key_Return)
    assert accepted == [True]
    assert not chooser.isVisible()


def test_screenshot(qtbot: QtBot, chooser: IconChooserDialog) -> None:
    chooser.resize(780, 560)
    _search(qtbot, chooser, "dollar")
    chooser.grid.setCurrentIndex(
        chooser.filter_model.index(chooser.filter_model.row_of("fa6s.dollar-sign"), 0)
    )
    chooser.search_edit.setFocus()
    qtbot.wait(20)
    path = qt_env.save_screenshot(chooser, "console-icon-chooser.png")
    assert path.stat().st_size > 0


# -- the picker


def test_combo_offers_the_common_icons_with_their_icons(picker: IconPicker) -> None:
    assert picker.combo.count() == len(COMMON_ICONS)
    for row, code in enumerate(COMMON_ICONS):
        assert picker.combo.itemData(row, Qt.ItemDataRole.UserRole) == code
        assert not picker.combo.itemIcon(row).isNull()
    assert picker.icon() == COMMON_ICONS[0]
    assert picker.combo.accessibleName() and picker.choose_button.accessibleName()


def test_choosing_in_the_combo_emits_the_code(qtbot: QtBot, picker: IconPicker) -> None:
    with qtbot.waitSignal(picker.iconChanged) as signal:
        picker.combo.setCurrentIndex(COMMON_ICONS.index("fa6s.wallet"))
    assert signal.args == ["fa6s.wallet"]
    assert picker.icon() == "fa6s.wallet"


def test_typed_css_code_is_accepted_as_its_canonical_code(qtbot: QtBot, picker: IconPicker) -> None:
    picker.set_icon("fa6s.gear")
    seen: list[str] = []
    picker.iconChanged.connect(seen.append)

    qtbot.mouseClick(picker.choose_button, Qt.MouseButton.LeftButton)
    dialog = picker.chooser
    assert dialog is not None and dialog.isVisible()
    assert dialog.code_edit.text() == "fa6s.gear", "the chooser starts from the current icon"
    dialog.code_edit.clear()
    qtbot.keyClicks(dialog.code_edit, "fa-solid fa-house")
    assert dialog.code_status.text() == "Will use fa6s.house"
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert seen == ["fa6s.house"]
    assert picker.icon() == "fa6s.house"
    assert picker.combo.currentText() == "House"
    assert not dialog.isVisible()


def test_a_code_outside_the_common_list_is_added_as_the_current_item(
    qtbot: QtBot, picker: IconPicker
) -> None:
    dialog = picker.open_chooser()
    qtbot.keyClicks(dialog.search_edit, "github")
    dialog.code_edit.clear()
    qtbot.keyClicks(dialog.code_edit, "fab fa-github")
    with qtbot.waitSignal(picker.iconChanged) as signal:
        qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    assert signal.args == ["fa6b.github"]
    assert picker.combo.count() == len(COMMON_ICONS) + 2  # a separator, then the icon
    assert picker.combo.currentData(Qt.ItemDataRole.UserRole) == "fa6b.github"
    assert picker.combo.currentText() == "Github (brand)"

    picker.set_icon("fa6b.github")  # already listed: not added twice
    picker.set_icon("fa-regular fa-bell")
    assert picker.combo.count() == len(COMMON_ICONS) + 3
    assert picker.icon() == "fa6.bell"
    picker.set_icon("fa6s.house")
    assert picker.combo.currentIndex() == 0


def test_cancel_keeps_the_icon(qtbot: QtBot, picker: IconPicker) -> None:
    dialog = picker.open_chooser()
    dialog.code_edit.clear()
    qtbot.keyClicks(dialog.code_edit, "fa6s.bolt")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert picker.icon() == COMMON_ICONS[0]


def test_set_icon_refuses_unknown_codes(picker: IconPicker) -> None:
    with pytest.raises(ValueError, match="not an icon the portal can draw"):
        picker.set_icon("fa6s.no-such-icon")
    assert picker.icon() == COMMON_ICONS[0]


# -- every code offered draws


def test_every_catalogue_code_draws_in_qtawesome(qapp: QApplication) -> None:
    size = QSize(24, 24)
    blank = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    blank.fill(0)
    failures = []
    for code, codepoint in catalogue().items():
        if qtawesome.charmap(code) != chr(int(codepoint, 16)):
            failures.append(f"{code}: qtawesome maps it to another code point")
            continue
        pixmap = qtawesome.icon(code).pixmap(size)
        if pixmap.isNull():
            failures.append(f"{code}: null pixmap")
            continue
        image = pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        if image == blank:
            failures.append(f"{code}: draws nothing")
    assert failures == []
    assert set(COMMON_ICONS) <= set(catalogue())


def test_searching_only_filters_and_never_changes_the_chosen_icon(
    qtbot: QtBot, chooser: IconChooserDialog
) -> None:
    chooser.set_current_code("fa6s.house")
    assert chooser.selected_code() == "fa6s.house"
    for text in ("dollar", "credit card", "zzz-no-such-icon", "", "house"):
        _search(qtbot, chooser, text)
        assert chooser.selected_code() == "fa6s.house", f"searching {text!r} changed the choice"
        assert chooser.code_edit.text() == "fa6s.house"
    # Back in view, the chosen icon is the one selected in the grid.
    assert chooser.grid.currentIndex().data(CODE_ROLE) == "fa6s.house"
