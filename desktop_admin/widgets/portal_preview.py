"""The live preview of the profile editor: the real portal pages, drawn offline from a draft.

The pages come from ``common.render.render_page``, the function the portal itself renders with,
over the same templates, CSS, fonts and default branding (loaded from ``resources/`` as local
files), so what the administrator sees is what subscribers will get. Only the subscriber is made
up (``desktop_admin.preview_data``); its amounts and dates are written in the draft's locale, as
the portal writes them. Custom logos are shown from the bytes the editor holds, as
``data:`` URLs; nothing is fetched from a server or the internet.

Edits arrive with every keystroke; they are gathered for ``DEBOUNCE_MS`` and drawn once. A draft
that does not validate leaves the last good page on screen, with a note saying what is wrong.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# Chromium refuses to start its sandbox as root; the console run as root (a container, a kiosk)
# would show an empty pane instead of the preview.
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

# isort: split
import qtawesome
from PySide6.QtCore import QPointF, QSize, Qt, QTemporaryDir, QTimer, QUrl, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from common.profile import READ_ONLY_FIELDS, LogoSlot, ProfileContent
from common.render import PortalLinks, render_page
from common.resources import RESOURCES_DIR
from common.validation import FieldErrors, parse
from desktop_admin import preview_data
from desktop_admin.bundle import logo_content_type

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150
MIN_ZOOM = 0.25

# Device name -> CSS width in px the page is laid out at, and how the switch names it.
DEVICE_WIDTHS: dict[str, int] = {"phone": 375, "tablet": 768, "desktop": 1280}
DEVICE_LABELS: dict[str, str] = {"phone": "Phone", "tablet": "Tablet", "desktop": "Desktop"}
_DEVICE_ICONS = {
    "phone": "fa6s.mobile-screen",
    "tablet": "fa6s.tablet-screen-button",
    "desktop": "fa6s.desktop",
}

# Page name -> template, and how the switch names it. "support" is the home page with the
# "Need help? Contact support" panel opened, as a subscriber sees it after clicking it.
PAGE_TEMPLATES: dict[str, str] = {"login": "login.html", "home": "home.html", "support": "home.html"}
PAGE_LABELS: dict[str, str] = {"login": "Sign-in page", "home": "Home", "support": "Support menu"}

STATIC_DIR = RESOURCES_DIR / "static"
DEFAULT_BRANDING_DIR = RESOURCES_DIR / "branding" / "default"

# Links in the preview go nowhere: the pages are pictures of the portal, not a second portal.
_INERT_HREF = "#"
# setHtml() passes the page as a data: URL, which Chromium caps at 2 MB; bigger pages (large
# logos inlined) are written to a temporary file and loaded from there.
_SET_HTML_LIMIT = 1_500_000

_WARN_TEXT = "#7a4800"
_WARN_BACKGROUND = "#fff4df"
_STAGE_BACKGROUND = "#e4e7ec"

_AFTER_LOAD_SCRIPT = """
(function () {
  var opened = null;
  if (%(open_support)s) {
    var panel = document.querySelector("details.support-menu");
    opened = !!panel;
    if (panel) { panel.open = true; }
  }
  if (!window.__previewLinksInert) {
    window.__previewLinksInert = true;
    // Links in a picture of the portal go nowhere, not even to the top of the page.
    document.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a[href]")) { event.preventDefault(); }
    }, true);
  }
  window.scrollTo(%(x)d, %(y)d);
  return opened;
})();
"""


# The load event can come before web fonts and images are drawn; a page counts as drawn once
# they are in. Polled, because runJavaScript cannot wait for a promise.
_READY_SCRIPT = """
document.fonts.status === "loaded" &&
  Array.prototype.every.call(document.images, function (img) { return img.complete; })
"""
_READY_POLL_MS = 25
_READY_POLLS = 40


def file_url(path: Path) -> str:
    """Return the file:// URL of a local path."""
    return QUrl.fromLocalFile(str(path)).toString()


def logo_data_url(data: bytes) -> str | None:
    """Return a data: URL showing an image's bytes, or None when they are not a logo image."""
    content_type = logo_content_type(data)
    if content_type is None:
        return None
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def preview_links(logos: Mapping[str, bytes] | None = None) -> PortalLinks:
    """Return the links a preview page is drawn with: local static files, inert page links."""
    urls = {}
    for slot in LogoSlot:
        data = (logos or {}).get(slot.value)
        custom = logo_data_url(data) if data else None
        urls[slot.value] = custom or file_url(DEFAULT_BRANDING_DIR / f"{slot.value}.svg")
    return PortalLinks(
        static=file_url(STATIC_DIR),
        home=_INERT_HREF,
        login=_INERT_HREF,
        logout=_INERT_HREF,
        register=_INERT_HREF,
        forgot_password=_INERT_HREF,
        logos=urls,
        pages=dict.fromkeys(preview_data.PREVIEW_PAGE_KEYS, _INERT_HREF),
    )


