"""Every portal template renders with the default and a customised profile, readably and safely."""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from common.icons import ICON_FONTS, ICON_SETS
from common.profile import NOTIFICATION_TEMPLATES, ProfileContent, default_content
from common.render import (
    TEMPLATES_DIR,
    PortalLinks,
    environment,
    icon,
    render_page,
    render_text,
)
from common.resources import RESOURCES_DIR

SOLID_FONT = f"{ICON_FONTS['fa6s']}.woff2"
SOLID_PRELOAD = (
    f'<link rel="preload" href="/static/fonts/{SOLID_FONT}" as="font" type="font/woff2" crossorigin>'
)
PREVIEW_TEXT = "Preview version — this portal is for evaluation only."
CSRF = "csrf-token-123"
LOGOS = {
    "login": "/static/branding/login.svg",
    "top_bar": "/static/branding/top_bar.svg",
    "favicon": "/static/branding/favicon.svg",
}


def _links(pages: dict[str, str]) -> PortalLinks:
    return PortalLinks(
        static="/static",
        home="/",
        login="/login",
        logout="/logout",
        register="/register",
        forgot_password="/forgot-password",
        logos=LOGOS,
        pages=pages,
    )


# Only the landing page exists yet.
MINIMAL_LINKS = _links({"account_summary": "/"})
# Several pages exist; "usage" and "plans_services" do not.
FULL_LINKS = _links(
    {
        "account_summary": "/",
        "billing": "/billing",
        "bill_history": "/billing/history",
        "unbilled_charges": "/billing/unbilled",
        "payments": "/payments",
        "make_payment": "/payments/new",
        "payment_history": "/payments/history",
        "support": "/support",
        "settings": "/settings",
        "account_settings": "/settings/account",
    }
)
LINK_SETS = {"minimal": MINIMAL_LINKS, "full": FULL_LINKS}

CUSTOM_TOP_BAR = "#2e7d32"
CUSTOM_MENU = [
    {"key": "billing", "label": "My Bills", "icon": "fa6s.receipt"},
    {"key": "account_summary", "label": "Overview", "icon": "fa6s.gauge-high"},
    {"key": "usage", "label": "Data Usage", "icon": "fa6s.wifi"},
    {"key": "payments", "label": "Pay & Save", "icon": "fa6s.wallet"},
    {"key": "support", "label": "Get Help", "icon": "fa6.comments"},
]
HELPFUL_LINKS = [
    {"text": f"Helpful article {n}", "url": f"https://help.acme.example/articles/{n}"} for n in range(1, 6)
]


def custom_profile() -> ProfileContent:
    """A profile that changes everything a page draws, in German formats with euro amounts."""
    base = default_content("Acme").model_dump()
    return ProfileContent.model_validate(
        {
            **base,
            "settings": {
                **base["settings"],
                "theme": "gray",
                "top_bar_color": CUSTOM_TOP_BAR,
                "brand_name": "Acme Fibre",
                "browser_title": "Acme Fibre Online",
                "locale": "de-DE",
                "currency_symbol": "€",
            },
            "menu": CUSTOM_MENU,
            "home_widgets": {
                "account_balance": True,
                "quick_pay": False,
                "latest_bill": True,
                "usage_summary": False,
                "services": True,
                "recent_payments": True,
                "paperless": False,
                "support_requests": True,
            },
            "support": {
                "messaging": "We are here 8am to 8pm, every day.",
                "website": "https://help.acme.example/support",
                "phone": "+1 (800) 555-0199",
                "email": "care@acme.example",
            },
            "helpful_links": HELPFUL_LINKS,
        }
    )


def canadian_profile() -> ProfileContent:
    """The out-of-box profile but for its locale: Canadian French formats, no brand name of its own."""
    base = default_content("Northern Lights Energy").model_dump()
    return ProfileContent.model_validate({**base, "settings": {**base["settings"], "locale": "fr-CA"}})


PROFILES = {"default": default_content, "custom": custom_profile, "canadian": canadian_profile}
# What each profile's pages write for the sample balance of 1284.50 and the date 2026-01-15.
BRANDS = {"default": "Default", "custom": "Acme Fibre", "canadian": "Northern Lights Energy"}
BALANCE_SHOWN = {"default": "$1,284.50", "custom": "1.284,50\u00a0€", "canadian": "1\u00a0284,50\u00a0$"}
DUE_DATE_SHOWN = {"default": "Jan 15, 2026", "custom": "15.01.2026", "canadian": "15 janv. 2026"}

