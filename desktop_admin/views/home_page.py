"""The Administration home: tiles counting what there is to manage."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_admin.views import icon_badge

UNKNOWN_COUNT = "…"
FAILED_COUNT = "—"
TILE_SIZE = QSize(260, 150)


def _count_text(count: int | None, failed: bool) -> tuple[str, str]:
    """Return what a tile shows and what a screen reader says for its number."""
    if failed:
        return FAILED_COUNT, "not available"
    if count is None:
        return UNKNOWN_COUNT, "loading"
    return str(count), str(count)


def _fill_card(card: QWidget, icon_name: str, title: str, caption: str, inset: int = 0) -> QLabel:
    """Lay out a tile's icon, number, title and caption on card; return the number's label."""
    layout = QVBoxLayout(card)
    layout.setContentsMargins(20 - inset, 18 - inset, 20 - inset, 16 - inset)
    layout.setSpacing(2)
    top = QHBoxLayout()
    badge = icon_badge(card, 40, icon_name, 20, name="tileBadge")
    count_label = QLabel(UNKNOWN_COUNT, card)
    count_label.setObjectName("tileCount")
    count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    top.addWidget(badge)
    top.addStretch(1)
    top.addWidget(count_label)
    title_label = QLabel(title, card)
    title_label.setObjectName("tileTitle")
    caption_label = QLabel(caption, card)
    caption_label.setObjectName("tileCaption")
    caption_label.setWordWrap(True)
    layout.addLayout(top)
    layout.addSpacing(8)
    layout.addWidget(title_label)
    layout.addWidget(caption_label)
    layout.addStretch(1)
    for child in (badge, count_label, title_label, caption_label):
        # Clicks anywhere on the card belong to the card.
        child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    return count_label


class Tile(QPushButton):
    """A large clickable card: an icon, a number and what it counts."""

    def __init__(self, icon_name: str, title: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(TILE_SIZE)
        self._title = title
        self.count_label = _fill_card(self, icon_name, title, caption)
        self.set_count(None)

    def set_count(self, count: int | None, failed: bool = False) -> None:
        """Show a number, "…" while unknown, or "—" when it could not be loaded."""
        text, spoken = _count_text(count, failed)
        self.count_label.setText(text)
        self.setAccessibleName(f"{self._title}: {spoken}")
        self.setToolTip(f"Open {self._title}")


class InfoTile(QFrame):
    """A card like ``Tile`` that only informs: nothing opens from it, so it is not a button."""

    # The application's style sheet draws only the clickable tile; this card looks the same at
    # rest and does not light up under the pointer.
    STYLE = "QFrame#infoTile { background: #ffffff; border: 1px solid #dfe3ea; border-radius: 10px; }"

    def __init__(self, icon_name: str, title: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("infoTile")
        self.setStyleSheet(self.STYLE)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(TILE_SIZE)
        self._title = title
        self.setAccessibleDescription(caption)
        # A frame's border sits inside it (a button's does not): 1 px less keeps the cards aligned.
        self.count_label = _fill_card(self, icon_name, title, caption, inset=1)
        self.set_count(None)

    def set_count(self, count: int | None, failed: bool = False) -> None:
        """Show a number, "…" while unknown, or "—" when it could not be loaded."""
        text, spoken = _count_text(count, failed)
        self.count_label.setText(text)
        self.setAccessibleName(f"{self._title}: {spoken}")
        self.setToolTip(f"{self._title}: {spoken}")


class HomePage(QWidget):
    """ "Customer Portal Administration": how many profiles exist (a click opens them) and how many
    subscribers have a portal login."""

    profiles_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homePage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(6)

        title = QLabel("Customer Portal Administration", self)
        title.setObjectName("pageTitle")
        intro = QLabel(
            "Profiles decide how the customer portal looks and works. The default profile serves "
            "every subscriber; add profiles for groups of markets that need something different.",
            self,
        )
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        intro.setMaximumWidth(720)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(20)

        tiles = QGridLayout()
        tiles.setHorizontalSpacing(16)
        tiles.setVerticalSpacing(16)
        self.profiles_tile = Tile(
            "fa6s.id-card", "Profiles", "Create, duplicate and remove portal profiles.", self
        )
        self.profiles_tile.clicked.connect(self.profiles_requested)
        tiles.addWidget(self.profiles_tile, 0, 0)
        # No page lists portal users yet, so this tile only counts them.
        self.portal_users_tile = InfoTile(
            "fa6s.users", "Portal users", "Subscribers with a portal login.", self
        )
        tiles.addWidget(self.portal_users_tile, 0, 1)
        tiles.setColumnStretch(2, 1)
        self.portal_user_count: int | None = None
        layout.addLayout(tiles)
        layout.addStretch(1)

    def set_profile_count(self, count: int | None) -> None:
        """Show how many profiles exist (None while loading)."""
        self.profiles_tile.set_count(count)

    def set_profile_count_failed(self) -> None:
        """Say the number could not be loaded."""
        self.profiles_tile.set_count(None, failed=True)

    def set_portal_user_count(self, count: int | None) -> None:
        """Show how many portal users exist (None while loading)."""
        self.portal_user_count = count
        self.portal_users_tile.set_count(count)

    def set_portal_user_count_failed(self) -> None:
        """Say the number of portal users could not be loaded."""
        self.portal_user_count = None
        self.portal_users_tile.set_count(None, failed=True)
