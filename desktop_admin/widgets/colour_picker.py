"""The top-bar colour picker of the profile editor.

A saturation/brightness box, a hue slider, R/G/B, H/S/L and hex inputs that stay in sync, a Reset
to the theme's default and a preview of the top bar with its WCAG contrast.

Which contrast is checked: the portal draws the top-bar text in whichever of black or white reads
better (``common.theme.readable_text_on``), and that choice always reaches the WCAG AA 4.5:1
minimum, so a warning about it could never fire. What a brand does lose on a light colour is
*white* text: the portal then switches the top bar to black text. So the picker shows the ratio
of the text the portal will use, and the ratio of white text, and warns when white text falls
below 4.5:1, offering the nearest shade of the same hue and saturation where white text passes.
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Iterator
from contextlib import contextmanager

import qtawesome
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QIcon,
    QKeyEvent,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from common.theme import (
    WCAG_AA_NORMAL,
    ThemeName,
    contrast_ratio,
    default_top_bar_colour,
    readable_text_on,
)
from desktop_admin.widgets.wheel_guard import guard_wheel

HEX_DIGITS = frozenset("0123456789abcdef")
HEX_EXAMPLE = "#0a3d73"
WHITE = "#ffffff"
_LIGHTNESS_STEPS = 1000
_ERROR_COLOUR = "#b3261e"
_OK_COLOUR = "#1b7f3b"
_WARN_COLOUR = "#9a5b00"


# -- pure colour helpers ------------------------------------------------------------------------


def canonical_hex(colour: str) -> str:
    """Return colour as lower-case ``#rrggbb``; raise ValueError when it is not one."""
    text = colour.strip().lower()
    body = text[1:] if text.startswith("#") else text
    if len(body) != 6 or not set(body) <= HEX_DIGITS:
        raise ValueError(f"'{colour}' is not a colour such as {HEX_EXAMPLE}")
    return f"#{body}"


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """Return the 0-255 red, green and blue of a ``#rrggbb`` colour."""
    value = canonical_hex(colour)
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def rgb_to_hex(red: float, green: float, blue: float) -> str:
    """Return ``#rrggbb`` for 0-255 channels, rounding and clamping each."""
    channels = (max(0, min(255, round(c))) for c in (red, green, blue))
    return "#" + "".join(f"{c:02x}" for c in channels)


def _unit_rgb_to_hex(rgb: tuple[float, float, float]) -> str:
    return rgb_to_hex(*(c * 255 for c in rgb))


def nearest_passing_shade(colour: str, text: str = WHITE) -> str:
    """Return the shade of colour nearest in lightness (same hue and saturation) on which text reaches 4.5:1.

    A colour that already passes comes back unchanged. Lightness runs from black to white, and one
    of those two always reaches 4.5:1 against any text colour, so a passing shade always exists.
    """
    background = canonical_hex(colour)
    foreground = canonical_hex(text)
    if contrast_ratio(foreground, background) >= WCAG_AA_NORMAL:
        return background
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in hex_to_rgb(background)))
    start = round(lightness * _LIGHTNESS_STEPS)
    for distance in range(1, _LIGHTNESS_STEPS + 1):
        # darker first, so of two equally near shades the one under white text wins
        for step in (start - distance, start + distance):
            if not 0 <= step <= _LIGHTNESS_STEPS:
                continue
            candidate = _unit_rgb_to_hex(colorsys.hls_to_rgb(hue, step / _LIGHTNESS_STEPS, saturation))
            if contrast_ratio(foreground, candidate) >= WCAG_AA_NORMAL:
                return candidate
    raise ValueError(f"no shade of {background} reaches {WCAG_AA_NORMAL}:1 with {foreground}")


def format_ratio(ratio: float) -> str:
    """Return a contrast ratio as ``4.47:1``, rounded down so a failing ratio never reads as 4.50."""
    return f"{math.floor(ratio * 100) / 100:.2f}:1"


