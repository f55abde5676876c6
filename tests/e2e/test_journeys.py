"""Subscriber journeys in Chromium at phone, tablet and desktop widths.

Accounts from `portal-server demo-data` (the base demo), one job each so tests never trip over
one another: 100001 signs in wherever a test needs the home page; 100002-100004 reset their
passwords (one per width); 100005, 100008 and 100009 register (one per width, so the home page is
seen in the Retail East and default profiles); 100007 belongs to Business West, which takes no
online registration; 100006 registers and is then locked out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import (
    DEFAULT_TITLE,
    PREVIEW_BANNER,
    RETAIL_EAST_TITLE,
    RETAIL_EAST_TOP_BAR,
    SIGN_IN_REFUSED,
    DemoAccount,
    Inbox,
    RunningPortal,
    Viewport,
    assert_no_serious_violations,
    at_every_width,
    focus_name,
    horizontal_overflow,
    link_in,
    prepare_axe,
    tab_until,
    width_index,
)

pytestmark = pytest.mark.e2e

Screenshot = Callable[[Page, str], Path]

HOME_USER = "100001"
RESET_ACCOUNTS = ("100002", "100003", "100004")
REGISTER_ACCOUNTS = ("100005", "100008", "100009")
CLOSED_ACCOUNT = "100007"
LOCKOUT_ACCOUNT = "100006"
PAGES = ("login", "register", "home")


# --- steps ------------------------------------------------------------------------------------


def main_form(page: Page):
    """Return the page's main form (the one inside <main>)."""
    return page.locator("main form").first


def submit(page: Page) -> None:
    """Send the main form with its submit button and wait for the next page."""
    with page.expect_navigation():
        main_form(page).locator("button[type=submit]").click()


def fill_login(page: Page, identifier: str, password: str) -> None:
    """Type the credentials into the sign-in form."""
    form = main_form(page)
    form.locator('[name="identifier"]').fill(identifier)
    form.locator('[name="password"]').fill(password)


def sign_in(page: Page, portal: RunningPortal, identifier: str, password: str) -> None:
    """Sign in through the login page and land on the home page."""
    page.goto(portal.url("/login"))
    fill_login(page, identifier, password)
    submit(page)
    expect(page).to_have_url(portal.url("/"))


def register(
    page: Page,
    portal: RunningPortal,
    inbox: Inbox,
    account: DemoAccount,
    screenshot: Screenshot | None = None,
) -> tuple[str, str]:
    """Register a login for an account, open the verification link; return (email, password)."""
    email = f"subscriber.{account.number}@example.net"
    password = f"journey pass {account.number}"
    page.goto(portal.url("/login"))
    page.get_by_role("link", name="Register").click()
    expect(page).to_have_url(re.compile(r"/register$"))
    form = main_form(page)
    form.locator('[name="account_number"]').fill(account.number)
    form.locator('[name="last_name"]').fill(account.last_name)
    form.locator('[name="email"]').fill(email)
    form.locator('[name="password"]').fill(password)
    form.locator('[name="password_confirm"]').fill(password)
    if screenshot:
        screenshot(page, "register")
    submit(page)
    expect(page.locator("main")).to_contain_text(email)

    mail = inbox.wait_for(to=email, timeout=15)
    kind, link = link_in(mail)
    assert kind == "verify", f"the registration mail links to /{kind}/"
    assert link.startswith(portal.base_url), f"the link does not point at the server: {link}"
    # Opening the link only shows a button (mail scanners open links too); pressing it verifies.
    page.goto(link)
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    if screenshot:
        screenshot(page, "verify-confirm")
    submit(page)
    expect(page).to_have_url(re.compile(r"/login\?done=verified(&loginProfile=[^&]+)?$"))
    expect(page.get_by_role("status").filter(has_text="verified")).to_be_visible()
    return email, password


