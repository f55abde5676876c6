"""The top-bar colour picker: inputs in sync, hex validation, Reset, contrast warning, nearest shade."""

from __future__ import annotations

from tests.desktop_admin import qt_env

# isort: split
import colorsys

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QLineEdit, QSlider, QWidget
from pytestqt.qtbot import QtBot

from common.theme import contrast_ratio, default_top_bar_colour, readable_text_on
from desktop_admin.widgets.colour_picker import (
    ColourPicker,
    SaturationValueBox,
    format_ratio,
    nearest_passing_shade,
)

BLUE_DEFAULT = default_top_bar_colour("blue")
GRAY_DEFAULT = default_top_bar_colour("gray")


@pytest.fixture
def picker(qtbot: QtBot) -> ColourPicker:
    widget = ColourPicker(theme="blue")
    qtbot.add_widget(widget)
    widget.resize(620, 330)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def emitted(picker: ColourPicker) -> list[str]:
    seen: list[str] = []
    picker.colourChanged.connect(seen.append)
    return seen


def _rgb(picker: ColourPicker) -> tuple[int, int, int]:
    return picker.red_spin.value(), picker.green_spin.value(), picker.blue_spin.value()


def _hsl(picker: ColourPicker) -> tuple[int, int, int]:
    return picker.hue_spin.value(), picker.saturation_spin.value(), picker.lightness_spin.value()


def _hls(colour: str) -> tuple[float, float, float]:
    return colorsys.rgb_to_hls(*(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)))


def test_starts_on_the_theme_default_with_every_input_in_step(picker: ColourPicker) -> None:
    assert picker.colour() == BLUE_DEFAULT == "#0a3d73"
    assert picker.hex_edit.text() == "#0a3d73"
    assert _rgb(picker) == (10, 61, 115)
    assert _hsl(picker) == (211, 84, 25)
    assert picker.hue_slider.value() == 211
    assert not picker.reset_button.isEnabled()


def test_typing_hex_updates_rgb_and_hsl_and_emits_once(
    qtbot: QtBot, picker: ColourPicker, emitted: list[str]
) -> None:
    picker.hex_edit.setFocus()
    picker.hex_edit.selectAll()
    qtbot.keyClicks(picker.hex_edit, "#1A2B3C")

    assert emitted == ["#1a2b3c"]
    assert picker.colour() == "#1a2b3c"
    assert _rgb(picker) == (26, 43, 60)
    assert _hsl(picker) == (210, 40, 17)
    assert picker.hue_slider.value() == 210
    assert picker.preview.background() == "#1a2b3c"
    # what the user typed stays as typed until they leave the field; then it reads canonically
    assert picker.hex_edit.text() == "#1A2B3C"
    qtbot.keyClick(picker.hex_edit, Qt.Key.Key_Return)
    assert picker.hex_edit.text() == "#1a2b3c"
    assert emitted == ["#1a2b3c"]


def test_hex_without_hash_and_shorthand_are_understood(
    qtbot: QtBot, picker: ColourPicker, emitted: list[str]
) -> None:
    picker.hex_edit.selectAll()
    qtbot.keyClicks(picker.hex_edit, "ff8800")
    assert emitted == ["#ff8800"]

    picker.hex_edit.selectAll()
    qtbot.keyClicks(picker.hex_edit, "#abc")
    assert emitted == ["#ff8800"], "a half-typed colour is not applied"
    assert picker.hex_error_label.isHidden(), "no complaint while the user may still be typing"
    qtbot.keyClick(picker.hex_edit, Qt.Key.Key_Return)
    assert emitted == ["#ff8800", "#aabbcc"]
    assert picker.hex_edit.text() == "#aabbcc"


