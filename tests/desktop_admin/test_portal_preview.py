"""The profile editor's live preview: real portal pages, drawn offline in QtWebEngine."""

from __future__ import annotations

from tests.desktop_admin import qt_env

# isort: split
import base64
import datetime
import io
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

# Read when QtWebEngine starts its browser process, on the first page made, not at import.
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")

import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from common.formats import format_date
from common.profile import MENU_PAGES, default_content
from desktop_admin import preview_data
from desktop_admin.widgets import portal_preview
from desktop_admin.widgets.portal_preview import DEBOUNCE_MS, DEVICE_WIDTHS, PortalPreview

WAIT_MS = 20_000


def default_draft(**settings: Any) -> dict[str, Any]:
    """The out-of-box profile as the editor holds it, with some settings changed."""
    draft = default_content("Preview test").model_dump(mode="json")
    draft["settings"].update(settings)
    return draft


def png(width: int, height: int, colour: str = "#c0392b") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def evaluate(qtbot: QtBot, preview: PortalPreview, script: str) -> Any:
    """Run JavaScript in the page on screen and return its result."""
    results: list[Any] = []
    preview.view.page().runJavaScript(script, 0, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT_MS)
    return results[0]


def show(qtbot: QtBot, preview: PortalPreview, draft: dict[str, Any], logos: Any = None) -> None:
    with qtbot.waitSignal(preview.rendered, timeout=WAIT_MS):
        preview.show_profile(draft, logos)


def switch_page(qtbot: QtBot, preview: PortalPreview, page: str) -> None:
    with qtbot.waitSignal(preview.rendered, timeout=WAIT_MS):
        preview.set_page(page)


@pytest.fixture
def preview(qtbot: QtBot) -> Iterator[PortalPreview]:
    widget = PortalPreview()
    qtbot.add_widget(widget)
    widget.resize(1320, 860)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close()
    # The page goes before the browser profile it belongs to, as QtWebEngine requires.
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_home_and_login_are_the_real_portal_pages_for_the_default_profile(
    qtbot: QtBot, preview: PortalPreview
) -> None:
    show(qtbot, preview, default_draft())

    html = preview.current_html()
    assert "<title>Account Summary · Customer Portal</title>" in html
    for page in MENU_PAGES.values():
        assert page.label.replace("&", "&amp;") in html
    assert "$86.40" in html  # the out-of-box profile writes US amounts with "$"
    assert f"Welcome, {preview_data.SAMPLE_USER['display_name']}" in html
    assert preview_data.SAMPLE_ACCOUNT_NUMBER in html
    assert "Preview version" not in html  # drawn as a licensed portal draws it
    # The page on screen is that HTML, styled by the portal's own CSS and icon font, from disk.
    assert evaluate(qtbot, preview, "document.title") == "Account Summary · Customer Portal"
    assert evaluate(qtbot, preview, "document.querySelectorAll('.side-nav__item').length") == len(MENU_PAGES)
    top_bar = "getComputedStyle(document.querySelector('.top-bar')).backgroundColor"
    assert evaluate(qtbot, preview, top_bar) == "rgb(10, 61, 115)"
    qtbot.waitUntil(
        lambda: (
            "Portal FA6 Solid"
            in evaluate(
                qtbot,
                preview,
                "Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family).join()",
            )
        ),
        timeout=WAIT_MS,
    )
    default_logo = "document.querySelector('.top-bar__logo')"
    assert evaluate(qtbot, preview, f"{default_logo}.src").endswith("/branding/default/top_bar.svg")
    qtbot.waitUntil(lambda: evaluate(qtbot, preview, f"{default_logo}.naturalWidth") > 0, timeout=WAIT_MS)

    switch_page(qtbot, preview, "login")
    html = preview.current_html()
    assert "<title>Sign in · Customer Portal</title>" in html
    assert "Email or username" in html
    assert 'value="preview"' in html  # the sample CSRF token
    assert evaluate(qtbot, preview, "document.querySelector('h1').textContent") == "Sign in"
    assert preview.page_name() == "login"