def sign_out(page: Page, portal: RunningPortal) -> None:
    """Open the account menu and press Sign out."""
    page.locator("summary.account-menu__toggle").click()
    sign_out_button = page.get_by_role("button", name="Sign out")
    expect(sign_out_button).to_be_visible()
    with page.expect_navigation():
        sign_out_button.click()


def open_page(page: Page, portal: RunningPortal, name: str) -> None:
    """Show the login, registration or (signed in as the home user) home page."""
    if name == "home":
        login = portal.demo_login(HOME_USER)
        sign_in(page, portal, login.email, login.password)
    else:
        page.goto(portal.url(f"/{name}"))
        expect(page.locator("main form")).to_be_visible()


# --- journeys ---------------------------------------------------------------------------------


@at_every_width
def test_register_verify_sign_in_and_out(
    page: Page,
    viewport: Viewport,
    portal: RunningPortal,
    inbox: Inbox,
    screenshot: Screenshot,
) -> None:
    account = portal.account(REGISTER_ACCOUNTS[width_index(viewport)])
    page.goto(portal.url("/login"))
    screenshot(page, "login")

    email, password = register(page, portal, inbox, account, screenshot)

    fill_login(page, email, password)
    submit(page)
    expect(page).to_have_url(portal.url("/"))
    screenshot(page, "home")
    main = page.locator("main")
    expect(main).to_contain_text(account.holder_name)
    expect(main).to_contain_text(account.number)
    expect(main).to_contain_text(account.balance_text())

    sign_out(page, portal)
    expect(page).to_have_url(re.compile(r"/login\?done=signed-out$"))
    expect(page.locator("main form [name=identifier]")).to_be_visible()
    page.goto(portal.url("/"))
    expect(page).to_have_url(portal.url("/login"))


@at_every_width
def test_forgotten_password_is_reset_by_mail(
    page: Page,
    viewport: Viewport,
    portal: RunningPortal,
    inbox: Inbox,
    screenshot: Screenshot,
) -> None:
    login = portal.demo_login(RESET_ACCOUNTS[width_index(viewport)])
    page.goto(portal.url("/login"))
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url(re.compile(r"/forgot-password$"))
    main_form(page).locator('[name="email"]').fill(login.email)
    screenshot(page, "forgot")
    submit(page)
    expect(page.locator("main")).to_contain_text(login.email)

    kind, link = link_in(inbox.wait_for(to=login.email, timeout=15))
    assert kind == "reset-password", f"the reset mail links to /{kind}/"
    page.goto(link)
    new_password = f"brand new secret {login.account}"
    form = main_form(page)
    form.locator('[name="password"]').fill(new_password)
    form.locator('[name="password_confirm"]').fill(new_password)
    screenshot(page, "reset")
    submit(page)
    expect(page).to_have_url(re.compile(r"/login\?done=password(&loginProfile=[^&]+)?$"))
    changed = inbox.wait_for(to=login.email, timeout=15)
    assert "password" in str(changed["Subject"]).lower(), changed["Subject"]

    fill_login(page, login.email, new_password)
    submit(page)
    expect(page).to_have_url(portal.url("/"))
    expect(page.locator("main")).to_contain_text(login.account)


def test_lockout_refuses_the_right_password_with_the_same_message(
    page: Page, portal: RunningPortal, inbox: Inbox, screenshot: Screenshot
) -> None:
    email, password = register(page, portal, inbox, portal.account(LOCKOUT_ACCOUNT))
    messages = []
    for attempt in range(5):
        fill_login(page, email, f"wrong password {attempt}")
        submit(page)
        expect(page.get_by_role("alert")).to_contain_text(SIGN_IN_REFUSED)
        messages.append(page.get_by_role("alert").inner_text())
    fill_login(page, email, password)
    submit(page)
    expect(page).not_to_have_url(portal.url("/"))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(SIGN_IN_REFUSED)
    screenshot(page, "locked")
    assert alert.inner_text() == messages[-1] == messages[0]