def test_changing_rgb_updates_hex_and_hsl(qtbot: QtBot, picker: ColourPicker, emitted: list[str]) -> None:
    picker.red_spin.setValue(255)
    assert picker.colour() == picker.hex_edit.text() == "#ff3d73"
    assert emitted == ["#ff3d73"]

    qtbot.keyClick(picker.blue_spin, Qt.Key.Key_Up)
    assert picker.colour() == "#ff3d74"
    assert emitted == ["#ff3d73", "#ff3d74"]
    hue, lightness, saturation = _hls("#ff3d74")
    assert _hsl(picker) == (round(hue * 360), round(saturation * 100), round(lightness * 100))
    assert _rgb(picker) == (255, 61, 116)


def test_changing_hsl_updates_the_rest_without_echoing_back(picker: ColourPicker, emitted: list[str]) -> None:
    picker.hue_spin.setValue(120)
    assert emitted == [picker.colour()]
    red, green, blue = _rgb(picker)
    assert green > red and green > blue
    assert picker.hue_slider.value() == 120
    # the spin the user set keeps its value, even where the rounded colour would say otherwise
    picker.lightness_spin.setValue(0)
    assert picker.colour() == "#000000"
    assert _hsl(picker) == (120, 84, 0)
    assert len(emitted) == 2


def test_greys_keep_the_hue_the_user_had(picker: ColourPicker) -> None:
    picker.set_colour("#808080")
    assert picker.hue_slider.value() == 211
    assert picker.sv_box.hue() == pytest.approx(211, abs=1)
    assert picker.sv_box.saturation() == 0


def test_setting_the_same_colour_emits_nothing(picker: ColourPicker, emitted: list[str]) -> None:
    picker.set_colour("#0A3D73")
    assert emitted == []
    picker.set_colour("#123456")
    picker.set_colour("#123456")
    assert emitted == ["#123456"]
    with pytest.raises(ValueError, match="not a colour"):
        picker.set_colour("blue")


def test_clicking_the_gradient_picks_that_pixel(
    qtbot: QtBot, picker: ColourPicker, emitted: list[str]
) -> None:
    box = picker.sv_box
    area = box.gradient_rect()
    point = QPoint(area.left() + area.width() * 3 // 4, area.top() + area.height() // 4)
    drawn = box.grab().toImage().pixelColor(point)

    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=point)

    picked = picker.colour()
    assert emitted == [picked]
    expected = (drawn.red(), drawn.green(), drawn.blue())
    assert all(abs(a - b) <= 3 for a, b in zip(_rgb(picker), expected, strict=True)), (picked, expected)
    assert box.hasFocus()
    assert box.saturation() == pytest.approx(0.75, abs=0.01)
    assert box.value() == pytest.approx(0.75, abs=0.01)
    assert picker.hue_slider.value() == 211, "picking in the box keeps the hue"


def test_dragging_in_the_gradient_follows_the_pointer(qtbot: QtBot, picker: ColourPicker) -> None:
    box = picker.sv_box
    area = box.gradient_rect()
    qtbot.mousePress(box, Qt.MouseButton.LeftButton, pos=area.center())
    qtbot.mouseMove(box, area.bottomLeft() + QPoint(-20, 20))  # past the corner: clamped
    qtbot.mouseRelease(box, Qt.MouseButton.LeftButton, pos=area.bottomLeft())
    assert box.saturation() == 0 and box.value() == 0
    assert picker.colour() == "#000000"


