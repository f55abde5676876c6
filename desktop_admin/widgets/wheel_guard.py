"""Value widgets take the mouse wheel only when focused: scrolling a form never edits it.

Qt gives a combo box, a spin box or a slider under the pointer every wheel turn, and a combo
box even takes focus from it, so scrolling down a long tab changed whatever the pointer passed
over (a bill presentation flipped, a colour channel moved, and both were saved). A guarded
widget takes focus by click or Tab only, and a wheel turn over it while unfocused goes to the
scroll area around it, so the page scrolls instead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget


class WheelGuard(QObject):
    """An event filter on the value widgets it guards; see the module's docstring."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Pass a wheel turn over an unfocused guarded widget to the scroll area around it."""
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            # Qt passes a resent event on to no parent, so it goes straight to the viewport of
            # the scroll area around the widget, which scrolls by the event's delta.
            area = watched.parentWidget()
            while area is not None and not isinstance(area, QAbstractScrollArea):
                area = area.parentWidget()
            if area is not None:
                QApplication.sendEvent(area.viewport(), event)
            return True
        return super().eventFilter(watched, event)


def guard_wheel(*widgets: QWidget) -> None:
    """Make value widgets (combo boxes, spin boxes, sliders) ignore the wheel until focused."""
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        guard = WheelGuard(widget)
        widget.installEventFilter(guard)
