"""Browser journeys against a real portal-server process, a real SMTP catcher and Chromium.

One server (with demo data) and one browser serve the whole run; every test gets a fresh
browser context, so no cookie carries over from one test to the next.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.e2e.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    SCREENSHOTS,
    Inbox,
    InboxHandler,
    RunningPortal,
    Viewport,
    free_port,
    load_demo_data,
    start_portal,
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests after every other test.

    Playwright's sync API keeps its event loop registered as running on the main thread from
    the moment it starts until the session ends, and asyncio.run() and async tests refuse to
    start while it is. Running these tests last keeps the rest of the suite out of its way.
    """
    here = Path(__file__).parent
    browser_tests = [item for item in items if here in item.path.parents]
    if browser_tests:
        items[:] = [item for item in items if here not in item.path.parents] + browser_tests


@pytest.fixture(scope="session")
def inbox() -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1 that keeps every message it receives."""
    caught = Inbox()
    controller = Controller(
        InboxHandler(caught),
        hostname="127.0.0.1",
        port=free_port(),
        ready_timeout=10,
    )
    controller.start()
    caught.port = controller.port
    yield caught
    controller.stop()


@pytest.fixture(scope="session")
def e2e_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding a SQLite database with the demo data loaded."""
    data_dir = tmp_path_factory.mktemp("e2e-portal")
    load_demo_data(data_dir)
    return data_dir


@pytest.fixture(scope="session")
def portal(e2e_data: Path, inbox: Inbox) -> Iterator[RunningPortal]:
    """The portal under test: preview licence (PORTAL_LICENSE unset), mail to the catcher."""
    running = start_portal(e2e_data, SMTP_URL=f"smtp://127.0.0.1:{inbox.port}")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def licensed_portal(
    e2e_data: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningPortal]:
    """A second server with PORTAL_LICENSE=standard, on a copy of the demo database."""
    data_dir = tmp_path_factory.mktemp("e2e-portal-standard")
    for name in ("portal.db", "demo-credentials.json"):
        shutil.copy2(e2e_data / name, data_dir / name)
    running = start_portal(data_dir, PORTAL_LICENSE="standard")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    """The Playwright driver for the whole run."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by every test."""
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def viewport(request: pytest.FixtureRequest) -> Viewport:
    """The window size of the test: the desktop size unless the test is run at every width."""
    return getattr(request, "param", DESKTOP)


@pytest.fixture
def page(browser: Browser, viewport: Viewport, portal: RunningPortal) -> Iterator[Page]:
    """A tab in a fresh browser context (no cookies) at the test's window size."""
    context = browser.new_context(viewport=viewport.size, base_url=portal.base_url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, viewport: Viewport) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot as test-artifacts/screenshots/<test>-<step>-<width>.png."""
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.originalname)

    def take(page: Page, step: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{test_name}-{step}-{viewport.width}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