USER = {"display_name": "Jordan Alvarez", "email": "jordan@example.com"}
ACCOUNT = {
    "number": "100234567",
    "holder_name": "Jordan Alvarez",
    "balance": Decimal("1284.50"),
    "due_date": datetime.date(2026, 1, 15),
    "status": "active",
    "market": "North",
}
HOME_DATA = {
    "latest_bill": {
        "issued": datetime.date(2025, 12, 20),
        "amount": Decimal("84.20"),
        "due_date": datetime.date(2026, 1, 15),
    },
    "usage_summary": [{"label": "Internet data", "used": 412, "unit": "GB", "allowance": 1000}],
    "services": [{"name": "Fiber 500", "status": "suspended"}],
    "recent_payments": [
        {"date": datetime.date(2025, 12, 14), "amount": Decimal("79.00"), "method": "Visa ending 4242"}
    ],
    "paperless_enrolled": True,
    "support_requests": [{"number": "T-1", "subject": "Router swap", "status": "in_progress"}],
}
ALL_WIDGETS = [
    "account_balance",
    "quick_pay",
    "latest_bill",
    "usage_summary",
    "services",
    "recent_payments",
    "paperless",
    "support_requests",
]

# The values each page template needs, besides the context page_context builds.
PAGE_VALUES: dict[str, dict[str, Any]] = {
    "base.html": {"user": USER, "csrf_token": CSRF},
    "home.html": {
        "current": "account_summary",
        "user": USER,
        "account": ACCOUNT,
        "csrf_token": CSRF,
        "available_widgets": ALL_WIDGETS,
        **HOME_DATA,
    },
    "public_base.html": {},
    "login.html": {
        "form": {"identifier": "jordan"},
        "errors": {},
        "notice": "Your email is verified. Sign in.",
        "csrf_token": CSRF,
        "action": "/login",
        "registration_enabled": True,
        "sso_help_text": "",
    },
    "register.html": {
        "form": {"account_number": "", "last_name": "", "email": "", "username": ""},
        "errors": {},
        "csrf_token": CSRF,
        "action": "/register",
    },
    "register_sent.html": {"email": "jordan@example.com", "link_days": 5},
    "message.html": {
        "heading": "This link has expired",
        "message": "Ask for a new link below.",
        "action": {"href": "/login", "label": "Back to sign in"},
        "resend": {"action": "/register/resend", "csrf_token": CSRF, "email_label": "Email"},
    },
    "forgot_password.html": {
        "form": {"email": ""},
        "errors": {},
        "csrf_token": CSRF,
        "action": "/forgot-password",
    },
    "reset_password.html": {
        "errors": {},
        "csrf_token": CSRF,
        "action": "/reset-password/abc",
        "heading": "Choose a new password",
    },
    "error.html": {"status": 404, "heading": "Page not found", "message": "Check the address."},
}
SIGNED_IN = {"base.html", "home.html"}
LAYOUTS = {"base.html", "public_base.html"}

EMAIL_IDS = [
    *(template_id for choices in NOTIFICATION_TEMPLATES.values() for template_id in choices),
    "system.invite",
    "friendly.invite",
    "system.account_locked",
    "friendly.account_locked",
]


def email_context(**overrides: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "locale": "en-US",
        "currency": "$",
        "brand": {
            "name": "Acme Fibre",
            "primary": "#0b5cad",
            "primary_text": "#ffffff",
            "logo_url": "https://portal.acme.example/static/branding/login.svg",
            "support_email": "care@acme.example",
            "support_phone": "+1 (800) 555-0199",
        },
        "user": {"display_name": "Dana O'Brien", "email": "dana@example.com"},
        "link": "https://portal.acme.example/verify?token=abc&next=home",
        "link_hours": 2,
        "link_days": 5,
        "changes": ["Email address", "Mobile phone number"],
        "when": "Jan 15, 2026, 10:42 AM UTC",
        "failures": 5,
        "locked_until": "Jan 15, 2026, 10:43 AM UTC",
    }
    context.update(overrides)
    return context


def all_templates() -> list[str]:
    return sorted(p.relative_to(TEMPLATES_DIR).as_posix() for p in TEMPLATES_DIR.rglob("*.*"))