def test_edits_redraw_once_shortly_after_the_last_change(qtbot: QtBot, preview: PortalPreview) -> None:
    show(qtbot, preview, default_draft())
    drawn: list[float] = []
    preview.rendered.connect(lambda: drawn.append(time.monotonic()))

    # Typing a title: one change per keystroke, then the colour.
    for length in range(1, 8):
        preview.show_profile(default_draft(browser_title="Acme Fibre"[:length]))
    last_change = time.monotonic()
    with qtbot.waitSignal(preview.rendered, timeout=WAIT_MS):
        preview.show_profile(default_draft(browser_title="Acme Fibre", top_bar_color="#7A1F5C"))
    qtbot.wait(DEBOUNCE_MS * 3)

    assert len(drawn) == 1
    assert drawn[0] - last_change < 1.0  # 150 ms of quiet, then about 30 ms to draw here
    html = preview.current_html()
    assert "--portal-top-bar:#7a1f5c;" in html
    assert "<title>Account Summary · Acme Fibre</title>" in html
    top_bar = "getComputedStyle(document.querySelector('.top-bar')).backgroundColor"
    assert evaluate(qtbot, preview, top_bar) == "rgb(122, 31, 92)"


def test_a_draft_that_does_not_validate_keeps_the_last_page_and_says_why(
    qtbot: QtBot, preview: PortalPreview
) -> None:
    show(qtbot, preview, default_draft(browser_title="Acme Fibre"))
    good = preview.current_html()
    assert not preview.is_paused()

    with (
        qtbot.waitSignal(preview.paused, timeout=WAIT_MS) as paused,
        qtbot.assertNotEmitted(preview.rendered),
    ):
        preview.show_profile(default_draft(browser_title="Acme Fibre", top_bar_color="dark blue"))
    assert paused.args == ["Preview paused: settings.top_bar_color must be a colour such as #0a3d73"]
    assert preview.is_paused()
    assert preview.paused_note.text() == paused.args[0]
    assert preview.current_html() == good
    assert evaluate(qtbot, preview, "document.title") == "Account Summary · Acme Fibre"

    # Fixing the draft draws it and takes the note away.
    show(qtbot, preview, default_draft(browser_title="Acme Fibre", top_bar_color="#0b3d2e"))
    assert not preview.is_paused()
    assert "--portal-top-bar:#0b3d2e;" in preview.current_html()


def test_another_page_asked_for_while_paused_is_drawn_from_the_last_good_draft(
    qtbot: QtBot, preview: PortalPreview
) -> None:
    show(qtbot, preview, default_draft(browser_title="Acme Fibre"))
    with qtbot.waitSignal(preview.paused, timeout=WAIT_MS):
        preview.show_profile({**default_draft(), "name": ""})
    switch_page(qtbot, preview, "login")
    assert "<title>Sign in · Acme Fibre</title>" in preview.current_html()
    assert preview.paused_note.text() == "Preview paused: name is required"


def test_server_fields_of_a_loaded_profile_do_not_stop_the_preview(
    qtbot: QtBot, preview: PortalPreview
) -> None:
    draft = {**default_draft(browser_title="From the server"), "id": 7, "version": 3, "is_default": False}
    draft["markets"] = ["north"]
    show(qtbot, preview, draft)
    assert "From the server" in preview.current_html()
    assert not preview.is_paused()


def test_device_switch_lays_the_page_out_at_the_device_width(qtbot: QtBot, preview: PortalPreview) -> None:
    show(qtbot, preview, default_draft())
    inner_width = "window.innerWidth"
    for device, width in DEVICE_WIDTHS.items():
        preview.set_device(device)
        assert preview.view.width() == width
        assert preview.zoom() == 1.0
        qtbot.waitUntil(lambda width=width: evaluate(qtbot, preview, inner_width) == width, timeout=WAIT_MS)
    assert "Desktop · 1280 px" in preview.size_label.text()

    # A pane narrower than the device shows the whole page width, scaled down.
    preview.resize(700, 860)
    qtbot.waitUntil(lambda: preview.stage.width() < 1280, timeout=WAIT_MS)
    assert preview.zoom() < 1.0
    assert preview.view.width() <= preview.stage.width()
    assert abs(preview.view.zoomFactor() - preview.zoom()) < 0.01
    qtbot.waitUntil(lambda: abs(evaluate(qtbot, preview, inner_width) - 1280) <= 2, timeout=WAIT_MS)
    assert "shown at" in preview.size_label.text()

    # The toolbar's buttons do the same.
    phone = preview.findChild(portal_preview.QToolButton, "previewDevice_phone")
    assert phone is not None
    phone.click()
    assert preview.device() == "phone"
    assert preview.view.width() == 375
    assert preview.zoom() == 1.0


