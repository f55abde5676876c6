"""Helpers for the browser journeys: viewports, the mail catcher, the server, page checks."""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")

SIGN_IN_REFUSED = "The email, username or password is not right, or the account is locked."
PREVIEW_BANNER = "Preview version"
DEFAULT_TITLE = "Customer Portal"
RETAIL_EAST_TITLE = "Eastern Broadband — My Account"
RETAIL_EAST_TOP_BAR = "#0f4c81"

LINK = re.compile(r"https?://[^\s\"<>]+/(verify|reset-password|invite)/([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Viewport:
    """A browser window size the pages must work at."""

    width: int
    height: int

    @property
    def size(self) -> dict[str, int]:
        """Return the size as Playwright takes it."""
        return {"width": self.width, "height": self.height}


PHONE = Viewport(375, 800)
TABLET = Viewport(768, 1024)
DESKTOP = Viewport(1280, 900)
VIEWPORTS = (PHONE, TABLET, DESKTOP)

# Apply to a test to run it once per width; the `page` fixture opens at that size.
at_every_width = pytest.mark.parametrize(
    "viewport",
    VIEWPORTS,
    indirect=True,
    ids=lambda v: str(v.width),
)


def width_index(viewport: Viewport) -> int:
    """Return 0, 1 or 2 for the phone, tablet or desktop width."""
    return VIEWPORTS.index(viewport)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- mail -------------------------------------------------------------------------------------


def text_of(message: Message) -> str:
    """Return the plain-text part of a mail."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload.decode(part.get_content_charset() or "utf-8")
    return ""


def link_in(message: Message) -> tuple[str, str]:
    """Return (kind, full URL) of the one-time link in a mail."""
    match = LINK.search(text_of(message))
    assert match, f"no one-time link in the mail:\n{text_of(message)}"
    return match.group(1), match.group(0)


@dataclass
class Inbox:
    """Mail the SMTP catcher received, for tests to wait on."""

    port: int = 0
    messages: list[Message] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, raw: bytes) -> None:
        """Keep one received message (called from the SMTP thread)."""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)

    def wait_for(
        self,
        *,
        to: str,
        timeout: float = 10.0,
        subject_contains: str | None = None,
    ) -> Message:
        """Return the oldest unclaimed mail to this address, polling until `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                for index, message in enumerate(self.messages):
                    if index in self.claimed or to.lower() not in str(message["To"]).lower():
                        continue
                    subject = str(message["Subject"] or "")
                    if subject_contains and subject_contains.lower() not in subject.lower():
                        continue
                    self.claimed.add(index)
                    return message
                seen = [f"{m['To']}: {m['Subject']}" for m in self.messages]
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no mail to {to} within {timeout} s; the catcher holds: {seen or 'nothing'}"
                )
            time.sleep(0.05)


class InboxHandler:
    """aiosmtpd handler that puts every message into an Inbox."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Accept the message."""
        content = envelope.original_content or envelope.content
        self.inbox.deliver(content if isinstance(content, bytes) else content.encode())
        return "250 Message accepted for delivery"


# --- the server under test --------------------------------------------------------------------


def portal_server_command() -> list[str]:
    """Return the command that runs the portal-server entry point of this environment."""
    script = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "portal-server"
    if not script.exists():
        script = ROOT / ".venv" / "bin" / "portal-server"
    return [str(script)]


def server_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """Return the environment for portal-server with its own data dir and SQLite database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PORTAL_LICENSE", "SMTP_URL", "PORTAL_SECRET_KEY", "TEST_DATABASE_URL")
    }
    env.update(
        PORTAL_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite://{data_dir / 'portal.db'}",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass(frozen=True)
class DemoLogin:
    """A subscriber login created by `portal-server demo-data`."""

    email: str
    account: str
    market: str
    password: str


@dataclass(frozen=True)
class DemoAccount:
    """A billing account from the demo data, as the registration form needs it."""

    number: str
    holder_name: str
    last_name: str
    postal_code: str
    market: str
    balance: Decimal

    def balance_text(self) -> str:
        """Return the balance as the home page shows it, with the market's profile currency."""
        # Every demo market's profile, the default one too, writes US amounts with "$".
        return f"${abs(self.balance):,.2f}"


@dataclass
class RunningPortal:
    """A portal-server process serving a data directory."""

    base_url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    def url(self, path: str) -> str:
        """Return the absolute URL of a path on this server."""
        return f"{self.base_url}{path}"

    def log_tail(self, lines: int = 40) -> str:
        """Return the end of the server's output, for failure messages."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def demo_logins(self) -> list[DemoLogin]:
        """Return the subscriber logins demo-data printed, by account number."""
        stored = json.loads((self.data_dir / "demo-credentials.json").read_text())
        logins = [
            DemoLogin(email, entry["account"], entry["market"], entry["password"])
            for email, entry in stored["_subscribers"].items()
        ]
        return sorted(logins, key=lambda login: login.account)

    def demo_login(self, account: str) -> DemoLogin:
        """Return the demo login of one account number."""
        for login in self.demo_logins():
            if login.account == account:
                return login
        raise AssertionError(f"demo-data made no login for account {account}")

    def account(self, number: str) -> DemoAccount:
        """Read a billing account straight from the server's SQLite database."""
        with sqlite3.connect(self.data_dir / "portal.db") as db:
            row = db.execute(
                "SELECT number, holder_name, last_name, postal_code, market, CAST(balance AS TEXT) "
                "FROM account WHERE number = ?",
                (number,),
            ).fetchone()
        assert row, f"account {number} is not in the demo data"
        return DemoAccount(*row[:5], balance=Decimal(row[5]))

    def stop(self) -> None:
        """Terminate the server, and kill it when it does not stop in time."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def load_demo_data(data_dir: Path) -> None:
    """Run `portal-server demo-data` (the base demo) against a data directory."""
    done = subprocess.run(
        [*portal_server_command(), "demo-data"],
        env=server_environment(data_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"demo-data failed:\n{done.stdout}\n{done.stderr}"


def start_portal(data_dir: Path, *, timeout: float = 30.0, **env: str) -> RunningPortal:
    """Start `portal-server serve` on a free port and wait until /healthz answers 200."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = data_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*portal_server_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=server_environment(data_dir, PORTAL_BASE_URL=base_url, **env),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    portal = RunningPortal(base_url, data_dir, process, log_path)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"portal-server exited with {process.returncode}:\n{portal.log_tail()}",
            )
        try:
            with urllib.request.urlopen(portal.url("/healthz"), timeout=2) as answer:
                if answer.status == 200:
                    return portal
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() >= deadline:
            portal.stop()
            raise RuntimeError(
                f"portal-server gave no 200 on /healthz within {timeout} s:\n{portal.log_tail()}"
            )
        time.sleep(0.1)


# --- page checks ------------------------------------------------------------------------------


def prepare_axe(page: Page) -> None:
    """Load axe-core into every page the tab opens from now on.

    The portal's Content-Security-Policy (script-src 'self') refuses the inline <script> that
    `page.add_script_tag` writes, so the script goes in as an init script: the browser runs it
    before the page's own scripts without relaxing the policy for the page.
    """
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: run `npm ci` at the repository root"
    page.context.add_init_script(path=str(AXE_SCRIPT))


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page for WCAG 2.0/2.1/2.2 A and AA and return its violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Pages without a policy against inline scripts take the script tag directly.
        assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: run `npm ci` at the repository root"
        page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return list(result["violations"])


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """Return one readable block per violation: id, impact, help and the elements involved."""
    blocks = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        blocks.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    {violation['helpUrl']}\n" + "\n".join(f"    at {target}" for target in targets)
        )
    return "\n".join(blocks)


def assert_no_serious_violations(page: Page, where: str) -> None:
    """Fail with the details when axe finds a serious or critical problem."""
    blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe found {len(blocking)} serious or critical problem(s) on {where} "
        f"({page.url}):\n{describe_violations(blocking)}"
    )


def horizontal_overflow(page: Page) -> dict[str, Any]:
    """Return the page and window widths, and the elements that stick out to the right."""
    return page.evaluate(
        """() => {
            const limit = window.innerWidth;
            const wide = [];
            for (const el of document.querySelectorAll('body *')) {
                const box = el.getBoundingClientRect();
                if (box.width > 0 && box.right > limit + 0.5) {
                    const name = el.tagName.toLowerCase()
                        + (el.id ? '#' + el.id : '')
                        + (el.classList.length ? '.' + [...el.classList].join('.') : '');
                    wide.push(`${name} (right edge ${Math.round(box.right)}px)`);
                }
            }
            return {
                scrollWidth: document.documentElement.scrollWidth,
                innerWidth: limit,
                wide: wide.slice(0, 15),
            };
        }"""
    )


def focus_name(page: Page) -> str:
    """Describe the focused element: its id, else its tag and text."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return 'body';
            if (el.id) return '#' + el.id;
            const text = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ');
            return el.tagName.toLowerCase() + ':' + text.slice(0, 40);
        }"""
    )


def tab_until(page: Page, matches: Callable[[str], bool], limit: int = 40) -> list[str]:
    """Press Tab until the focused element matches; return every focus stop on the way."""
    stops: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(focus_name(page))
        if matches(stops[-1]):
            return stops
    raise AssertionError(f"Tab never reached the element after {limit} presses: {stops}")