def hex_input_problem(text: str) -> tuple[str | None, bool]:
    """Judge typed hex text: return (reason it is wrong or None, whether more typing could fix it)."""
    stripped = text.strip().lower()
    body = stripped[1:] if stripped.startswith("#") else stripped
    bad = sorted(set(body) - HEX_DIGITS)
    if bad:
        return f"'{bad[0]}' is not a hex digit (0-9, a-f).", False
    if len(body) > 6:
        return "Too many digits: use # and six hex digits.", False
    if len(body) < 6:
        return f"Needs six hex digits, as in {HEX_EXAMPLE}.", True
    return None, False


# -- the saturation/brightness box ----------------------------------------------------------------


class SaturationValueBox(QWidget):
    """A box of every saturation (left to right) and brightness (bottom to top) of one hue."""

    saturationValueChanged = Signal(float, float)
    """Emitted when the user picks a point by mouse or keyboard."""

    MARGIN = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hue = 0.0
        self._saturation = 0.0
        self._value = 0.0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(160, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Saturation and brightness")
        self.setToolTip("Click or drag to pick a colour; arrow keys move the marker (Shift: faster)")
        self._describe()

    def sizeHint(self) -> QSize:
        return QSize(280, 190)

    def hue(self) -> float:
        """Return the hue shown, 0-360."""
        return self._hue

    def saturation(self) -> float:
        """Return the saturation marked, 0-1."""
        return self._saturation

    def value(self) -> float:
        """Return the brightness marked, 0-1."""
        return self._value

    def set_hue(self, hue: float) -> None:
        """Show the box for another hue (0-360)."""
        if hue != self._hue:
            self._hue = hue
            self.update()

    def set_saturation_value(self, saturation: float, value: float) -> None:
        """Move the marker without emitting saturationValueChanged."""
        saturation, value = _clamp_unit(saturation), _clamp_unit(value)
        if (saturation, value) != (self._saturation, self._value):
            self._saturation, self._value = saturation, value
            self._describe()
            self.update()

    def gradient_rect(self) -> QRect:
        """Return the rectangle the gradient fills (the rest is room for the focus ring)."""
        m = self.MARGIN
        return self.rect().adjusted(m, m, -m, -m)

    def point_for(self, saturation: float, value: float) -> QPoint:
        """Return the pixel that shows a saturation and brightness."""
        r = self.gradient_rect()
        return QPoint(
            r.left() + round(saturation * (r.width() - 1)),
            r.top() + round((1 - value) * (r.height() - 1)),
        )

    def saturation_value_at(self, point: QPoint) -> tuple[float, float]:
        """Return the saturation and brightness a pixel shows (points outside are clamped)."""
        r = self.gradient_rect()
        saturation = (point.x() - r.left()) / max(1, r.width() - 1)
        value = 1 - (point.y() - r.top()) / max(1, r.height() - 1)
        return _clamp_unit(saturation), _clamp_unit(value)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self.gradient_rect()
        rf = QRectF(r)
        path = QPainterPath()
        path.addRoundedRect(rf, 4, 4)
        painter.save()
        painter.setClipPath(path)
        painter.fillRect(r, QColor.fromHsvF(self._hue / 360 % 1.0, 1.0, 1.0))
        # pixel x shows saturation x / (width - 1): the stops sit on the first and last pixel centres
        left, right = r.left() + 0.5, r.right() + 0.5
        top, bottom = r.top() + 0.5, r.bottom() + 0.5
        across = QLinearGradient(QPointF(left, top), QPointF(right, top))
        across.setColorAt(0, QColor(255, 255, 255, 255))
        across.setColorAt(1, QColor(255, 255, 255, 0))
        painter.fillRect(r, across)
        down = QLinearGradient(QPointF(left, top), QPointF(left, bottom))
        down.setColorAt(0, QColor(0, 0, 0, 0))
        down.setColorAt(1, QColor(0, 0, 0, 255))
        painter.fillRect(r, down)
        painter.restore()

        if self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.drawRoundedRect(rf.adjusted(-1.5, -1.5, 1.5, 1.5), 5, 5)
        else:
            painter.setPen(QPen(QColor(0, 0, 0, 60), 1))
            painter.drawRoundedRect(rf.adjusted(-0.5, -0.5, 0.5, 0.5), 4.5, 4.5)

        centre = QPointF(self.point_for(self._saturation, self._value)) + QPointF(0.5, 0.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(0, 0, 0, 140), 1))
        painter.drawEllipse(centre, 7.5, 7.5)
        painter.setPen(QPen(QColor("white"), 2))
        painter.drawEllipse(centre, 6, 6)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self._pick(event.position().toPoint())
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._pick(event.position().toPoint())
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = 0.1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 0.01
        moves = {
            Qt.Key.Key_Left: (-step, 0.0),
            Qt.Key.Key_Right: (step, 0.0),
            Qt.Key.Key_Up: (0.0, step),
            Qt.Key.Key_Down: (0.0, -step),
        }
        move = moves.get(Qt.Key(event.key()))
        if move is None:
            super().keyPressEvent(event)
            return
        self._move_to(self._saturation + move[0], self._value + move[1])
        event.accept()

    def _pick(self, point: QPoint) -> None:
        self._move_to(*self.saturation_value_at(point))

    def _move_to(self, saturation: float, value: float) -> None:
        before = (self._saturation, self._value)
        self.set_saturation_value(saturation, value)
        if (self._saturation, self._value) != before:
            self.saturationValueChanged.emit(self._saturation, self._value)

    def _describe(self) -> None:
        self.setAccessibleDescription(
            f"Saturation {round(self._saturation * 100)} percent, "
            f"brightness {round(self._value * 100)} percent"
        )