def test_arrow_keys_move_the_marker(qtbot: QtBot, picker: ColourPicker, emitted: list[str]) -> None:
    box = picker.sv_box
    box.setFocus()
    saturation, value = box.saturation(), box.value()
    qtbot.keyClick(box, Qt.Key.Key_Left)
    assert box.saturation() == pytest.approx(saturation - 0.01)
    qtbot.keyClick(box, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
    assert box.value() == pytest.approx(value + 0.1)
    assert len(emitted) == 2
    assert picker.colour() == picker.hex_edit.text() != BLUE_DEFAULT


def test_moving_the_hue_slider_recolours_the_box(qtbot: QtBot, picker: ColourPicker) -> None:
    picker.hue_slider.setValue(30)
    assert picker.sv_box.hue() == 30
    hue, _, _ = _hls(picker.colour())
    assert round(hue * 360) == pytest.approx(30, abs=1)
    assert picker.hue_spin.value() == 30


def test_invalid_hex_shows_why_and_keeps_the_last_valid_colour(
    qtbot: QtBot, picker: ColourPicker, emitted: list[str]
) -> None:
    picker.hex_edit.selectAll()
    qtbot.keyClicks(picker.hex_edit, "#12zz56")

    assert not picker.hex_error_label.isHidden()
    assert "'z' is not a hex digit" in picker.hex_error_label.text()
    assert picker.hex_edit.accessibleDescription() == picker.hex_error_label.text()
    assert picker.hex_edit.text() == "#12zz56", "what the user typed is kept"
    assert picker.colour() == BLUE_DEFAULT
    assert emitted == []

    picker.hex_edit.selectAll()
    qtbot.keyClicks(picker.hex_edit, "#12")
    assert picker.hex_error_label.isHidden()
    qtbot.keyClick(picker.hex_edit, Qt.Key.Key_Return)
    assert "Needs six hex digits" in picker.hex_error_label.text()
    assert not picker.hex_error_label.isHidden()
    assert picker.hex_edit.text() == "#12"
    assert picker.colour() == BLUE_DEFAULT
    assert emitted == []

    # another input takes over: the field shows the colour again and the message goes
    picker.green_spin.setValue(0)
    assert picker.hex_edit.text() == picker.colour() == "#0a0073"
    assert picker.hex_error_label.isHidden()


def test_reset_goes_to_the_theme_default(qtbot: QtBot, picker: ColourPicker, emitted: list[str]) -> None:
    picker.set_colour("#123456")
    assert picker.reset_button.isEnabled()
    qtbot.mouseClick(picker.reset_button, Qt.MouseButton.LeftButton)
    assert picker.colour() == BLUE_DEFAULT
    assert not picker.reset_button.isEnabled()

    picker.set_theme("gray")
    assert picker.colour() == BLUE_DEFAULT, "changing the theme keeps the chosen colour"
    assert picker.reset_button.isEnabled()
    assert GRAY_DEFAULT in picker.reset_button.toolTip()
    qtbot.mouseClick(picker.reset_button, Qt.MouseButton.LeftButton)
    assert picker.colour() == picker.hex_edit.text() == GRAY_DEFAULT == "#33393f"
    assert emitted == ["#123456", BLUE_DEFAULT, GRAY_DEFAULT]


def test_passing_colour_shows_no_warning(picker: ColourPicker) -> None:
    assert picker.warning_frame.isHidden()
    assert picker.suggested_shade() is None
    assert "10.89:1" in picker.white_contrast_label.text()
    assert "passes AA" in picker.text_contrast_label.text()


def test_low_contrast_colour_warns_and_offers_a_passing_shade(
    qtbot: QtBot, picker: ColourPicker, emitted: list[str]
) -> None:
    picker.set_colour("#777777")

    # the portal itself would switch to black text, which passes; the warning is about white
    assert readable_text_on("#777777") == "#000000"
    assert picker.preview.text_colour() == "#000000"
    assert "black" in picker.text_contrast_label.text() and "passes AA" in picker.text_contrast_label.text()
    assert "4.47:1" in picker.white_contrast_label.text()
    assert "below AA" in picker.white_contrast_label.text()
    assert not picker.warning_frame.isHidden()
    assert "4.47:1" in picker.warning_label.text()

    shade = picker.suggested_shade()
    assert shade == "#767676"
    assert contrast_ratio("#ffffff", shade) >= 4.5
    assert picker.use_shade_button.text() == "Use #767676"

    qtbot.mouseClick(picker.use_shade_button, Qt.MouseButton.LeftButton)

    assert picker.colour() == picker.hex_edit.text() == "#767676"
    assert _rgb(picker) == (118, 118, 118)
    assert picker.preview.background() == "#767676"
    assert picker.warning_frame.isHidden()
    assert "passes AA" in picker.white_contrast_label.text()
    assert emitted == ["#777777", "#767676"]


def test_every_control_has_an_accessible_name(picker: ColourPicker) -> None:
    controls: list[QWidget] = [
        *picker.findChildren(QAbstractSpinBox),
        *picker.findChildren(QAbstractButton),
        *picker.findChildren(QSlider),
        *picker.findChildren(SaturationValueBox),
        *(edit for edit in picker.findChildren(QLineEdit) if not isinstance(edit.parent(), QAbstractSpinBox)),
    ]
    assert len(controls) >= 11
    unnamed = [type(control).__name__ for control in controls if not control.accessibleName()]
    assert unnamed == []


def test_screenshot(qtbot: QtBot, picker: ColourPicker) -> None:
    picker.set_colour("#3d8fd6")  # a light brand blue: white text falls short, so the warning shows
    picker.hex_edit.setFocus()
    qtbot.wait(20)
    path = qt_env.save_screenshot(picker, "console-colour-picker.png")
    assert path.stat().st_size > 0


# -- nearest_passing_shade


def test_a_passing_colour_is_its_own_nearest_shade() -> None:
    assert nearest_passing_shade("#0A3D73") == "#0a3d73"
    assert nearest_passing_shade("#000000") == "#000000"


def test_the_nearest_passing_grey_to_777777_is_767676() -> None:
    assert nearest_passing_shade("#777777") == "#767676"
    assert nearest_passing_shade("#ffffff") == "#767676"


@pytest.mark.parametrize("colour", ["#3d8fd6", "#f28c28", "#4caf50", "#e91e63", "#ffeb3b", "#ba68c8"])
def test_the_shade_keeps_hue_and_saturation_and_is_the_nearest(colour: str) -> None:
    assert contrast_ratio("#ffffff", colour) < 4.5
    shade = nearest_passing_shade(colour)
    assert contrast_ratio("#ffffff", shade) >= 4.5
    hue, lightness, saturation = _hls(colour)
    shade_hue, shade_lightness, shade_saturation = _hls(shade)
    assert shade_hue == pytest.approx(hue, abs=2 / 360)
    assert shade_saturation == pytest.approx(saturation, abs=0.03)
    assert shade_lightness < lightness
    # one step lighter than the shade no longer passes: it is the nearest
    lighter = colorsys.hls_to_rgb(hue, shade_lightness + 2 / 255, saturation)
    lighter_hex = "#" + "".join(f"{round(c * 255):02x}" for c in lighter)
    assert contrast_ratio("#ffffff", lighter_hex) < 4.5


def test_dark_text_gets_a_lighter_shade() -> None:
    shade = nearest_passing_shade("#333333", text="#000000")
    assert contrast_ratio("#000000", shade) >= 4.5
    assert _hls(shade)[1] > _hls("#333333")[1]


def test_every_web_safe_colour_has_a_passing_shade() -> None:
    steps = range(0, 256, 51)
    for red in steps:
        for green in steps:
            for blue in steps:
                colour = f"#{red:02x}{green:02x}{blue:02x}"
                assert contrast_ratio("#ffffff", nearest_passing_shade(colour)) >= 4.5, colour


def test_nearest_passing_shade_refuses_what_is_not_a_colour() -> None:
    with pytest.raises(ValueError, match="not a colour"):
        nearest_passing_shade("#12345")
    with pytest.raises(ValueError, match="not a colour"):
        nearest_passing_shade("#123456", text="white")


def test_ratios_are_rounded_down_so_a_failing_one_never_reads_as_passing() -> None:
    assert format_ratio(4.4999) == "4.49:1"
    assert format_ratio(contrast_ratio("#ffffff", "#777777")) == "4.47:1"
    assert format_ratio(21.0) == "21.00:1"