def test_custom_logos_are_shown_from_their_bytes(qtbot: QtBot, preview: PortalPreview) -> None:
    top_bar = png(160, 48)
    login = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50" viewBox="0 0 200 50">'
        b'<rect width="200" height="50" fill="#2e7d32"/></svg>'
    )
    show(qtbot, preview, default_draft(), {"top_bar": top_bar, "login": login})

    encoded = base64.b64encode(top_bar).decode()
    assert f'src="data:image/png;base64,{encoded}"' in preview.current_html()
    logo = "document.querySelector('.top-bar__logo')"
    qtbot.waitUntil(lambda: evaluate(qtbot, preview, f"{logo}.naturalWidth") == 160, timeout=WAIT_MS)

    switch_page(qtbot, preview, "login")
    assert "data:image/svg+xml;base64," + base64.b64encode(login).decode() in preview.current_html()
    logo = "document.querySelector('.public-header__logo')"
    qtbot.waitUntil(lambda: evaluate(qtbot, preview, f"{logo}.naturalWidth") == 200, timeout=WAIT_MS)

    # Text edits keep the logos; an empty mapping goes back to the default branding.
    show(qtbot, preview, default_draft(browser_title="Still custom"))
    assert "data:image/svg+xml;base64," in preview.current_html()
    show(qtbot, preview, default_draft(browser_title="Default again"), {})
    assert "/branding/default/login.svg" in preview.current_html()
    assert "data:image" not in preview.current_html()


def test_a_page_too_big_for_set_html_is_still_shown(qtbot: QtBot, preview: PortalPreview) -> None:
    # A logo near the 2 MB limit makes a page Chromium would refuse as a data: URL.
    padding = b"<!--" + b"x" * 1_900_000 + b"-->"
    login = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
        + padding
        + b'<rect width="120" height="40" fill="#6a1b9a"/></svg>'
    )
    preview.set_page("login")
    show(qtbot, preview, default_draft(browser_title="Big logo"), {"login": login})
    assert len(preview.current_html()) > 2_000_000
    assert evaluate(qtbot, preview, "document.title") == "Sign in · Big logo"
    logo = "document.querySelector('.public-header__logo')"
    qtbot.waitUntil(lambda: evaluate(qtbot, preview, f"{logo}.naturalWidth") == 120, timeout=WAIT_MS)


def test_support_page_opens_the_support_panel(qtbot: QtBot, preview: PortalPreview) -> None:
    draft = default_draft()
    draft["support"].update({"phone": "+1 555 0100", "email": "help@example.com"})
    preview.set_page("support")
    show(qtbot, preview, draft)
    assert evaluate(qtbot, preview, "document.querySelector('details.support-menu').open") is True
    assert "help@example.com" in preview.current_html()
    assert preview.info_note.isHidden()

    # A profile with nothing to put in the panel has no support menu; the preview says so.
    draft["support"] = {"messaging": "", "phone": "", "email": "", "website": ""}
    show(qtbot, preview, draft)
    assert evaluate(qtbot, preview, "document.querySelectorAll('details.support-menu').length") == 0
    assert "no support menu" in preview.info_note.text()
    assert not preview.info_note.isHidden()