def is_partial(name: str) -> bool:
    return Path(name).name.startswith("_")


def render(
    name: str,
    profile: ProfileContent | None = None,
    links: PortalLinks = FULL_LINKS,
    license: str | None = "standard",
    **overrides: Any,
) -> str:
    values = {**PAGE_VALUES[name], **overrides}
    return render_page(name, profile or default_content(), links, license=license, **values)


# --- HTML checks --------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class TagChecker(HTMLParser):
    """Records unbalanced tags, duplicate ids and the page's ids, labels and h1 count."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: set[str] = set()
        self.label_targets: list[str] = []
        self.described_by: list[str] = []
        self.h1 = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        element_id = found.get("id")
        if element_id:
            if element_id in self.ids:
                self.problems.append(f"duplicate id {element_id}")
            self.ids.add(element_id)
        if tag == "label" and found.get("for"):
            self.label_targets.append(found["for"] or "")
        if found.get("aria-describedby"):
            self.described_by.extend((found["aria-describedby"] or "").split())
        if tag == "h1":
            self.h1 += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_html(html: str) -> TagChecker:
    checker = TagChecker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, checker.problems
    assert not checker.stack, f"unclosed: {checker.stack}"
    for target in checker.label_targets:
        assert target in checker.ids, f"label for missing #{target}"
    for target in checker.described_by:
        assert target in checker.ids, f"aria-describedby names missing #{target}"
    return checker


def nav_html(html: str) -> str:
    match = re.search(r"<nav\b.*?</nav>", html, re.S)
    assert match, "no <nav>"
    return match.group(0)


def menu_labels(html: str) -> list[str]:
    return re.findall(r'<span class="side-nav__text">(.*?)</span>', nav_html(html))


def widgets_shown(html: str) -> list[str]:
    return re.findall(r'data-widget="([a-z_]+)"', html)


# --- every template -----------------------------------------------------------------------


def test_every_template_has_a_rendering_test() -> None:
    emails = {f"emails/{i}.{ext}" for i in EMAIL_IDS for ext in ("html", "txt")}
    covered = set(PAGE_VALUES) | emails | {"emails/base.html"}
    found = {name for name in all_templates() if not is_partial(name)}
    assert found == covered


def test_partials_compile() -> None:
    partials = [name for name in all_templates() if is_partial(name)]
    assert partials
    for name in partials:
        environment().get_template(name)


@pytest.mark.parametrize("license", [None, "standard"])
@pytest.mark.parametrize("links_name", sorted(LINK_SETS))
@pytest.mark.parametrize("profile_name", sorted(PROFILES))
@pytest.mark.parametrize("name", sorted(PAGE_VALUES))
def test_page_renders(name: str, profile_name: str, links_name: str, license: str | None) -> None:
    profile = PROFILES[profile_name]()
    html = render(name, profile, LINK_SETS[links_name], license)
    checker = check_html(html)

    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    assert (PREVIEW_TEXT in html) is (license is None)
    assert "<title>" in html and f"· {profile.settings.browser_title}</title>" in html
    assert checker.h1 == (0 if name in LAYOUTS else 1)
    for landmark in ("<header", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'class="skip-link" href="#main"' in html
    assert f'href="{LOGOS["favicon"]}"' in html
    # One stylesheet, scripts deferred: nothing but portal.css stands before the first paint.
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)">', html) == ["/static/css/portal.css"]
    assert html.count('rel="stylesheet"') == 1
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" defer" in tag for tag in scripts), scripts
    assert SOLID_PRELOAD in html

    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style
    top_bar = CUSTOM_TOP_BAR if profile_name == "custom" else "#0a3d73"
    assert f"--portal-top-bar:{top_bar};" in style.group(1)

    if profile_name == "custom":
        for link in HELPFUL_LINKS:
            assert f'href="{link["url"]}"' in html
        assert 'href="tel:+1(800)555-0199"' in html
        assert 'href="mailto:care@acme.example"' in html
        assert 'href="https://help.acme.example/support"' in html
    else:
        assert "Helpful links" not in html
        assert "tel:" not in html and "mailto:" not in html
    assert "Need help? Contact support" in html

    # The logo and the footer name the brand; the browser title stays in <title>.
    brand = BRANDS[profile_name]
    assert f'<p class="site-footer__title">{brand}</p>' in html
    if name in SIGNED_IN:
        assert f'src="{LOGOS["top_bar"]}" alt="{brand}"' in html
        assert 'action="/logout"' in html
        assert f'<input type="hidden" name="csrf_token" value="{CSRF}">' in html
        assert "Jordan Alvarez" in html
    else:
        assert f'src="{LOGOS["login"]}" alt="{brand}"' in html

    # Amounts and dates are written as the profile's locale writes them.
    if name == "home.html":
        assert BALANCE_SHOWN[profile_name] in html
        assert DUE_DATE_SHOWN[profile_name] in html
        assert '<dd><span class="badge">Active</span></dd>' in html and ">active<" not in html


# --- menu ---------------------------------------------------------------------------------


def test_default_menu_lists_existing_pages_in_order_with_icons() -> None:
    html = render("home.html", default_content(), FULL_LINKS)
    nav = nav_html(html)
    assert menu_labels(html) == ["Account Summary", "Billing", "Payments", "Support", "Settings"]
    for missing in ("Plans &amp; Services", "Usage"):
        assert missing not in nav
    assert str(icon("fa6s.house")) in nav
    assert '<span class="icon fa-solid" aria-hidden="true">' in nav
    assert nav.count('aria-current="page"') == 1
    assert re.search(r'href="/" aria-current="page"', nav)


def test_custom_menu_is_renamed_reordered_and_leaves_out_missing_pages() -> None:
    html = render("home.html", custom_profile(), FULL_LINKS)
    nav = nav_html(html)
    assert menu_labels(html) == ["My Bills", "Overview", "Pay &amp; Save", "Get Help"]
    # "usage" is in the menu but the page does not exist; settings was removed from the menu.
    assert "Data Usage" not in html
    assert ">Settings<" not in nav and "Account Summary" not in nav
    for code in ("fa6s.receipt", "fa6s.gauge-high", "fa6s.wallet", "fa6.comments"):
        assert str(icon(code)) in nav
    assert '<span class="icon fa-regular" aria-hidden="true">' in nav


def test_active_menu_item_lists_its_children() -> None:
    html = render("base.html", default_content(), FULL_LINKS, current="billing")
    nav = nav_html(html)
    assert re.search(r'href="/billing" aria-current="page"', nav)
    assert 'href="/billing/history"' in nav and "Bill History" in nav
    assert "Make Payment" not in nav  # children of inactive items stay hidden


def test_only_the_landing_page_exists() -> None:
    html = render("home.html", default_content(), MINIMAL_LINKS)
    assert menu_labels(html) == ["Account Summary"]


def test_signed_in_page_without_any_menu_page() -> None:
    html = render("home.html", default_content(), _links({}))
    check_html(html)
    assert "<nav" not in html and "portal-layout--no-menu" in html


# --- escaping -----------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script>'


def test_signed_in_values_are_escaped() -> None:
    user = {"display_name": HOSTILE, "email": "x@example.com"}
    html = render("home.html", custom_profile(), user=user)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    check_html(html)


def test_form_values_are_escaped() -> None:
    html = render("login.html", form={"identifier": f'">{HOSTILE}'}, errors={"_form": HOSTILE})
    assert "<script>alert" not in html
    assert 'value="&#34;&gt;&lt;script&gt;' in html
    check_html(html)


def test_impersonation_banner() -> None:
    html = render("home.html", impersonation={"staff": "rep <Sam>"})
    assert "You are viewing this account as rep &lt;Sam&gt; — read-only" in html
    assert "You are viewing this account as" not in render("home.html")


# --- home ---------------------------------------------------------------------------------


def test_home_shows_balance_with_currency_and_due_date() -> None:
    html = render("home.html", custom_profile(), available_widgets=["account_balance"])
    assert "Welcome, Jordan Alvarez" in html
    assert "100234567" in html
    assert "1.284,50\u00a0€" in html
    assert '<time datetime="2026-01-15" lang="de-DE">15.01.2026</time>' in html
    assert widgets_shown(html) == ["account_balance"]


def test_home_shows_a_credit() -> None:
    account = {**ACCOUNT, "balance": Decimal("-12.50"), "due_date": None}
    html = render("home.html", custom_profile(), account=account)
    assert "12,50\u00a0€" in html and "Credit" in html
    assert "-12,50" not in html
    assert "No payment due" in html


def test_home_without_due_date() -> None:
    account = {**ACCOUNT, "due_date": None}
    assert "No payment due" in render("home.html", account=account)


def test_home_shows_only_widgets_enabled_and_available() -> None:
    available = ["account_balance", "latest_bill", "quick_pay", "paperless"]
    html = render("home.html", custom_profile(), available_widgets=available)
    # custom profile: quick_pay and paperless are switched off
    assert widgets_shown(html) == ["account_balance", "latest_bill"]

    html = render("home.html", default_content(), available_widgets=available)
    assert widgets_shown(html) == ["account_balance", "quick_pay", "latest_bill", "paperless"]

    html = render("home.html", default_content(), available_widgets=[])
    assert widgets_shown(html) == []
    assert "Account balance" not in html


def test_home_widget_data_is_formatted_with_the_currency() -> None:
    html = render("home.html", custom_profile())
    assert widgets_shown(html) == [
        "account_balance",
        "latest_bill",
        "services",
        "recent_payments",
        "support_requests",
    ]
    assert "84,20\u00a0€" in html and "79,00\u00a0€" in html
    assert "Fiber 500" in html and "Router swap" in html
    # Statuses arrive as stored and read as labels.
    assert '<span class="badge">Suspended</span>' in html and '<span class="badge">In progress</span>' in html
    assert "suspended" not in html and "in_progress" not in html


def test_quantities_and_dates_follow_the_locale() -> None:
    html = render("home.html", canadian_profile())
    assert "412 GB of 1\u00a0000 GB" in html
    assert 'max="1000" value="412"' in html  # the meter keeps machine-readable numbers
    assert '<time datetime="2025-12-20" lang="fr-CA">20 déc. 2025</time>' in html
    english = render("home.html", default_content())
    assert "412 GB of 1,000 GB" in english
    assert '<time datetime="2025-12-20">Dec 20, 2025</time>' in english


def test_every_format_filter_writes_in_the_contexts_locale() -> None:
    template = environment().from_string(
        "{{ a|money }} | {{ q|number }} | {{ d|date }} | {{ t|time }} | {{ m|datetime }}"
    )
    values = {
        "a": Decimal("-1234.5"),
        "q": 2500,
        "d": datetime.date(2026, 12, 13),
        "t": datetime.time(14, 5),
        "m": datetime.datetime(2026, 12, 13, 14, 5, tzinfo=datetime.UTC),
    }
    assert template.render(locale="fr-CA", currency="$", **values) == (
        "-1\u00a0234,50\u00a0$ | 2\u00a0500 | 13 déc. 2026 | 14 h 05 | 13 déc. 2026, 14 h 05"
    )
    assert template.render(locale="en-US", currency="", **values) == (
        "-1,234.50 | 2,500 | Dec 13, 2026 | 2:05\u202fPM | Dec 13, 2026, 2:05\u202fPM"
    )


def test_amounts_must_be_decimal() -> None:
    with pytest.raises(TypeError, match="amounts are Decimal"):
        render("home.html", account={**ACCOUNT, "balance": 1284.5})


def test_templates_format_through_the_locale_filters() -> None:
    for name in all_templates():
        source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        assert "strftime" not in source, f"{name} formats a date itself"


# --- forms --------------------------------------------------------------------------------

FORM_ERRORS = {
    "login.html": ["identifier", "password"],
    "register.html": [
        "account_number",
        "last_name",
        "email",
        "username",
        "password",
        "password_confirm",
    ],
    "forgot_password.html": ["email"],
    "reset_password.html": ["password", "password_confirm"],
}


@pytest.mark.parametrize("name", sorted(FORM_ERRORS))
def test_field_errors_are_summarised_and_tied_to_their_fields(name: str) -> None:
    fields = FORM_ERRORS[name]
    errors = {field: f"Problem with {field}" for field in reversed(fields)}
    errors["_form"] = "Something went wrong."
    html = render(name, errors=errors)
    check_html(html)
    assert 'role="alert"' in html and "There is a problem" in html
    assert "Something went wrong." in html
    summary = html[html.index("error-summary") : html.index("</div>", html.index("error-summary"))]
    links = re.findall(r'<a href="#([a-z_]+)">', summary)
    assert links == fields  # in page order
    for field in fields:
        tag = re.search(rf'<input [^>]*id="{field}"[^>]*>', html)
        assert tag, field
        assert 'aria-invalid="true"' in tag.group(0)
        assert f"{field}-error" in tag.group(0)
        assert f'id="{field}-error"' in html
        assert f'<label class="field__label" for="{field}">' in html
    assert f'name="csrf_token" value="{CSRF}"' in html


def test_forms_without_errors_have_no_summary() -> None:
    for name in FORM_ERRORS:
        html = render(name)
        assert "error-summary" not in html
        assert "aria-invalid" not in html


def test_login_fields_and_links() -> None:
    html = render("login.html")
    assert 'name="identifier"' in html and 'autocomplete="username"' in html
    assert 'type="password"' in html and 'autocomplete="current-password"' in html
    assert 'value="jordan"' in html
    assert 'href="/forgot-password">Forgot your password?</a>' in html
    assert 'New here? <a href="/register">Register</a>' in html
    assert "Your email is verified. Sign in." in html
    closed = render("login.html", registration_enabled=False, notice=None, sso_help_text="Use SSO")
    assert "/register" not in closed
    assert "Use SSO" in closed


def test_register_explains_the_two_facts() -> None:
    html = render("register.html")
    assert "Account number" in html
    assert "Last name or ZIP code on the account" in html and 'name="last_name"' in html
    assert "At least 10 characters" in html
    assert 'name="password_confirm"' in html and 'autocomplete="new-password"' in html
    assert "Create account" in html and 'href="/login"' in html


def test_register_sent_and_message_pages() -> None:
    html = render("register_sent.html")
    assert "jordan@example.com" in html
    assert "The link works once and expires in 5 days." in html
    html = render("message.html")
    assert 'name="email"' in html and "Send a new link" in html
    assert 'action="/register/resend"' in html
    html = render("message.html", action=None, resend=None)
    assert "Send a new link" not in html


def test_error_page_uses_the_public_layout() -> None:
    html = render("error.html")
    assert 'class="public"' in html and "Error 404" in html and 'href="/"' in html


# --- emails -------------------------------------------------------------------------------


@pytest.mark.parametrize("template_id", EMAIL_IDS)
def test_email_renders_as_html_and_text(template_id: str) -> None:
    context = email_context(user={"display_name": f"Dana O'Brien {HOSTILE}", "email": "d@e.com"})
    html = render_text(f"emails/{template_id}.html", **context)
    check_html(html)
    assert "<script>alert" not in html
    assert "max-width:600px" in html
    assert "#0b5cad" in html
    assert "Acme Fibre" in html

    text = render_text(f"emails/{template_id}.txt", **context)
    first_line = text.splitlines()[0]
    assert first_line.startswith("Subject: ") and len(first_line) > len("Subject: ")
    assert "Dana O'Brien" in text  # plain text is not HTML-escaped
    assert not re.search(r"<(p|a|div|br|strong)\b", text)
    assert "&amp;" not in text and "&#39;" not in text

    if "account_changed" in template_id:
        for change in context["changes"]:
            assert change in html and change in text
    if "changed" in template_id:
        assert context["when"] in html and context["when"] in text
    else:
        assert context["link"] in text
        assert 'href="https://portal.acme.example/verify?token=abc&amp;next=home"' in html
    if "registration" in template_id:
        assert "5 days" in text and "5 days" in html
    if "reset" in template_id or "invite" in template_id or "locked" in template_id:
        assert "2 hours" in text and "2 hours" in html
    if "locked" in template_id:
        for fact in ("5 ", context["locked_until"]):
            assert fact in text and fact in html


def test_email_base_renders_alone() -> None:
    check_html(render_text("emails/base.html", **email_context()))


# --- wording ------------------------------------------------------------------------------

# British forms with a US English counterpart the portal uses instead.
BRITISH = re.compile(
    r"\b(centre|centred|colour|organis\w*|favour\w*|behaviour|towards|whilst|in credit|by post|"
    r"straight away|sort it out|suits you|cheque|postcode|cancelled)\b",
    re.IGNORECASE,
)


def test_fixed_wording_is_us_english() -> None:
    for name in all_templates():
        source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        assert not BRITISH.findall(source), (name, BRITISH.findall(source))
    defaults = default_content()
    texts = [
        defaults.support.messaging,
        defaults.settings.paperless.opt_in_message,
        defaults.settings.paperless.opt_out_message,
    ]
    for text in texts:
        assert not BRITISH.findall(text), text


# --- assets -------------------------------------------------------------------------------


def test_no_external_urls_in_templates_and_static_files() -> None:
    roots = [TEMPLATES_DIR, RESOURCES_DIR / "static" / "css", RESOURCES_DIR / "static" / "js"]
    for root in roots:
        for path in root.rglob("*.*"):
            content = path.read_text(encoding="utf-8")
            assert "http://" not in content and "https://" not in content, path


def _font_faces(css: str) -> dict[str, str]:
    """Return each @font-face's family and its block."""
    faces = re.findall(r'@font-face\s*\{([^}]*?font-family:\s*"([^"]+)"[^}]*)\}', css)
    return {family: face for face, family in faces}


