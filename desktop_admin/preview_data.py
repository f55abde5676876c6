"""The made-up subscriber the offline preview shows portal pages for.

The values have the shapes the portal's page handlers pass to the same templates, so a preview
page is drawn exactly as a subscriber's would be; only the person and the numbers are invented.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from common.profile import MENU_PAGES, ProfileContent

# Previewed pages are drawn as a licensed portal draws them: the evaluation banner of an
# unlicensed server says nothing about the branding being edited.
PREVIEW_LICENSE = "standard"
PREVIEW_CSRF_TOKEN = "preview"  # noqa: S105 (a placeholder in a form that is never sent)

# Every menu page links somewhere in the preview, so the menu shows all the items being edited.
PREVIEW_PAGE_KEYS: tuple[str, ...] = tuple(MENU_PAGES)

SAMPLE_USER: dict[str, str] = {
    "display_name": "Jordan Rivera",
    "email": "jordan.rivera@example.com",
}
SAMPLE_ACCOUNT_NUMBER = "4100 2387 65"
SAMPLE_HOLDER_NAME = "Jordan Rivera"
SAMPLE_BALANCE = Decimal("86.40")
SAMPLE_STATUS = "active"  # stored as the server stores it; the page shows its label
SAMPLE_MARKET = "Preview"
DAYS_UNTIL_DUE = 12


def sample_account(today: date | None = None) -> dict[str, Any]:
    """Return the sample account: a balance due in a few days, as the portal's home page gets it."""
    day = today or date.today()
    return {
        "number": SAMPLE_ACCOUNT_NUMBER,
        "holder_name": SAMPLE_HOLDER_NAME,
        "balance": SAMPLE_BALANCE,
        "due_date": day + timedelta(days=DAYS_UNTIL_DUE),
        "status": SAMPLE_STATUS,
        "market": SAMPLE_MARKET,
    }


def home_values(today: date | None = None) -> dict[str, Any]:
    """Return the page values of the landing page for the sample subscriber."""
    return {
        "user": dict(SAMPLE_USER),
        "account": sample_account(today),
        "available_widgets": ["account_balance"],
        "impersonation": None,
        "csrf_token": PREVIEW_CSRF_TOKEN,
        "status": 200,
    }


def login_values(profile: ProfileContent, action: str) -> dict[str, Any]:
    """Return the page values of an empty sign-in form."""
    return {
        "form": {"identifier": ""},
        "errors": {},
        "notice": None,
        "action": action,
        "registration_enabled": profile.settings.registration_enabled,
        "sso_help_text": profile.settings.sso_help_text,
        "csrf_token": PREVIEW_CSRF_TOKEN,
        "status": 200,
    }