def test_links_and_forms_in_the_preview_go_nowhere(qtbot: QtBot, preview: PortalPreview) -> None:
    preview.set_page("login")
    show(qtbot, preview, default_draft())
    address = preview.view.url()
    with qtbot.assertNotEmitted(preview.rendered, wait=500):
        evaluate(qtbot, preview, "document.querySelector('form').submit(); true")
    with qtbot.assertNotEmitted(preview.rendered, wait=500):
        evaluate(qtbot, preview, "document.querySelector('.public-card__footer a').click(); true")
    assert preview.view.url() == address
    assert evaluate(qtbot, preview, "document.querySelector('h1').textContent") == "Sign in"


def test_the_preview_writes_amounts_and_dates_in_the_drafts_locale(
    qtbot: QtBot, preview: PortalPreview
) -> None:
    today = datetime.date.today()
    due = today + datetime.timedelta(days=preview_data.DAYS_UNTIL_DUE)
    show(qtbot, preview, default_draft())
    html = preview.current_html()
    assert '<span class="balance__amount">$86.40</span>' in html
    assert f'<time datetime="{due.isoformat()}">{format_date(due, "en-US")}</time>' in html
    assert '<span class="badge">Active</span>' in html

    show(qtbot, preview, default_draft(locale="de-DE", currency_symbol="€"))
    html = preview.current_html()
    assert '<span class="balance__amount">86,40\u00a0€</span>' in html
    assert f'lang="de-DE">{due.strftime("%d.%m.%Y")}</time>' in html
    shown = "document.querySelector('.balance__amount').textContent"
    assert evaluate(qtbot, preview, shown) == "86,40\u00a0€"


def test_unknown_pages_and_devices_are_refused(preview: PortalPreview) -> None:
    with pytest.raises(ValueError, match="the pages are login, home, support"):
        preview.set_page("billing")
    with pytest.raises(ValueError, match="the devices are phone, tablet, desktop"):
        preview.set_device("watch")


def _grab_when_drawn(qtbot: QtBot, preview: PortalPreview, drawn: Callable[[QImage], bool]) -> None:
    """Wait until the widget's grab shows the page and has stopped changing.

    Offscreen, Chromium hands frames to the widget a little after the page is ready, so the
    page must be recognisable in the grab and the grab the same a moment later.
    """
    previous = QImage()
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        qtbot.wait(120)
        image = preview.grab().toImage()
        if image == previous and drawn(image):
            return
        previous = image
    raise AssertionError("the preview was not drawn in time")


def _colour_at(preview: PortalPreview, x: int, y: int) -> Callable[[QImage], str]:
    """Return a reader of the colour at view coordinates (x, y) in a grab of the preview."""
    origin = preview.view.mapTo(preview, preview.view.rect().topLeft())
    return lambda image: image.pixelColor(origin.x() + x, origin.y() + y).name()


def test_screenshots_of_the_preview(
    qtbot: QtBot, console_theme: QApplication, preview: PortalPreview
) -> None:
    top_bar_colour = "#0b3d2e"
    draft = default_draft(browser_title="Acme Fibre", top_bar_color=top_bar_colour)
    draft["support"].update({"phone": "+1 555 0100", "email": "help@acme.example"})
    draft["helpful_links"] = [{"text": "Service status", "url": "https://status.acme.example"}]
    show(qtbot, preview, draft)
    # Left of the logo, inside the top bar.
    in_top_bar = _colour_at(preview, 8, 60)
    _grab_when_drawn(qtbot, preview, lambda image: in_top_bar(image) == top_bar_colour)
    path = qt_env.save_screenshot(preview, "console-preview-home.png")
    assert path.stat().st_size > 10_000

    switch_page(qtbot, preview, "login")
    # The sign-in page has no top bar: the same point is the page's light background.
    _grab_when_drawn(qtbot, preview, lambda image: in_top_bar(image) not in (top_bar_colour, "#000000"))
    path = qt_env.save_screenshot(preview, "console-preview-login.png")
    assert path.stat().st_size > 10_000

    preview.set_device("phone")
    switch_page(qtbot, preview, "support")
    in_top_bar = _colour_at(preview, 8, 8)
    _grab_when_drawn(qtbot, preview, lambda image: in_top_bar(image) == top_bar_colour)
    qt_env.save_screenshot(preview, "console-preview-support-phone.png")