def _clamp_unit(x: float) -> float:
    return max(0.0, min(1.0, x))


# -- the top-bar preview ---------------------------------------------------------------------------


class TopBarPreview(QWidget):
    """A miniature portal top bar in the chosen colour, its text in the colour the portal will use."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._background = WHITE
        self._text = readable_text_on(WHITE)
        self.setMinimumSize(220, 48)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Top bar preview")

    def sizeHint(self) -> QSize:
        return QSize(300, 48)

    def set_colours(self, background: str, text: str) -> None:
        """Paint the bar in background with text on it."""
        self._background, self._text = background, text
        self.setAccessibleDescription(f"{_colour_name(text)} text on {background}")
        self.update()

    def background(self) -> str:
        """Return the bar colour shown."""
        return self._background

    def text_colour(self) -> str:
        """Return the text colour shown."""
        return self._text

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(QColor(0, 0, 0, 50), 1))
        painter.setBrush(QColor(self._background))
        painter.drawRoundedRect(bar, 6, 6)

        text = QColor(self._text)
        inner = self.rect().adjusted(14, 0, -14, 0)
        # a logo placeholder: a rounded square outline in the text colour
        mark = QRectF(inner.left(), inner.center().y() - 9, 18, 18)
        painter.setPen(QPen(text, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(mark, 4, 4)

        title = QFont(self.font())
        title.setBold(True)
        title.setPointSizeF(title.pointSizeF() * 1.1)
        painter.setFont(title)
        painter.setPen(text)
        title_rect = inner.adjusted(28, 0, 0, 0)
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "My Account")
        painter.setFont(self.font())
        painter.drawText(
            inner, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, "Bills   Sign out"
        )
        painter.end()


def _colour_name(colour: str) -> str:
    return {"#ffffff": "White", "#000000": "Black"}.get(colour, colour)


# -- the picker ----------------------------------------------------------------------------------


class ColourPicker(QWidget):
    """Pick the profile's top-bar colour; every input stays in sync and the contrast is shown live."""

    colourChanged = Signal(str)
    """The new ``#rrggbb`` colour, emitted once for each change of colour, from the user or set_colour."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        theme: str = ThemeName.BLUE.value,
        colour: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._theme = ThemeName(theme)
        self._colour = canonical_hex(colour) if colour else default_top_bar_colour(self._theme)
        self._hue, self._saturation, self._value = 0.0, 0.0, 0.0
        self._take_hsv_from(self._colour)
        self._suggested: str | None = None
        self._build()
        self._sync(source=None)

    # -- public API

    def colour(self) -> str:
        """Return the chosen colour as ``#rrggbb``."""
        return self._colour

    def set_colour(self, colour: str) -> None:
        """Show colour (``#rrggbb``, any case); raise ValueError when it is not one."""
        value = canonical_hex(colour)
        self._take_hsv_from(value)
        self._commit(value, source=None)

    def theme(self) -> str:
        """Return the theme whose default Reset goes back to."""
        return self._theme.value

    def set_theme(self, theme: str) -> None:
        """Choose which theme's default top-bar colour Reset goes back to (the colour stays)."""
        self._theme = ThemeName(theme)
        self._update_reset()

    def default_colour(self) -> str:
        """Return the theme's default top-bar colour."""
        return default_top_bar_colour(self._theme)

    def reset(self) -> None:
        """Go back to the theme's default top-bar colour."""
        self.set_colour(self.default_colour())

    def suggested_shade(self) -> str | None:
        """Return the shade the warning offers, or None when white text already passes."""
        return self._suggested

    def use_suggested_shade(self) -> None:
        """Apply the shade the warning offers."""
        if self._suggested:
            self.set_colour(self._suggested)

    # -- building

    def _build(self) -> None:
        self.sv_box = SaturationValueBox(self)
        self.sv_box.saturationValueChanged.connect(self._on_sv_changed)

        self.hue_slider = QSlider(Qt.Orientation.Horizontal, self)
        guard_wheel(self.hue_slider)
        self.hue_slider.setRange(0, 359)
        self.hue_slider.setPageStep(15)
        self.hue_slider.setAccessibleName("Hue")
        self.hue_slider.setToolTip("Hue")
        self.hue_slider.setStyleSheet(_HUE_SLIDER_STYLE)
        self.hue_slider.valueChanged.connect(self._on_hue_slider)

        self.preview = TopBarPreview(self)
        self.text_contrast_label = QLabel(self)
        self.text_contrast_label.setTextFormat(Qt.TextFormat.RichText)
        self.white_contrast_label = QLabel(self)
        self.white_contrast_label.setTextFormat(Qt.TextFormat.RichText)

        self.hex_edit = QLineEdit(self)
        self.hex_edit.setAccessibleName("Hex colour")
        self.hex_edit.setPlaceholderText(HEX_EXAMPLE)
        self.hex_edit.setToolTip(f"The colour as # and six hex digits, such as {HEX_EXAMPLE}")
        self.hex_edit.textEdited.connect(self._on_hex_edited)
        self.hex_edit.editingFinished.connect(self._on_hex_finished)
        self.hex_error_label = QLabel(self)
        self.hex_error_label.setWordWrap(True)
        self.hex_error_label.setStyleSheet(f"color: {_ERROR_COLOUR};")
        self.hex_error_label.setAccessibleName("Hex colour problem")
        _retain_size_when_hidden(self.hex_error_label)
        self.hex_error_label.hide()

        self.reset_button = QPushButton(qtawesome.icon("fa6s.rotate-left"), "Reset", self)
        self.reset_button.setAccessibleName("Reset to the theme's default colour")
        self.reset_button.clicked.connect(self.reset)

        self.red_spin = self._spin(255, "Red", "R")
        self.green_spin = self._spin(255, "Green", "G")
        self.blue_spin = self._spin(255, "Blue", "B")
        for spin in (self.red_spin, self.green_spin, self.blue_spin):
            spin.valueChanged.connect(self._on_rgb_changed)
        self.hue_spin = self._spin(360, "Hue in degrees", "H", suffix="°")
        self.hue_spin.setWrapping(True)
        self.saturation_spin = self._spin(100, "Saturation in percent", "S", suffix=" %")
        self.lightness_spin = self._spin(100, "Lightness in percent", "L", suffix=" %")
        for spin in (self.hue_spin, self.saturation_spin, self.lightness_spin):
            spin.valueChanged.connect(self._on_hsl_changed)

        self.warning_icon = QLabel(self)
        self.warning_icon.setPixmap(
            qtawesome.icon("fa6s.triangle-exclamation", color=_WARN_COLOUR).pixmap(QSize(18, 18))
        )
        self.warning_icon.setAccessibleName("Warning")
        self.warning_label = QLabel(self)
        self.warning_label.setWordWrap(True)
        self.warning_label.setAccessibleName("Contrast warning")
        self.use_shade_button = QPushButton(self)
        self.use_shade_button.setAccessibleName("Use the nearest passing shade")
        self.use_shade_button.clicked.connect(self.use_suggested_shade)
        self.warning_frame = QFrame(self)
        self.warning_frame.setObjectName("contrastWarning")
        self.warning_frame.setStyleSheet(
            "QFrame#contrastWarning { background: #fff6e5; border: 1px solid #f0b429; border-radius: 6px; }"
            "QFrame#contrastWarning QLabel { color: #4d3300; background: transparent; }"
        )
        warning_layout = QHBoxLayout(self.warning_frame)
        warning_layout.setContentsMargins(10, 8, 10, 8)
        warning_layout.setSpacing(10)
        warning_layout.addWidget(self.warning_icon, 0, Qt.AlignmentFlag.AlignTop)
        warning_layout.addWidget(self.warning_label, 1)
        warning_layout.addWidget(self.use_shade_button, 0, Qt.AlignmentFlag.AlignVCenter)
        _retain_size_when_hidden(self.warning_frame)

        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.sv_box, 1)
        left.addWidget(self.hue_slider)

        preview_title = QLabel("Preview", self)
        preview_title.setStyleSheet("font-weight: 600;")
        right = QVBoxLayout()
        right.setSpacing(6)
        right.addWidget(preview_title)
        right.addWidget(self.preview)
        right.addWidget(self.text_contrast_label)
        right.addWidget(self.white_contrast_label)
        right.addSpacing(8)

        hex_label = QLabel("He&x", self)
        hex_label.setBuddy(self.hex_edit)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        grid.addWidget(hex_label, 0, 0)
        grid.addWidget(self.hex_edit, 0, 1, 1, 3)
        grid.addWidget(self.reset_button, 0, 4, 1, 2)
        grid.addWidget(self.hex_error_label, 1, 1, 1, 5)
        rows = (
            (self.red_spin, self.green_spin, self.blue_spin),
            (self.hue_spin, self.saturation_spin, self.lightness_spin),
        )
        for row, spins in enumerate(rows, start=2):
            for column, spin in enumerate(spins):
                label = QLabel(f"&{spin.property('shortName')}", self)
                label.setBuddy(spin)
                label.setToolTip(spin.accessibleName())
                grid.addWidget(label, row, column * 2)
                grid.addWidget(spin, row, column * 2 + 1)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)
        right.addLayout(grid)
        right.addStretch(1)

        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)

        outer = QVBoxLayout(self)
        outer.setSpacing(10)
        outer.addLayout(columns, 1)
        outer.addWidget(self.warning_frame)

    def _spin(self, maximum: int, name: str, short: str, suffix: str = "") -> QSpinBox:
        spin = QSpinBox(self)
        guard_wheel(spin)
        spin.setRange(0, maximum)
        spin.setSuffix(suffix)
        spin.setAccessibleName(name)
        spin.setToolTip(name)
        spin.setProperty("shortName", short)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.setMinimumWidth(64)
        return spin

    # -- input handlers: each computes the colour, then _commit updates the other inputs

    def _on_sv_changed(self, saturation: float, value: float) -> None:
        self._saturation, self._value = saturation, value
        self._commit(self._hsv_hex(), source="sv")

    def _on_hue_slider(self, hue: int) -> None:
        self._hue = float(hue)
        self._commit(self._hsv_hex(), source="hue")

    def _on_rgb_changed(self) -> None:
        colour = rgb_to_hex(self.red_spin.value(), self.green_spin.value(), self.blue_spin.value())
        self._take_hsv_from(colour)
        self._commit(colour, source="rgb")

    def _on_hsl_changed(self) -> None:
        hue = self.hue_spin.value() % 360
        saturation = self.saturation_spin.value() / 100
        lightness = self.lightness_spin.value() / 100
        colour = _unit_rgb_to_hex(colorsys.hls_to_rgb(hue / 360, lightness, saturation))
        # the HSV the box shows, from the exact HSL rather than the rounded colour
        value = lightness + saturation * min(lightness, 1 - lightness)
        self._hue = float(hue)
        if value > 0:
            self._value = value
            self._saturation = 2 * (1 - lightness / value)
        else:
            self._value = 0.0
        self._commit(colour, source="hsl")

    def _on_hex_edited(self, text: str) -> None:
        problem, could_complete = hex_input_problem(text)
        if problem is None:
            self._show_hex_problem(None)
            colour = canonical_hex(text)
            self._take_hsv_from(colour)
            self._commit(colour, source="hex")
        elif could_complete:
            # still typing: say nothing until the user stops (editingFinished)
            self._show_hex_problem(None)
        else:
            self._show_hex_problem(problem)

    def _on_hex_finished(self) -> None:
        text = self.hex_edit.text().strip()
        body = text[1:] if text.startswith("#") else text
        if not text:
            self._set_hex_text(self._colour)
            self._show_hex_problem(None)
            return
        if len(body) == 3 and set(body.lower()) <= HEX_DIGITS:
            # the CSS shorthand #abc, taken only once typing stops so #abcdef is not cut short
            self.set_colour("#" + "".join(c * 2 for c in body))
            self._set_hex_text(self._colour)
            return
        problem, _ = hex_input_problem(text)
        if problem is None:
            self._set_hex_text(self._colour)
        self._show_hex_problem(problem)

    # -- keeping everything in sync

    def _hsv_hex(self) -> str:
        return _unit_rgb_to_hex(colorsys.hsv_to_rgb(self._hue / 360, self._saturation, self._value))

    def _take_hsv_from(self, colour: str) -> None:
        """Set the HSV state from a colour, keeping the hue of greys and the saturation of black."""
        hue, saturation, value = colorsys.rgb_to_hsv(*(c / 255 for c in hex_to_rgb(colour)))
        self._value = value
        if value > 0:
            self._saturation = saturation
            if saturation > 0:
                self._hue = hue * 360

    def _commit(self, colour: str, source: str | None) -> None:
        changed = colour != self._colour
        self._colour = colour
        self._sync(source)
        if changed:
            self.colourChanged.emit(colour)

    def _sync(self, source: str | None) -> None:
        """Show the state in every input but the one the user is typing or dragging in."""
        red, green, blue = hex_to_rgb(self._colour)
        if source != "sv":
            self.sv_box.set_saturation_value(self._saturation, self._value)
        self.sv_box.set_hue(self._hue)
        if source != "hue":
            with _signals_blocked(self.hue_slider):
                self.hue_slider.setValue(round(self._hue) % 360)
        if source != "rgb":
            for spin, channel in ((self.red_spin, red), (self.green_spin, green), (self.blue_spin, blue)):
                with _signals_blocked(spin):
                    spin.setValue(channel)
        if source != "hsl":
            _, lightness, saturation = colorsys.rgb_to_hls(red / 255, green / 255, blue / 255)
            values = (
                (self.hue_spin, round(self._hue) % 360),
                (self.saturation_spin, round(saturation * 100)),
                (self.lightness_spin, round(lightness * 100)),
            )
            for spin, number in values:
                with _signals_blocked(spin):
                    spin.setValue(number)
        if source != "hex":
            self._set_hex_text(self._colour)
            self._show_hex_problem(None)
        self._update_contrast()
        self._update_reset()

    def _set_hex_text(self, colour: str) -> None:
        if self.hex_edit.text() != colour:
            with _signals_blocked(self.hex_edit):
                self.hex_edit.setText(colour)

    def _show_hex_problem(self, problem: str | None) -> None:
        self.hex_error_label.setText(problem or "")
        self.hex_error_label.setVisible(problem is not None)
        self.hex_edit.setStyleSheet(_INVALID_EDIT_STYLE if problem else "")
        self.hex_edit.setAccessibleDescription(problem or "")

    def _update_contrast(self) -> None:
        colour = self._colour
        text = readable_text_on(colour)
        text_ratio = contrast_ratio(text, colour)
        white_ratio = contrast_ratio(WHITE, colour)
        self.preview.set_colours(colour, text)
        self.text_contrast_label.setText(
            f"Portal text: <b>{_colour_name(text).lower()}</b>, {format_ratio(text_ratio)} "
            + _verdict(text_ratio)
        )
        self.white_contrast_label.setText(f"White text: {format_ratio(white_ratio)} " + _verdict(white_ratio))
        for label in (self.text_contrast_label, self.white_contrast_label):
            label.setAccessibleName(_plain(label.text()))

        if white_ratio >= WCAG_AA_NORMAL:
            self._suggested = None
            self.warning_frame.hide()
            return
        self._suggested = nearest_passing_shade(colour, WHITE)
        self.warning_label.setText(
            f"White text reaches only {format_ratio(white_ratio)} on this colour; WCAG AA asks for "
            f"{WCAG_AA_NORMAL}:1, so the portal will draw the top-bar text in black."
        )
        self.use_shade_button.setText(f"Use {self._suggested}")
        self.use_shade_button.setIcon(_swatch_icon(self._suggested))
        self.use_shade_button.setAccessibleName(f"Use the nearest passing shade, {self._suggested}")
        self.use_shade_button.setToolTip(
            f"The shade of this colour nearest in lightness on which white text reaches "
            f"{WCAG_AA_NORMAL}:1 ({format_ratio(contrast_ratio(WHITE, self._suggested))})"
        )
        self.warning_frame.show()

    def _update_reset(self) -> None:
        default = self.default_colour()
        self.reset_button.setEnabled(self._colour != default)
        self.reset_button.setToolTip(f"Back to the {self._theme.value} theme's top-bar colour, {default}")


