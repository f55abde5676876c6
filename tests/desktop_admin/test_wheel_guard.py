"""Scrolling a form with the wheel never edits the combo boxes, spin boxes or sliders it passes."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollArea,
    QScrollBar,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_admin.api import ApiClient
from desktop_admin.views.profile_editor.editor import ProfileEditor
from desktop_admin.widgets.wheel_guard import WheelGuard, guard_wheel


def _turn_wheel_over(widget: QWidget, notches: int = -1) -> None:
    """Turn the wheel over a widget as the mouse does: the event goes to the widget under it."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def _form(qtbot):
    """A scrolling page with a guarded combo box, spin box and slider far apart, none focused."""
    area = QScrollArea()
    page = QWidget()
    layout = QVBoxLayout(page)
    combo = QComboBox(page)
    combo.addItems(["Summary", "Detailed", "None"])
    spin = QSpinBox(page)
    spin.setRange(0, 100)
    spin.setValue(50)
    slider = QSlider(Qt.Orientation.Horizontal, page)
    slider.setRange(0, 100)
    slider.setValue(50)
    guard_wheel(combo, spin, slider)
    for widget in (combo, spin, slider):
        layout.addWidget(widget)
        layout.addSpacing(600)
    area.setWidget(page)
    area.resize(300, 300)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    return area, combo, spin, slider


def test_the_wheel_scrolls_past_unfocused_value_widgets_without_changing_them(qtbot) -> None:
    area, combo, spin, slider = _form(qtbot)
    for widget in (combo, spin, slider):
        assert widget.focusPolicy() == Qt.FocusPolicy.StrongFocus, "the wheel gives no focus"
        before = area.verticalScrollBar().value()
        _turn_wheel_over(widget)
        assert not widget.hasFocus()
        assert area.verticalScrollBar().value() > before, "the page scrolled instead"
    assert combo.currentText() == "Summary" and spin.value() == 50 and slider.value() == 50


def test_a_focused_value_widget_still_takes_the_wheel(qtbot) -> None:
    _area, combo, spin, _slider = _form(qtbot)
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    _turn_wheel_over(combo)
    assert combo.currentText() == "Detailed"
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    _turn_wheel_over(spin)
    assert spin.value() == 49


def test_every_value_widget_of_the_profile_editor_is_guarded(qtbot, console_theme) -> None:
    editor = ProfileEditor(ApiClient("http://127.0.0.1:9"))  # a new profile: nothing is asked of the server
    qtbot.add_widget(editor)
    for title in editor.tab_titles():
        editor.show_tab(title)
    values = [
        widget
        for kind in (QComboBox, QAbstractSpinBox, QAbstractSlider)
        for widget in editor.findChildren(kind)
        if not isinstance(widget, QScrollBar)
    ]
    assert values, "the editor has value widgets"
    unguarded = [
        f"{type(widget).__name__} {widget.objectName() or widget.accessibleName()}"
        for widget in values
        if not widget.findChildren(WheelGuard)
    ]
    assert not unguarded, f"value widgets the wheel can still change: {unguarded}"


def test_scrolling_the_settings_tab_leaves_its_choices_alone(qtbot, console_theme) -> None:
    editor = ProfileEditor(ApiClient("http://127.0.0.1:9"))
    qtbot.add_widget(editor)
    editor.resize(1100, 600)
    editor.show()
    qtbot.waitExposed(editor)
    editor.show_tab("Settings")
    tab = editor.current_tab()
    bill, locale = tab.bill_combo, tab.locale_combo
    chosen = (bill.currentIndex(), locale.currentIndex())
    area = next(parent for parent in _ancestors(bill) if isinstance(parent, QScrollArea))
    for _ in range(3):
        _turn_wheel_over(bill)
        _turn_wheel_over(locale)
    assert (bill.currentIndex(), locale.currentIndex()) == chosen
    assert not editor.is_dirty(), "nothing was edited"
    assert area.verticalScrollBar().maximum() == 0 or area.verticalScrollBar().value() > 0


def _ancestors(widget: QWidget):
    parent = widget.parentWidget()
    while parent is not None:
        yield parent
        parent = parent.parentWidget()
