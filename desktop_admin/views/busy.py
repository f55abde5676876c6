"""A busy indicator that appears only for calls that take a noticeable time."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QHideEvent, QPainter, QPaintEvent, QPen, QShowEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QWidget

SHOW_AFTER_MS = 200
_FRAME_MS = 40
_STEP_DEGREES = 24


class Spinner(QWidget):
    """A small rotating arc; it animates only while visible."""

    def __init__(self, parent: QWidget | None = None, diameter: int = 16) -> None:
        super().__init__(parent)
        self._diameter = diameter
        self._angle = 0
        self._timer = QTimer(self)
        self._timer.setInterval(_FRAME_MS)
        self._timer.timeout.connect(self._advance)
        self.setFixedSize(diameter, diameter)
        self.setAccessibleName("Working")

    def sizeHint(self) -> QSize:
        """Return the spinner's fixed size."""
        return QSize(self._diameter, self._diameter)

    def showEvent(self, event: QShowEvent) -> None:
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()

    def _advance(self) -> None:
        self._angle = (self._angle + _STEP_DEGREES) % 360
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = max(2.0, self._diameter / 8)
        rect = QRectF(width, width, self._diameter - 2 * width, self._diameter - 2 * width)
        track = QColor(self.palette().highlight().color())
        track.setAlpha(50)
        painter.setPen(QPen(track, width))
        painter.drawEllipse(rect)
        pen = QPen(self.palette().highlight().color(), width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        # Qt angles are in sixteenths of a degree, counter-clockwise.
        painter.drawArc(rect, -self._angle * 16, 100 * 16)
        painter.end()


class BusyLabel(QWidget):
    """A spinner and a short text, for a status bar or a dialog; hidden until shown by BusyIndicator."""

    def __init__(self, text: str = "Working…", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("busyLabel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(6)
        self.spinner = Spinner(self)
        self.label = QLabel(text, self)
        layout.addWidget(self.spinner)
        layout.addWidget(self.label)
        self.setVisible(False)

    def set_text(self, text: str) -> None:
        """Say what is going on."""
        self.label.setText(text)


class _BusyCursor:
    """The application's busy cursor as set by one indicator, so it is restored exactly once."""

    def __init__(self) -> None:
        self.active = False

    def set(self) -> None:
        if not self.active:
            self.active = True
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)

    def restore(self) -> None:
        if self.active:
            self.active = False
            QApplication.restoreOverrideCursor()


class BusyIndicator(QObject):
    """Counts calls in flight and shows ``widget`` plus a busy cursor while any has run > 200 ms.

    ``begin()`` and ``end()`` must pair up; the cursor is always restored, also when the owner
    goes away in the middle of a call.
    """

    def __init__(
        self, widget: BusyLabel, delay_ms: int = SHOW_AFTER_MS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._widget = widget
        self._pending = 0
        self._shown = False
        self._cursor = _BusyCursor()
        self.times_shown = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._show)
        # The cursor is application-wide: never leave it spinning when the owner is destroyed.
        self.destroyed.connect(self._cursor.restore)

    @property
    def pending(self) -> int:
        """How many calls are in flight."""
        return self._pending

    @property
    def shown(self) -> bool:
        """Whether the indicator is on screen now."""
        return self._shown

    def begin(self, text: str = "Working…") -> None:
        """Note that a call started; the indicator appears if it is still running after the delay."""
        self._pending += 1
        self._widget.set_text(text)
        if self._pending == 1 and not self._shown:
            self._timer.start()

    def end(self) -> None:
        """Note that a call ended; the indicator goes away when none is left."""
        if self._pending == 0:
            return
        self._pending -= 1
        if self._pending == 0:
            self.clear()

    def clear(self) -> None:
        """Hide the indicator and restore the cursor whatever is still counted."""
        self._pending = 0
        self._timer.stop()
        if self._shown:
            self._shown = False
            self._widget.setVisible(False)
        self._cursor.restore()

    def _show(self) -> None:
        if self._pending == 0:
            return
        self._shown = True
        self.times_shown += 1
        self._widget.setVisible(True)
        self._cursor.set()
