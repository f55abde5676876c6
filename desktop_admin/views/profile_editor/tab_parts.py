"""The parts the editor's list-and-form tabs, their sections and their small dialogs are built from.

A list-and-form tab (Menu, Tickets) shows a message banner over a short introduction, a fixed-width
list pane on the left and, on the right, a scrolling form pane that edits what the list has selected.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStyle,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_admin.views import ACCENT, DANGER, TEXT, MessageBanner, title_block
from desktop_admin.views.dialog_parts import add_dialog_header

PANES_STYLE = f"""
QFrame#editorSection {{ background: #ffffff; border: 1px solid #dfe3ea; border-radius: 10px; }}
QLabel#paneTitle {{ font-size: 12pt; font-weight: 600; color: {TEXT}; }}
QLabel#formTitle {{ font-size: 15pt; font-weight: 600; color: {TEXT}; }}
QLabel#sectionTitle {{ font-size: 12pt; font-weight: 600; color: {TEXT}; }}
"""
"""The look of the panes' cards and titles."""

FORM_SCROLL_STYLE = """
QScrollArea#formScroll { background: transparent; border: none; }
QScrollBar:vertical { background: transparent; width: 10px; margin: 4px 2px 4px 0; }
QScrollBar::handle:vertical { background: #c9d0dc; border-radius: 4px; min-height: 32px; }
QScrollBar::handle:vertical:hover { background: #aab3c2; }
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; }
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical { background: transparent; }
QWidget#formBody { background: transparent; }
"""
"""The look of the form pane's scroll area (see ``form_pane``) and of the tab's scroll bars."""


def required_caption(text: str) -> str:
    """Return a field's caption with the red star that marks it required (rich text)."""
    return f'{text} <span style="color:{DANGER}">*</span>'


def hint_label(text: str, parent: QWidget) -> QLabel:
    """Return a muted, wrapping line that explains a field or a part of a form."""
    label = QLabel(text, parent)
    label.setObjectName("fieldHint")
    label.setWordWrap(True)
    return label


def separator(parent: QWidget) -> QFrame:
    """Return a thin rule between the parts of a form."""
    line = QFrame(parent)
    line.setObjectName("separator")
    line.setFixedHeight(1)
    return line


def titled_column(
    box: QWidget, title: str, *, margins: tuple[int, int, int, int], spacing: int
) -> QVBoxLayout:
    """Lay ``box`` out as a column headed by a section title; return the column."""
    layout = QVBoxLayout(box)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    heading = QLabel(title, box)
    heading.setObjectName("sectionTitle")
    layout.addWidget(heading)
    return layout


def section_card(parent: QWidget, title: str, about: str) -> tuple[QFrame, QVBoxLayout]:
    """Return a white card with a title and what the section is for, and the column to fill it."""
    section = QFrame(parent)
    section.setObjectName("editorSection")
    layout = titled_column(section, title, margins=(20, 16, 20, 18), spacing=4)
    hint = QLabel(about, section)
    hint.setObjectName("sectionHint")
    hint.setWordWrap(True)
    layout.addWidget(hint)
    layout.addSpacing(10)
    return section, layout


# --- list-and-form tabs ------------------------------------------------------------------------


def banner_column(tab: QWidget, spacing: int) -> tuple[QVBoxLayout, MessageBanner]:
    """Lay a tab out as a column under a message banner; return the column and the banner."""
    column = QVBoxLayout(tab)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(spacing)
    banner = MessageBanner(tab)
    column.addWidget(banner)
    return column, banner


def add_list_and_form(column: QVBoxLayout, list_pane: QWidget, form_pane: QWidget) -> None:
    """Put the list pane and the form pane side by side, the form taking the spare width and height."""
    row = QHBoxLayout()
    row.setSpacing(16)
    row.addWidget(list_pane, 0)
    row.addWidget(form_pane, 1)
    column.addLayout(row, 1)


def list_pane(parent: QWidget, width: int) -> tuple[QFrame, QVBoxLayout]:
    """Return the fixed-width card for the list on the left, and its column."""
    pane = QFrame(parent)
    pane.setObjectName("editorSection")
    pane.setFixedWidth(width)
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(14, 14, 14, 14)
    layout.setSpacing(8)
    return pane, layout


class FormPane(NamedTuple):
    """The card on the right, and the parts of it a tab keeps.

    ``empty`` shows while nothing is selected and ``form`` (laid out by ``column``) otherwise, both
    inside ``scroll``.
    """

    card: QFrame
    scroll: QScrollArea
    empty: QLabel
    form: QWidget
    column: QVBoxLayout


def form_pane(parent: QWidget, empty_text: str) -> FormPane:
    """Build the scrolling card on the right, with the note shown while nothing is selected."""
    card = QFrame(parent)
    card.setObjectName("editorSection")
    card_layout = QVBoxLayout(card)
    card_layout.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea(card)
    scroll.setObjectName("formScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    body = QWidget()
    body.setObjectName("formBody")
    scroll.setWidget(body)
    scroll.viewport().setAutoFillBackground(False)
    card_layout.addWidget(scroll)

    layout = QVBoxLayout(body)
    layout.setContentsMargins(24, 20, 24, 20)
    layout.setSpacing(14)
    empty = QLabel(empty_text, body)
    empty.setObjectName("emptyState")
    empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout.addWidget(empty, 1)
    form = QWidget(body)
    column = QVBoxLayout(form)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(14)
    # the form takes the whole height and keeps its spare room at its own bottom, so its parts
    # are laid out from their current sizes even when they changed while hidden
    layout.addWidget(form, 1)
    return FormPane(card, scroll, empty, form, column)


def add_form_header(column: QVBoxLayout, badge: QLabel, title: QLabel, pill: QLabel, caption: QLabel) -> None:
    """Lay out the top of a form: the icon badge, and beside it the title and its pill over a caption."""
    header = QHBoxLayout()
    header.setSpacing(12)
    header.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
    header.addLayout(title_block(title, pill, caption), 1)
    column.addLayout(header)


def paint_card(painter: QPainter, option: QStyleOptionViewItem) -> QRectF:
    """Paint a list item as a card, outlined when selected and tinted when hovered; return the card."""
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
    card = QRectF(option.rect).adjusted(1.5, 2.5, -1.5, -2.5)
    painter.setPen(QPen(QColor(ACCENT if selected else "#e1e5ec"), 1.2 if selected else 1))
    painter.setBrush(QColor("#eef4fe" if selected else "#f7f9fc" if hovered else "#ffffff"))
    painter.drawRoundedRect(card, 8, 8)
    return card


# --- the tabs' dialogs -------------------------------------------------------------------------


def dialog_column(dialog: QDialog, icon_name: str, title: str, about: str, *, spacing: int) -> QVBoxLayout:
    """Lay a tab's dialog out as a column under its icon, title and explanation; return the column."""
    column = QVBoxLayout(dialog)
    column.setContentsMargins(24, 20, 24, 18)
    column.setSpacing(spacing)
    add_dialog_header(column, dialog, icon_name, title, about, badge_name="iconBadge", text_name="fieldHint")
    return column
