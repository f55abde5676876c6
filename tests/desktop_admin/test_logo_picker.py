"""The profile editor's logo slots: the server's checks before anything is sent, and what each slot shows."""

from __future__ import annotations

from tests.desktop_admin import qt_env

# isort: split
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from common.profile import LOGO_LIMITS, MAX_LOGO_BYTES, LogoSlot
from desktop_admin.widgets.logo_picker import (
    LogoPicker,
    LogoProblem,
    check_logo,
    too_big_message,
)

SVG_NS = "http://www.w3.org/2000/svg"


def raster(width: int, height: int, kind: str = "PNG", colour: str = "#1565c0", **options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format=kind, **options)
    return out.getvalue()


def svg(width: str, height: str, extra: str = "") -> bytes:
    return (
        f'<svg xmlns="{SVG_NS}" width="{width}" height="{height}" {extra}>'
        f'<rect x="2" y="2" width="{float(width) - 4}" height="{float(height) - 4}" fill="#2e7d32"/></svg>'
    ).encode()


@pytest.fixture
def picker(qtbot: QtBot) -> Iterator[LogoPicker]:
    widget = LogoPicker()
    qtbot.add_widget(widget)
    widget.resize(560, 420)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


class Files:
    """Chosen files: written into the test's folder and handed to the picker's file dialog."""

    def __init__(self, folder: Path, picker: LogoPicker, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        self.next: Path | None = None
        self.asked: list[LogoSlot] = []
        monkeypatch.setattr(picker, "choose_file", self._choose)

    def _choose(self, slot: LogoSlot) -> Path | None:
        self.asked.append(slot)
        return self.next

    def choose(self, name: str, data: bytes) -> Path:
        path = self.folder / name
        path.write_bytes(data)
        self.next = path
        return path


@pytest.fixture
def files(tmp_path: Path, picker: LogoPicker, monkeypatch: pytest.MonkeyPatch) -> Files:
    return Files(tmp_path, picker, monkeypatch)


def upload_button(picker: LogoPicker, slot: LogoSlot) -> QPushButton:
    button = picker.rows[slot].findChild(QPushButton, "uploadLogo")
    assert button is not None
    return button


def default_button(picker: LogoPicker, slot: LogoSlot) -> QPushButton:
    button = picker.rows[slot].findChild(QPushButton, "useDefaultLogo")
    assert button is not None
    return button


def refused(qtbot: QtBot, picker: LogoPicker, slot: LogoSlot) -> str:
    """Click the slot's upload button expecting a refusal; return the reason shown."""
    with qtbot.assertNotEmitted(picker.logoChosen), qtbot.assertNotEmitted(picker.logoCleared):
        upload_button(picker, slot).click()
    assert picker.logo(slot) is None
    assert picker.rows[slot].error.isVisible()
    return picker.error(slot)


def test_each_slot_shows_its_rules_and_the_default_logo(picker: LogoPicker) -> None:
    for slot, row in picker.rows.items():
        rules = LOGO_LIMITS[slot].describe()
        assert row.limits.text() == rules[:1].upper() + rules[1:]
        assert row.state.text() == "Default logo"
        assert row.image.pixmap() is not None and not row.image.pixmap().isNull()
        assert not default_button(picker, slot).isEnabled()
        assert not row.error.isVisible()
    login = picker.rows[LogoSlot.LOGIN].image.pixmap()
    assert (login.width(), login.height()) == (250, 64)  # the default SVG, at its size


def test_a_file_over_two_megabytes_is_refused_naming_its_size(
    qtbot: QtBot, picker: LogoPicker, files: Files
) -> None:
    files.choose("huge.png", raster(100, 40) + b"\0" * (3 * 1024 * 1024))
    assert refused(qtbot, picker, LogoSlot.LOGIN) == "The file is 3.0 MB; a logo may be at most 2 MB."

    # Just over the limit, rounded megabytes would read as allowed: bytes are named instead.
    files.choose("just-over.png", raster(100, 40) + b"\0" * (MAX_LOGO_BYTES - len(raster(100, 40)) + 1))
    assert refused(qtbot, picker, LogoSlot.LOGIN) == (
        "The file is 2,097,153 bytes; a logo may be at most 2 MB (2,097,152 bytes)."
    )


def test_a_file_that_is_not_an_image_is_refused(qtbot: QtBot, picker: LogoPicker, files: Files) -> None:
    files.choose("logo.png", b"Quarterly report\nRevenue up 4%\n")
    assert refused(qtbot, picker, LogoSlot.TOP_BAR) == "This file is not a PNG, JPEG, GIF, WebP or SVG image."

    files.choose("broken.png", raster(100, 40)[:40])
    assert refused(qtbot, picker, LogoSlot.TOP_BAR) == "This file is not a readable image."

    files.choose("page.svg", b"<html><body>not a picture</body></html>")
    assert refused(qtbot, picker, LogoSlot.TOP_BAR) == "This file is not a PNG, JPEG, GIF, WebP or SVG image."

    files.choose("empty.png", b"")
    assert refused(qtbot, picker, LogoSlot.TOP_BAR) == (
        "The upload is empty; choose a PNG, JPEG, GIF, WebP or SVG image."
    )


def test_an_image_larger_than_the_slot_is_refused_naming_the_numbers(
    qtbot: QtBot, picker: LogoPicker, files: Files
) -> None:
    files.choose("wide.png", raster(300, 80))
    assert refused(qtbot, picker, LogoSlot.LOGIN) == (
        "The login logo is 300 × 80 px; it must be at most 250 px wide and 64 px high."
    )
    files.choose("tall.jpg", raster(175, 65, "JPEG"))
    assert refused(qtbot, picker, LogoSlot.TOP_BAR) == (
        "The top bar logo is 175 × 65 px; it must be at most 175 px wide and 64 px high."
    )


def test_a_favicon_that_is_not_square_is_refused(qtbot: QtBot, picker: LogoPicker, files: Files) -> None:
    files.choose("favicon.png", raster(200, 100))
    assert (
        refused(qtbot, picker, LogoSlot.FAVICON) == "The favicon must be square; this image is 200 × 100 px."
    )

    files.choose("favicon.svg", svg("64", "48"))
    assert refused(qtbot, picker, LogoSlot.FAVICON) == "The favicon must be square; this image is 64 × 48 px."


def test_svg_files_need_the_svg_namespace_and_a_size(qtbot: QtBot, picker: LogoPicker, files: Files) -> None:
    files.choose("bare.svg", b'<svg width="10" height="10"></svg>')
    assert 'needs xmlns="http://www.w3.org/2000/svg"' in refused(qtbot, picker, LogoSlot.LOGIN)

    files.choose("sizeless.svg", f'<svg xmlns="{SVG_NS}"><rect/></svg>'.encode())
    assert "width and height or a viewBox" in refused(qtbot, picker, LogoSlot.LOGIN)

    files.choose("entity.svg", b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>')
    assert "DOCTYPE" in refused(qtbot, picker, LogoSlot.LOGIN)


def test_svg_files_that_could_run_scripts_are_refused_before_upload(
    qtbot: QtBot, picker: LogoPicker, files: Files
) -> None:
    files.choose("script.svg", svg("100", "32", 'onload="alert(1)"'))
    assert refused(qtbot, picker, LogoSlot.LOGIN) == (
        "SVG logos may not contain scripts (found the onload attribute)."
    )


def test_a_good_image_is_shown_and_emitted(qtbot: QtBot, picker: LogoPicker, files: Files) -> None:
    data = raster(200, 50)
    files.choose("acme.png", data)
    with qtbot.waitSignal(picker.logoChosen, timeout=1000) as chosen:
        upload_button(picker, LogoSlot.LOGIN).click()
    assert chosen.args == ["login", data]
    assert files.asked == [LogoSlot.LOGIN]
    row = picker.rows[LogoSlot.LOGIN]
    assert picker.logo(LogoSlot.LOGIN) == data
    assert picker.logos() == {"login": data}
    assert row.state.text() == "Custom logo · PNG, 200 × 50 px"
    assert (row.image.pixmap().width(), row.image.pixmap().height()) == (200, 50)
    assert not row.error.isVisible()
    assert default_button(picker, LogoSlot.LOGIN).isEnabled()


def test_a_refusal_is_cleared_by_the_next_good_file(qtbot: QtBot, picker: LogoPicker, files: Files) -> None:
    files.choose("wide.png", raster(300, 80))
    refused(qtbot, picker, LogoSlot.TOP_BAR)
    files.choose("ok.svg", svg("600", "200"))  # vectors scale down to fit, as the portal shows them
    with qtbot.waitSignal(picker.logoChosen, timeout=1000):
        upload_button(picker, LogoSlot.TOP_BAR).click()
    assert picker.error(LogoSlot.TOP_BAR) == ""
    assert not picker.rows[LogoSlot.TOP_BAR].error.isVisible()
    pixmap = picker.rows[LogoSlot.TOP_BAR].image.pixmap()
    assert (pixmap.width(), pixmap.height()) == (175, 58)


def test_photos_are_checked_upright(qtbot: QtBot, picker: LogoPicker, files: Files) -> None:
    # Stored 60 px wide and 240 high, shown turned a quarter: 240 by 60, which fits the login slot.
    exif = Image.Exif()
    exif[0x0112] = 6
    files.choose("turned.jpg", raster(60, 240, "JPEG", exif=exif.tobytes()))
    with qtbot.waitSignal(picker.logoChosen, timeout=1000):
        upload_button(picker, LogoSlot.LOGIN).click()
    assert picker.rows[LogoSlot.LOGIN].state.text() == "Custom logo · JPEG, 240 × 60 px"


def test_cancelling_the_file_dialog_changes_nothing(qtbot: QtBot, picker: LogoPicker, files: Files) -> None:
    files.next = None
    with qtbot.assertNotEmitted(picker.logoChosen):
        upload_button(picker, LogoSlot.FAVICON).click()
    assert files.asked == [LogoSlot.FAVICON]
    assert picker.logos() == {}
    assert picker.error(LogoSlot.FAVICON) == ""


def test_use_default_goes_back_to_the_default_logo(qtbot: QtBot, picker: LogoPicker) -> None:
    data = raster(64, 64)
    with qtbot.assertNotEmitted(picker.logoChosen):
        picker.set_logo(LogoSlot.FAVICON, data)
    assert picker.logo("favicon") == data
    assert picker.rows[LogoSlot.FAVICON].state.text() == "Custom logo · PNG, 64 × 64 px"

    with qtbot.waitSignal(picker.logoCleared, timeout=1000) as cleared:
        default_button(picker, LogoSlot.FAVICON).click()
    assert cleared.args == ["favicon"]
    assert picker.logo(LogoSlot.FAVICON) is None
    assert picker.rows[LogoSlot.FAVICON].state.text() == "Default logo"
    assert not default_button(picker, LogoSlot.FAVICON).isEnabled()


def test_set_logos_shows_every_slot_at_once(picker: LogoPicker) -> None:
    picker.set_logos({"login": raster(250, 64), "top_bar": svg("175", "64")})
    assert set(picker.logos()) == {"login", "top_bar"}
    picker.set_logos({})
    assert picker.logos() == {}


def test_the_checks_work_without_the_widget() -> None:
    assert check_logo("favicon", raster(192, 192)).width == 192
    with pytest.raises(LogoProblem, match="must be square"):
        check_logo(LogoSlot.FAVICON, raster(192, 190, "GIF"))
    webp = raster(250, 64, "WEBP")
    assert check_logo(LogoSlot.LOGIN, webp).content_type == "image/webp"
    assert too_big_message(5 * 1024 * 1024) == "The file is 5.0 MB; a logo may be at most 2 MB."


def test_screenshot_of_the_logo_picker(
    qtbot: QtBot, console_theme: QApplication, picker: LogoPicker, files: Files
) -> None:
    picker.set_top_bar_colour("#0b3d2e")
    picker.set_logo(LogoSlot.TOP_BAR, svg("175", "64"))
    files.choose("wide.png", raster(300, 80))
    refused(qtbot, picker, LogoSlot.LOGIN)
    qtbot.wait(50)
    path = qt_env.save_screenshot(picker, "console-logo-picker.png")
    assert path.stat().st_size > 5_000