def test_icon_font_faces_point_at_local_woff2_fonts_and_swap() -> None:
    css_dir = RESOURCES_DIR / "static" / "css"
    # The icon styles live in the one stylesheet every page links.
    assert sorted(path.name for path in css_dir.glob("*.css")) == ["portal.css"]
    faces = _font_faces((css_dir / "portal.css").read_text(encoding="utf-8"))
    assert len(faces) == len(ICON_FONTS)
    for prefix, stem in ICON_FONTS.items():
        style = ICON_SETS[prefix][1]
        face = faces[f"Portal FA6 {style.title()}"]
        assert f'src: url("../fonts/{stem}.woff2") format("woff2");' in face
        assert "font-display: swap;" in face
        assert (RESOURCES_DIR / "static" / "fonts" / f"{stem}.woff2").is_file()
    # The TTFs went with the WOFF2s; the console draws with qtawesome's own copies.
    assert not list((RESOURCES_DIR / "static" / "fonts").glob("*.ttf"))


def test_the_preloaded_font_is_one_the_stylesheet_loads() -> None:
    css = (RESOURCES_DIR / "static" / "css" / "portal.css").read_text(encoding="utf-8")
    assert f'url("../fonts/{SOLID_FONT}")' in _font_faces(css)["Portal FA6 Solid"]
    assert SOLID_PRELOAD in render("login.html")