@at_every_width
def test_registration_follows_the_accounts_profile_whatever_the_page(
    page: Page, portal: RunningPortal, screenshot: Screenshot
) -> None:
    """Business West takes no online registration: the plain /register form cannot get round it."""
    account = portal.account(CLOSED_ACCOUNT)
    page.goto(portal.url("/register"))
    form = main_form(page)
    form.locator('[name="account_number"]').fill(account.number)
    form.locator('[name="last_name"]').fill(account.last_name)
    form.locator('[name="email"]').fill(f"west.{account.number}@example.net")
    form.locator('[name="password"]').fill("a fine long password")
    form.locator('[name="password_confirm"]').fill("a fine long password")
    submit(page)
    expect(page.get_by_role("heading", name="Registration is not available")).to_be_visible()
    assert "Western Telecom" in page.title()
    screenshot(page, "registration-closed")


def test_login_profile_brands_the_login_page(page: Page, portal: RunningPortal) -> None:
    page.goto(portal.url("/login?loginProfile=Retail%20East"))
    assert RETAIL_EAST_TITLE in page.title()
    top_bar = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--portal-top-bar')",
    )
    assert top_bar.strip().lower() == RETAIL_EAST_TOP_BAR

    page.goto(portal.url("/login?loginProfile=No%20Such%20Profile"))
    assert DEFAULT_TITLE in page.title()
    assert RETAIL_EAST_TITLE not in page.title()


def test_preview_banner_on_login_and_home(page: Page, portal: RunningPortal) -> None:
    page.goto(portal.url("/login"))
    expect(page.get_by_text(PREVIEW_BANNER)).to_be_visible()
    login = portal.demo_login(HOME_USER)
    sign_in(page, portal, login.email, login.password)
    expect(page.get_by_text(PREVIEW_BANNER)).to_be_visible()


def test_standard_licence_shows_no_preview_banner(
    page: Page,
    licensed_portal: RunningPortal,
) -> None:
    page.goto(licensed_portal.url("/login"))
    expect(page.locator("main form")).to_be_visible()
    expect(page.get_by_text(PREVIEW_BANNER)).to_have_count(0)
    login = licensed_portal.demo_login(HOME_USER)
    sign_in(page, licensed_portal, login.email, login.password)
    expect(page.get_by_text(PREVIEW_BANNER)).to_have_count(0)


@at_every_width
@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scrolling(
    page: Page, viewport: Viewport, portal: RunningPortal, name: str, screenshot: Screenshot
) -> None:
    open_page(page, portal, name)
    screenshot(page, name)
    sizes = horizontal_overflow(page)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], (
        f"{name} scrolls sideways at {viewport.width} px: the page is {sizes['scrollWidth']} px "
        f"wide in a {sizes['innerWidth']} px window; elements past the right edge: {sizes['wide']}"
    )


@at_every_width
def test_keyboard_reaches_the_sign_in_form_in_order_and_enter_submits(
    page: Page, viewport: Viewport, portal: RunningPortal
) -> None:
    page.goto(portal.url("/login"))
    before = tab_until(page, lambda name: name == "#identifier")
    assert "#password" not in before, f"the password field comes before the identifier: {before}"
    tab_until(page, lambda name: name == "#password", limit=1)
    # Only the "Forgot your password?" link may sit between the password and the button.
    tab_until(page, lambda name: name.startswith("button:") and "Sign in" in name, limit=2)

    login = portal.demo_login(HOME_USER)
    page.goto(portal.url("/login"))
    tab_until(page, lambda name: name == "#identifier")
    page.keyboard.type(login.email)
    tab_until(page, lambda name: name == "#password", limit=1)
    page.keyboard.type(login.password)
    assert focus_name(page) == "#password"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(portal.url("/"))


@at_every_width
@pytest.mark.parametrize("name", PAGES)
def test_accessibility_audit(
    page: Page,
    viewport: Viewport,
    portal: RunningPortal,
    name: str,
) -> None:
    prepare_axe(page)
    open_page(page, portal, name)
    assert_no_serious_violations(page, f"the {name} page at {viewport.width} px")