def render_preview_page(
    page: str,
    profile: ProfileContent,
    logos: Mapping[str, bytes] | None = None,
    *,
    license: str | None = preview_data.PREVIEW_LICENSE,
) -> str:
    """Return the HTML of a preview page ("login", "home" or "support") for a profile."""
    links = preview_links(logos)
    if page == "login":
        values = preview_data.login_values(profile, action=_INERT_HREF)
        return render_page("login.html", profile, links, license=license, **values)
    if page in ("home", "support"):
        values = preview_data.home_values()
        return render_page("home.html", profile, links, license=license, current="account_summary", **values)
    raise ValueError(f"unknown preview page {page!r}; the pages are {', '.join(PAGE_TEMPLATES)}")


def validate_draft(content: Mapping[str, Any] | ProfileContent) -> ProfileContent:
    """Return a draft as a profile, or raise FieldErrors; the server's read-only fields are ignored."""
    if isinstance(content, ProfileContent):
        return content
    data = {key: value for key, value in content.items() if key not in READ_ONLY_FIELDS}
    return parse(ProfileContent, data)


class _PreviewPage(QWebEnginePage):
    """A page that stays put: links, forms and history do not navigate away from the preview."""

    _BLOCKED = (
        QWebEnginePage.NavigationType.NavigationTypeLinkClicked,
        QWebEnginePage.NavigationType.NavigationTypeFormSubmitted,
        QWebEnginePage.NavigationType.NavigationTypeBackForward,
        QWebEnginePage.NavigationType.NavigationTypeRedirect,
    )

    def acceptNavigationRequest(
        self, url: QUrl | str, navigation_type: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        """Allow only the pages the preview loads itself."""
        if navigation_type in self._BLOCKED:
            return False
        scheme = QUrl(url).scheme() if isinstance(url, str) else url.scheme()
        return scheme in ("data", "file", "about")

    def javaScriptConsoleMessage(
        self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str, line: int, source: str
    ) -> None:
        """Send the page's console to the log rather than to stderr."""
        log.debug("preview page console (%s:%s): %s", source, line, message)


class _Stage(QWidget):
    """The grey area the device-width page sits in; tells the preview when its size changes."""

    def __init__(self, preview: PortalPreview) -> None:
        super().__init__(preview)
        self._preview = preview
        self.setObjectName("previewStage")
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), _STAGE_BACKGROUND)
        self.setPalette(palette)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 200)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the page to the new size."""
        super().resizeEvent(event)
        self._preview._fit()


class PortalPreview(QWidget):
    """The portal pages of a draft profile, on a phone, a tablet or a desktop screen.

    ``show_profile(content, logos)`` with every change; the page is redrawn ``DEBOUNCE_MS`` after
    the last one and ``rendered`` is emitted once it is on screen. ``paused`` carries the note
    shown when a draft does not validate (the last good page stays).
    """

    rendered = Signal()
    paused = Signal(str)
    pageChanged = Signal(str)
    deviceChanged = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        page: str = "home",
        device: str = "desktop",
        license: str | None = preview_data.PREVIEW_LICENSE,
    ) -> None:
        super().__init__(parent)
        self._check_page(page)
        self._check_device(device)
        self._page = page
        self._device = device
        self._license = license
        self._draft: Mapping[str, Any] | ProfileContent | None = None
        self._logos: dict[str, bytes] = {}
        self._profile: ProfileContent | None = None
        self._drawn_logos: dict[str, bytes] = {}
        self._html = ""
        self._shown_page: str | None = None
        self._loading_page: str | None = None
        self._generation = 0
        self._scroll = QPointF(0, 0)
        self._zoom = 1.0
        self._large_pages: QTemporaryDir | None = None

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(self._build_toolbar())

        self.stage = _Stage(self)
        self.view = QWebEngineView(self.stage)
        self.view.setObjectName("portalPreviewView")
        self.view.setAccessibleName("Portal preview")
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.view.setPage(_PreviewPage(self.view))
        settings = self.view.page().settings()
        # A phone has no scroll bars taking width from the page; the page scrolls with the wheel.
        settings.setAttribute(QWebEngineSettings.WebAttribute.ShowScrollBars, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.ErrorPageEnabled, False)
        self.view.loadFinished.connect(self._load_finished)
        layout.addWidget(self.stage, 1)

        self.paused_note = self._note("previewPausedNote")
        self.info_note = self._note("previewInfoNote")
        for note in (self.paused_note, self.info_note):
            layout.addWidget(note)
        self._sync_switches()
        self._fit()

    # --- public API --------------------------------------------------------------------------

    def show_profile(
        self, content: Mapping[str, Any] | ProfileContent, logos: Mapping[str, bytes] | None = None
    ) -> None:
        """Draw a draft profile (a content dict as the editor holds it) shortly after the last change.

        ``logos`` maps slot names (login, top_bar, favicon) to custom image bytes; a slot left
        out shows the default branding's logo. ``None`` keeps the logos given before, so an edit
        of a text field need not pass them again; ``{}`` goes back to the default logos.
        """
        self._draft = content
        if logos is not None:
            self._logos = {str(slot): bytes(data) for slot, data in logos.items() if data}
        self._timer.start()

    def set_logos(self, logos: Mapping[str, bytes]) -> None:
        """Show these custom logos (slot -> bytes) from the next drawing on."""
        self._logos = {str(slot): bytes(data) for slot, data in logos.items() if data}
        if self._draft is not None:
            self._timer.start()

    def refresh(self) -> None:
        """Draw the current draft now, without waiting for the debounce."""
        self._timer.stop()
        if self._draft is None:
            return
        try:
            profile = validate_draft(self._draft)
        except FieldErrors as exc:
            name, reason = next(iter(exc.fields.items()))
            self._pause(f"{name} {reason}")
            if self._profile is not None and self._page != self._loading_page:
                # Another page was asked for: show it as the last good draft draws it.
                self._draw(self._profile, self._drawn_logos)
            return
        if self._draw(profile, self._logos):
            self._resume()

    def _draw(self, profile: ProfileContent, logos: dict[str, bytes]) -> bool:
        """Render a page of a valid profile and load it; False (and a note) when it cannot be drawn."""
        try:
            html = render_preview_page(self._page, profile, logos, license=self._license)
        except Exception as exc:
            # A template that cannot draw this draft must not take the editor down with it.
            log.exception("the preview could not draw the %s page", self._page)
            self._pause(f"the page could not be drawn ({exc})")
            return False
        self._profile = profile
        self._drawn_logos = dict(logos)
        self._load(html)
        return True

    def set_page(self, name: str) -> None:
        """Show another page: "login", "home" or "support"."""
        self._check_page(name)
        if name == self._page:
            return
        self._page = name
        self._sync_switches()
        self.pageChanged.emit(name)
        self.refresh()

    def set_device(self, name: str) -> None:
        """Lay the page out at a device's width: "phone" (375 px), "tablet" (768) or "desktop" (1280)."""
        self._check_device(name)
        if name == self._device:
            return
        self._device = name
        self._sync_switches()
        self._fit()
        self.deviceChanged.emit(name)

    def page_name(self) -> str:
        """Return the page shown: "login", "home" or "support"."""
        return self._page

    def device(self) -> str:
        """Return the device the page is laid out for."""
        return self._device

    def device_width(self) -> int:
        """Return the CSS width in px the page is laid out at."""
        return DEVICE_WIDTHS[self._device]

    def zoom(self) -> float:
        """Return the scale the page is shown at (1.0 unless the pane is narrower than the device)."""
        return self._zoom

    def current_html(self) -> str:
        """Return the HTML of the page on screen (the last good drawing)."""
        return self._html

    def current_profile(self) -> ProfileContent | None:
        """Return the profile the page on screen was drawn from."""
        return self._profile

    def is_paused(self) -> bool:
        """Tell whether the draft did not validate and an older drawing is on screen."""
        return not self.paused_note.isHidden()

    def sizeHint(self) -> QSize:
        """Room for a phone-sized page with its toolbar."""
        return QSize(480, 640)

    # --- building ------------------------------------------------------------------------------

    def _build_toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(4)
        self._page_buttons = QButtonGroup(self)
        self._page_buttons.setExclusive(True)
        for name, label in PAGE_LABELS.items():
            button = QToolButton(self)
            button.setObjectName(f"previewPage_{name}")
            button.setText(label)
            button.setCheckable(True)
            button.setToolTip(f"Preview the {label.lower()}")
            button.clicked.connect(lambda _checked=False, page=name: self.set_page(page))
            self._page_buttons.addButton(button)
            bar.addWidget(button)
        bar.addStretch(1)
        self.size_label = QLabel(self)
        self.size_label.setObjectName("previewSizeLabel")
        bar.addWidget(self.size_label)
        self._device_buttons = QButtonGroup(self)
        self._device_buttons.setExclusive(True)
        for name, width in DEVICE_WIDTHS.items():
            button = QToolButton(self)
            button.setObjectName(f"previewDevice_{name}")
            button.setIcon(qtawesome.icon(_DEVICE_ICONS[name], color="#1d2433", color_on="#2f6fed"))
            button.setIconSize(QSize(16, 16))
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolTip(f"{DEVICE_LABELS[name]} ({width} px wide)")
            button.setAccessibleName(f"Preview on a {DEVICE_LABELS[name].lower()}")
            button.clicked.connect(lambda _checked=False, device=name: self.set_device(device))
            self._device_buttons.addButton(button)
            bar.addWidget(button)
        return bar

    def _note(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setStyleSheet(
            f"QLabel#{name} {{ color: {_WARN_TEXT}; background: {_WARN_BACKGROUND}; "
            "border-radius: 4px; padding: 4px 8px; }"
        )
        label.setVisible(False)
        return label

    def _sync_switches(self) -> None:
        for button in self._page_buttons.buttons():
            button.setChecked(button.objectName() == f"previewPage_{self._page}")
        for button in self._device_buttons.buttons():
            button.setChecked(button.objectName() == f"previewDevice_{self._device}")

    @staticmethod
    def _check_page(name: str) -> None:
        if name not in PAGE_TEMPLATES:
            raise ValueError(f"unknown preview page {name!r}; the pages are {', '.join(PAGE_TEMPLATES)}")

    @staticmethod
    def _check_device(name: str) -> None:
        if name not in DEVICE_WIDTHS:
            raise ValueError(f"unknown device {name!r}; the devices are {', '.join(DEVICE_WIDTHS)}")

    # --- drawing -------------------------------------------------------------------------------

    def _fit(self) -> None:
        """Size the view to the device width, scaled down when the pane is narrower."""
        width = DEVICE_WIDTHS[self._device]
        available = max(1, self.stage.width())
        self._zoom = max(MIN_ZOOM, min(1.0, available / width))
        shown_width = min(available, round(width * self._zoom))
        self.view.setGeometry((available - shown_width) // 2, 0, shown_width, self.stage.height())
        self.view.setZoomFactor(self._zoom)
        percent = f" · shown at {round(self._zoom * 100)}%" if self._zoom < 1 else ""
        self.size_label.setText(f"{DEVICE_LABELS[self._device]} · {width} px{percent}")

    def _load(self, html: str) -> None:
        self._generation += 1
        self._html = html
        if self._shown_page == self._page:
            self._scroll = self.view.page().scrollPosition()
        else:
            self._scroll = QPointF(0, 0)
        self._loading_page = self._page
        if len(html) <= _SET_HTML_LIMIT:
            # Relative URLs (none today) would resolve in resources/, as on the server's root.
            self.view.setHtml(html, QUrl.fromLocalFile(f"{RESOURCES_DIR}/"))
            return
        if self._large_pages is None:
            self._large_pages = QTemporaryDir()
        folder = Path(self._large_pages.path())
        for old in folder.glob("preview-*.html"):
            old.unlink(missing_ok=True)
        path = folder / f"preview-{self._generation}.html"
        path.write_text(html, encoding="utf-8")
        self.view.load(QUrl.fromLocalFile(str(path)))

    def _load_finished(self, ok: bool) -> None:
        if not ok:
            return  # replaced by a newer drawing before it finished
        generation = self._generation
        # Chromium keeps zoom per site; a new document may come up at another scale.
        self.view.setZoomFactor(self._zoom)
        script = _AFTER_LOAD_SCRIPT % {
            "open_support": "true" if self._loading_page == "support" else "false",
            "x": round(self._scroll.x()),
            "y": round(self._scroll.y()),
        }
        self.view.page().runJavaScript(script, 0, lambda result: self._after_load(generation, result))

    def _after_load(self, generation: int, support_opened: Any) -> None:
        if generation != self._generation:
            return
        self._shown_page = self._loading_page
        if support_opened is False:
            self._set_note(
                self.info_note,
                "This profile shows no support menu: add a support message, contact details "
                "or helpful links for it to appear.",
            )
        else:
            self._set_note(self.info_note, "")
        self._wait_until_ready(generation, _READY_POLLS)

    def _wait_until_ready(self, generation: int, polls_left: int) -> None:
        """Emit ``rendered`` once the page's fonts and images are in, or after about a second."""
        if generation != self._generation:
            return

        def answered(ready: Any) -> None:
            if generation != self._generation:
                return
            if ready is True or polls_left <= 0:
                self.rendered.emit()
            else:
                QTimer.singleShot(_READY_POLL_MS, lambda: self._wait_until_ready(generation, polls_left - 1))

        self.view.page().runJavaScript(_READY_SCRIPT, 0, answered)

    def _pause(self, reason: str) -> None:
        message = f"Preview paused: {reason}"
        self._set_note(self.paused_note, message)
        self.paused.emit(message)

    def _resume(self) -> None:
        self._set_note(self.paused_note, "")

    @staticmethod
    def _set_note(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setAccessibleName(text)
        label.setVisible(bool(text))