def test_pages_link_the_fingerprinted_urls_the_caller_gives() -> None:
    fingerprinted = {
        "/static/css/portal.css": "/static/0123456789abcdef/css/portal.css",
        "/static/js/portal.js": "/static/fedcba9876543210/js/portal.js",
        f"/static/fonts/{SOLID_FONT}": f"/static/00112233aabbccdd/fonts/{SOLID_FONT}",
    }
    links = replace(FULL_LINKS, assets=fingerprinted)
    assert links.asset("css/portal.css") == "/static/0123456789abcdef/css/portal.css"
    assert links.asset("/css/other.css") == "/static/css/other.css"  # none given: the file itself
    for name in ("home.html", "login.html"):
        html = render(name, links=links)
        for plain, url in fingerprinted.items():
            assert f'"{url}"' in html and f'"{plain}"' not in html


def test_a_fragment_is_made_once_per_store_and_every_time_without_one() -> None:
    template = environment().from_string(
        '{% fragment "part", key %}<b>{{ make() }}</b>{% endfragment %}<i>{{ make() }}</i>'
    )
    calls: list[int] = []

    def make() -> int:
        calls.append(1)
        return len(calls)

    store: dict = {}
    assert template.render(make=make, key="a", fragments=store) == "<b>1</b><i>2</i>"
    assert template.render(make=make, key="a", fragments=store) == "<b>1</b><i>3</i>"
    # Another key is another fragment; no store (the console's preview) renders every time.
    assert template.render(make=make, key="b", fragments=store) == "<b>4</b><i>5</i>"
    assert template.render(make=make, key="a", fragments=None) == "<b>6</b><i>7</i>"
    assert set(store) == {("fragment", "part", "a"), ("fragment", "part", "b")}


@pytest.mark.parametrize("name", sorted(PAGE_VALUES))
def test_every_page_is_the_same_with_a_fragment_store_as_without(name: str) -> None:
    store: dict = {}
    pages = [render(name, custom_profile(), fragments=fragments) for fragments in (None, store, store)]
    assert pages[0] == pages[1] == pages[2]
    assert ("css_variables",) in store, "what the profile alone decides was kept"
