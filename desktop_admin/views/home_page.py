"""The Administration home: tiles counting what there is to manage."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_admin.views import ACCENT, icon

UNKNOWN_COUNT = "…"
FAILED_COUNT = "—"


class Tile(QPushButton):
    """A large clickable card: an icon, a number and what it counts."""

    def __init__(self, icon_name: str, title: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(QSize(260, 150))
        self._title = title

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(2)
        top = QHBoxLayout()
        badge = QLabel(self)
        badge.setObjectName("tileBadge")
        badge.setFixedSize(40, 40)
        badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        badge.setPixmap(icon(icon_name, color=ACCENT).pixmap(QSize(20, 20)))
        self.count_label = QLabel(UNKNOWN_COUNT, self)
        self.count_label.setObjectName("tileCount")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(badge)
        top.addStretch(1)
        top.addWidget(self.count_label)
        title_label = QLabel(title, self)
        title_label.setObjectName("tileTitle")
        caption_label = QLabel(caption, self)
        caption_label.setObjectName("tileCaption")
        caption_label.setWordWrap(True)
        layout.addLayout(top)
        layout.addSpacing(8)
        layout.addWidget(title_label)
        layout.addWidget(caption_label)
        layout.addStretch(1)
        for child in (badge, self.count_label, title_label, caption_label):
            # Clicks anywhere on the card belong to the card.
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.set_count(None)

    def set_count(self, count: int | None, failed: bool = False) -> None:
        """Show a number, "…" while unknown, or "—" when it could not be loaded."""
        text = FAILED_COUNT if failed else UNKNOWN_COUNT if count is None else str(count)
        self.count_label.setText(text)
        spoken = "not available" if failed else "loading" if count is None else str(count)
        self.setAccessibleName(f"{self._title}: {spoken}")
        self.setToolTip(f"Open {self._title}")


class HomePage(QWidget):
    """ "Customer Portal Administration": how many profiles exist; a click opens them."""

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
        tiles.setColumnStretch(1, 1)
        layout.addLayout(tiles)
        layout.addStretch(1)

    def set_profile_count(self, count: int | None) -> None:
        """Show how many profiles exist (None while loading)."""
        self.profiles_tile.set_count(count)

    def set_profile_count_failed(self) -> None:
        """Say the number could not be loaded."""
        self.profiles_tile.set_count(None, failed=True)