def _verdict(ratio: float) -> str:
    if ratio >= WCAG_AA_NORMAL:
        return f"<span style='color:{_OK_COLOUR}'>✓ passes AA</span>"
    return f"<span style='color:{_ERROR_COLOUR}'>✗ below AA ({WCAG_AA_NORMAL}:1)</span>"


def _plain(rich: str) -> str:
    """Strip the few tags the contrast labels use, for their accessible names."""
    out, inside = [], False
    for char in rich:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif not inside:
            out.append(char)
    return "".join(out)


def _swatch_icon(colour: str) -> QIcon:
    icon: QIcon = qtawesome.icon("fa6s.square", color=colour)
    return icon


def _retain_size_when_hidden(widget: QWidget) -> None:
    # keeps the controls below from jumping when a message comes and goes
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


@contextmanager
def _signals_blocked(widget: QWidget) -> Iterator[None]:
    previous = widget.blockSignals(True)
    try:
        yield
    finally:
        widget.blockSignals(previous)


_INVALID_EDIT_STYLE = (
    f"QLineEdit {{ border: 1px solid {_ERROR_COLOUR}; border-radius: 3px;"
    " padding: 2px 4px; background: #fff5f5; }"
)

_HUE_STOPS = ", ".join(f"stop:{i / 6:.4f} {QColor.fromHsvF(i / 6 % 1.0, 1.0, 1.0).name()}" for i in range(7))
_HUE_SLIDER_STYLE = f"""
QSlider {{ min-height: 22px; }}
QSlider::groove:horizontal {{
    height: 12px; border-radius: 6px; border: 1px solid rgba(0, 0, 0, 60);
    background: qlineargradient(x1:0, y1:0, x2:1, y2:0, {_HUE_STOPS});
}}
QSlider::handle:horizontal {{
    width: 14px; height: 14px; margin: -4px -1px; border-radius: 8px;
    background: white; border: 2px solid #5f6368;
}}
QSlider::handle:horizontal:focus {{ border: 2px solid palette(highlight); }}
"""
