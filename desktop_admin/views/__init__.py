"""The console's windows and pages, and the few small parts they share.

Views do no I/O: they hand calls to a ``BackgroundRunner`` and show what comes back.
"""

from __future__ import annotations

# Imported first so that qtawesome (through qtpy) draws with PySide6 even where PyQt is installed too.
import PySide6  # noqa: F401
import qtawesome as qta
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QStyle,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

ACCENT = "#2f6fed"
TEXT = "#1d2433"
MUTED = "#5b6478"
DANGER = "#b3261e"
ON_DARK = "#e8ecf6"


def icon(name: str, color: str = TEXT, **options: object) -> QIcon:
    """Return a Font Awesome icon drawn by qtawesome, greyed out properly when disabled."""
    return qta.icon(name, color=color, color_disabled="#a7adba", **options)


def ask_to_confirm(parent: QWidget, title: str, question: str, action: str, *, destructive: bool) -> bool:
    """Ask with a button named for the action beside Cancel (the default); True when the action was chosen."""
    if destructive:
        kind, role = QMessageBox.Icon.Warning, QMessageBox.ButtonRole.DestructiveRole
    else:
        kind, role = QMessageBox.Icon.Question, QMessageBox.ButtonRole.AcceptRole
    box = QMessageBox(kind, title, question, parent=parent)
    chosen = box.addButton(action, role)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is chosen


def title_block(title: QLabel, pill: QLabel, caption: QLabel, *, centre_pill: bool = False) -> QVBoxLayout:
    """Lay out a title with a pill (a badge) beside it, over a caption; return the column."""
    row = QHBoxLayout()
    row.setSpacing(10)
    row.addWidget(title)
    if centre_pill:
        row.addWidget(pill, 0, Qt.AlignmentFlag.AlignVCenter)
    else:
        row.addWidget(pill)
    row.addStretch(1)
    column = QVBoxLayout()
    column.setSpacing(2)
    column.addLayout(row)
    column.addWidget(caption)
    return column


def paint_item_background(painter: QPainter, cell: QStyleOptionViewItem) -> None:
    """Paint an item view cell's background and selection only, so a delegate can draw its own content."""
    cell.text = ""
    widget = cell.widget
    style = widget.style() if widget is not None else None
    if style is not None:
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, cell, painter, widget)


def paint_pill(painter: QPainter, pill: QRectF, text: str, font: QFont, fill: str, color: str) -> None:
    """Paint a text in a rounded, filled pill (a badge such as "Current" or "Landing page")."""
    painter.setFont(font)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(fill))
    painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
    painter.setPen(QColor(color))
    painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)


def icon_badge(
    parent: QWidget,
    size: int,
    icon_name: str = "",
    icon_size: int = 0,
    *,
    name: str = "iconBadge",
    color: str = ACCENT,
) -> QLabel:
    """Return a square tile that shows an icon in the middle (without ``icon_name``, set it later)."""
    badge = QLabel(parent)
    badge.setObjectName(name)
    badge.setFixedSize(size, size)
    badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
    if icon_name:
        badge.setPixmap(icon(icon_name, color=color).pixmap(QSize(icon_size, icon_size)))
    return badge


class FieldError(QLabel):
    """The short reason under a field; empty and hidden while the field is fine."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setVisible(False)

    def show_reason(self, reason: str) -> None:
        """Show a reason, or hide the label when ``reason`` is empty."""
        self.setText(reason)
        self.setVisible(bool(reason))


class MessageBanner(QFrame):
    """A message across the top of a page or dialog: an error or a piece of news, dismissible."""

    dismissed = Signal()

    ERROR = "error"
    INFO = "info"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setProperty("kind", self.ERROR)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.setSpacing(10)
        self._icon = QLabel(self)
        self._icon.setFixedSize(18, 18)
        self.label = QLabel(self)
        self.label.setObjectName("bannerText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setObjectName("bannerClose")
        close.setIcon(icon("fa6s.xmark", color=MUTED))
        close.setIconSize(QSize(12, 12))
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss message")
        close.clicked.connect(self.dismiss)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.setVisible(False)

    def text(self) -> str:
        """Return the message shown (empty when hidden)."""
        return self.label.text()

    def show_error(self, message: str) -> None:
        """Show a problem."""
        self._show(message, self.ERROR, "fa6s.circle-exclamation", DANGER)

    def show_info(self, message: str) -> None:
        """Show news that needs no action."""
        self._show(message, self.INFO, "fa6s.circle-info", ACCENT)

    def dismiss(self) -> None:
        """Hide the message."""
        self.label.clear()
        self.setVisible(False)
        self.dismissed.emit()

    def _show(self, message: str, kind: str, icon_name: str, color: str) -> None:
        self.setProperty("kind", kind)
        self._icon.setPixmap(icon(icon_name, color=color).pixmap(QSize(18, 18)))
        self.label.setText(message)
        self.setAccessibleName(message)
        # A dynamic property only restyles after the style is re-applied.
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(True)
