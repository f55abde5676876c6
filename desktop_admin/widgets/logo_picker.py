"""The logo slots of the profile editor: login, top bar and favicon.

Each slot shows the image in use (the default branding's until a custom one is chosen), the
slot's rules in words, and buttons to upload a new image or go back to the default. A chosen
file is checked here first with the server's own rules (common.logo_rules: size, kind by content,
pixel dimensions, square favicon, SVG safety), so the administrator reads the server's very
sentence before anything is sent; the server checks every upload again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

# Re-exported: the picker's callers have always found its image kinds, pixel cap and findings here.
from common.logo_rules import KINDS as KINDS
from common.logo_rules import MAX_PIXELS as MAX_PIXELS
from common.logo_rules import LogoImage as LogoImage
from common.logo_rules import LogoRejected, check_logo, too_big_message
from common.profile import LOGO_LIMITS, LogoSlot
from common.resources import RESOURCES_DIR
from common.theme import ThemeName, default_top_bar_colour, is_hex_colour

DEFAULT_BRANDING_DIR = RESOURCES_DIR / "branding" / "default"
IMAGE_FILE_FILTER = "Images (*.png *.jpg *.jpeg *.gif *.webp *.svg);;All files (*)"

# The box each slot's image is shown in: the size the portal draws it at, at most.
DISPLAY_BOXES: dict[LogoSlot, QSize] = {
    LogoSlot.LOGIN: QSize(250, 64),
    LogoSlot.TOP_BAR: QSize(175, 64),
    LogoSlot.FAVICON: QSize(64, 64),
}
SLOT_TITLES: dict[LogoSlot, str] = {
    LogoSlot.LOGIN: "Login logo",
    LogoSlot.TOP_BAR: "Top bar logo",
    LogoSlot.FAVICON: "Favicon",
}

_ERROR_COLOUR = "#b3261e"
_MUTED_COLOUR = "#5b6478"
_BOX_BORDER = "#c9ced8"
_LIGHT_BOX = "#f4f6f9"

# The picker refuses a file exactly as the server would: the same class, the same sentences.
LogoProblem = LogoRejected


# --- checks (no Qt) ---------------------------------------------------------------------------


def read_logo_file(slot: LogoSlot | str, path: Path) -> bytes:
    """Read and check a chosen file; return its bytes or raise LogoProblem."""
    slot = LogoSlot(slot)
    limit = LOGO_LIMITS[slot]
    try:
        size = path.stat().st_size
        if size > limit.max_bytes:
            # Said from the size on disk: a huge file is never read into memory.
            raise LogoProblem(too_big_message(size, limit.max_bytes), status=413)
        data = path.read_bytes()
    except OSError as exc:
        raise LogoProblem(f"The file {path.name} could not be read: {exc.strerror or exc}.") from None
    check_logo(slot, data)
    return data


# --- drawing ----------------------------------------------------------------------------------


def logo_pixmap(data: bytes, box: QSize) -> QPixmap | None:
    """Return an image drawn to fit a box (never enlarged, but for SVG), or None when unreadable."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    natural = reader.size()
    is_vector = bytes(reader.format().data()).lower() in (b"svg", b"svgz")
    if is_vector and natural.isValid() and not natural.isEmpty():
        reader.setScaledSize(natural.scaled(box, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    if image.width() > box.width() or image.height() > box.height():
        image = image.scaled(
            box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return QPixmap.fromImage(image)


def default_logo(slot: LogoSlot) -> bytes:
    """Return the default branding's image for a slot."""
    return (DEFAULT_BRANDING_DIR / f"{slot.value}.svg").read_bytes()


# --- widgets ------------------------------------------------------------------------------------


class _SlotRow(QFrame):
    """One slot: its image, its rules, its buttons and the reason a file was refused."""

    def __init__(self, picker: LogoPicker, slot: LogoSlot) -> None:
        super().__init__(picker)
        self.slot = slot
        self.data: bytes | None = None
        self.setObjectName(f"logoSlot_{slot.value}")
        self.setFrameShape(QFrame.Shape.StyledPanel)

        box = DISPLAY_BOXES[slot]
        self.image = QLabel(self)
        self.image.setObjectName("logoImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setFixedSize(box.width() + 16, box.height() + 16)
        self.image.setAccessibleName(f"{SLOT_TITLES[slot]} image")

        self.title = QLabel(SLOT_TITLES[slot], self)
        self.title.setObjectName("logoTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        rules = LOGO_LIMITS[slot].describe()
        self.limits = QLabel(rules[:1].upper() + rules[1:], self)
        self.limits.setObjectName("logoLimits")
        self.limits.setWordWrap(True)
        self.limits.setStyleSheet(f"color: {_MUTED_COLOUR};")
        self.state = QLabel(self)
        self.state.setObjectName("logoState")
        self.state.setStyleSheet(f"color: {_MUTED_COLOUR};")

        self.upload_button = QPushButton("Upload new logo…", self)
        self.upload_button.setObjectName("uploadLogo")
        self.upload_button.setAccessibleName(f"Upload a new {SLOT_TITLES[slot].lower()}")
        self.upload_button.clicked.connect(lambda: picker.upload(slot))
        self.default_button = QPushButton("Use default", self)
        self.default_button.setObjectName("useDefaultLogo")
        self.default_button.setAccessibleName(f"Use the default {SLOT_TITLES[slot].lower()}")
        self.default_button.clicked.connect(lambda: picker.use_default(slot))

        self.error = QLabel(self)
        self.error.setObjectName("logoError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {_ERROR_COLOUR};")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setVisible(False)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.upload_button)
        buttons.addWidget(self.default_button)
        buttons.addStretch(1)

        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.limits)
        text.addWidget(self.state)
        text.addLayout(buttons)

        layout = QGridLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setHorizontalSpacing(12)
        layout.addWidget(self.image, 0, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 0, 1)
        layout.addWidget(self.error, 1, 0, 1, 2)
        layout.setColumnStretch(1, 1)
        # The widest box sets the column, so the three slots' texts line up.
        widest = max(size.width() for size in DISPLAY_BOXES.values())
        layout.setColumnMinimumWidth(0, widest + 16)

    def show_logo(self, data: bytes | None) -> None:
        """Show a custom image, or the default branding's when ``data`` is None."""
        self.data = data
        shown = data if data is not None else default_logo(self.slot)
        pixmap = logo_pixmap(shown, DISPLAY_BOXES[self.slot])
        if pixmap is None:
            self.image.setPixmap(QPixmap())
            self.image.setText("Cannot show\nthis image")
        else:
            self.image.setText("")
            self.image.setPixmap(pixmap)
        if data is None:
            self.state.setText("Default logo")
        else:
            try:
                found = check_logo(self.slot, data)
                self.state.setText(f"Custom logo · {found.describe()}")
            except LogoProblem:
                self.state.setText("Custom logo")
        self.default_button.setEnabled(data is not None)

    def show_error(self, message: str) -> None:
        """Show why a file was refused, or hide the reason when ``message`` is empty."""
        self.error.setText(message)
        self.error.setAccessibleName(message)
        self.error.setVisible(bool(message))

    def paint_box(self, background: str) -> None:
        """Set the colour behind the image."""
        self.image.setStyleSheet(
            f"QLabel#logoImage {{ background: {background}; border: 1px solid {_BOX_BORDER}; "
            "border-radius: 4px; color: #5b6478; }"
        )


class LogoPicker(QWidget):
    """The three logo slots of a profile.

    ``logoChosen(slot, data)`` is emitted for a file that passed the checks, ``logoCleared(slot)``
    when a slot goes back to the default logo. ``set_logo`` shows an image without emitting.
    """

    logoChosen = Signal(str, bytes)
    logoCleared = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[LogoSlot, _SlotRow] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for slot in LogoSlot:
            row = _SlotRow(self, slot)
            self.rows[slot] = row
            layout.addWidget(row)
            row.show_logo(None)
        layout.addStretch(1)
        self._top_bar_colour = default_top_bar_colour(ThemeName.BLUE)
        self._paint_boxes()

    # --- public API --------------------------------------------------------------------------

    def set_logo(self, slot: LogoSlot | str, data: bytes | None) -> None:
        """Show a slot's custom image (None: the default logo) without emitting a signal."""
        row = self.rows[LogoSlot(slot)]
        row.show_error("")
        row.show_logo(bytes(data) if data else None)

    def set_logos(self, logos: dict[str, bytes]) -> None:
        """Show every slot's image at once: slots left out show the default logo."""
        for slot in LogoSlot:
            self.set_logo(slot, logos.get(slot.value))

    def logo(self, slot: LogoSlot | str) -> bytes | None:
        """Return a slot's custom image, or None while it uses the default logo."""
        return self.rows[LogoSlot(slot)].data

    def logos(self) -> dict[str, bytes]:
        """Return the custom images by slot name (the slots with default logos left out)."""
        return {slot.value: row.data for slot, row in self.rows.items() if row.data is not None}

    def error(self, slot: LogoSlot | str) -> str:
        """Return the reason shown under a slot, or "" when there is none."""
        return self.rows[LogoSlot(slot)].error.text()

    def set_top_bar_colour(self, colour: str | None, theme: str = ThemeName.BLUE) -> None:
        """Show the top bar logo on the profile's top-bar colour (None: the theme's default)."""
        self._top_bar_colour = colour if colour and is_hex_colour(colour) else default_top_bar_colour(theme)
        self._paint_boxes()

    def choose_file(self, slot: LogoSlot) -> Path | None:
        """Ask for an image file for a slot; None when the administrator cancels."""
        name, _filter = QFileDialog.getOpenFileName(
            self, f"Choose a {SLOT_TITLES[slot].lower()}", "", IMAGE_FILE_FILTER
        )
        return Path(name) if name else None

    def upload(self, slot: LogoSlot | str) -> None:
        """Ask for a file for a slot and take it when it passes the checks."""
        slot = LogoSlot(slot)
        path = self.choose_file(slot)
        if path is not None:
            self.load_file(slot, path)

    def load_file(self, slot: LogoSlot | str, path: Path) -> bool:
        """Check a file for a slot: show it and emit ``logoChosen``, or show why it cannot be used."""
        slot = LogoSlot(slot)
        row = self.rows[slot]
        try:
            data = read_logo_file(slot, Path(path))
        except LogoProblem as problem:
            row.show_error(problem.message)
            return False
        row.show_error("")
        row.show_logo(data)
        self.logoChosen.emit(slot.value, data)
        return True

    def use_default(self, slot: LogoSlot | str) -> None:
        """Go back to the default logo for a slot."""
        slot = LogoSlot(slot)
        row = self.rows[slot]
        row.show_error("")
        if row.data is None:
            return
        row.show_logo(None)
        self.logoCleared.emit(slot.value)

    # --- drawing -------------------------------------------------------------------------------

    def _paint_boxes(self) -> None:
        for slot, row in self.rows.items():
            row.paint_box(self._top_bar_colour if slot is LogoSlot.TOP_BAR else _LIGHT_BOX)
