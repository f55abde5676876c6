"""The portal profile: branding and behaviour of the portal for a group of markets.

One schema serves the server (validation of every write), the console (field errors before any
request, offline bundles) and the renderer. Field names are the admin API's JSON names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from common.email_rules import MAX_EMAIL_LENGTH, normalise_email
from common.formats import DEFAULT_LOCALE, PortalLocale
from common.icons import normalize_icon_code
from common.theme import ThemeName, is_hex_colour
from common.validation import reject_control_characters

MAX_HELPFUL_LINKS = 5
MAX_LOGO_BYTES = 2 * 1024 * 1024
DEFAULT_BROWSER_TITLE = "Customer Portal"
DEFAULT_CURRENCY_SYMBOL = "$"
BRAND_NAME_MAX = 80
DEFAULT_SUPPORT_MESSAGE = (
    "Need help? Our support team is here for you. Reach us online, by phone, or by email."
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{3,30}$")
_MARKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}$")
_WIDGET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,63}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _web_url(value: str) -> str:
    if not value:
        return value
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise ValueError("must be a web address starting with http:// or https://")
    return value


def _optional_email(value: str) -> str:
    # The suite's one address rule (common.email_rules); empty means "no support address".
    return normalise_email(value) if value else value


def _optional_phone(value: str) -> str:
    if value and not _PHONE.match(value):
        raise ValueError("must be a phone number of digits, spaces, + ( ) - . /")
    return value


def _icon(value: str) -> str:
    return normalize_icon_code(value)


def text(max_length: int, min_length: int = 0) -> Any:
    """A stripped single-line text field with length limits and no control characters."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_no_control_characters),
    ]


Name = text(80, min_length=1)
Label = text(40, min_length=1)
WebUrl = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_web_url)]
IconCode = Annotated[str, StringConstraints(max_length=80), AfterValidator(_icon)]


class Strict(BaseModel):
    """Base for profile parts: unknown fields are refused, text is trimmed and printable."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        return reject_control_characters(value)


# --- settings -----------------------------------------------------------------------------


class BillPresentation(StrEnum):
    """How bill charges are arranged for the subscriber."""

    BY_SERVICE = "by_service"
    BY_CATEGORY = "by_category"


class PaperlessSettings(Strict):
    """Paperless billing: whether the status shows, its messages, and who may change it."""

    show_status: bool = True
    opt_in_message: text(300) = "You have chosen paperless billing. Your bills arrive by email."  # type: ignore[valid-type]
    opt_out_message: text(300) = "Go paperless: get your bills by email instead of in the mail."  # type: ignore[valid-type]
    subscriber_can_change: bool = True


class Settings(Strict):
    """The Settings tab: look and feel, and what subscribers may do."""

    account_locks_enabled: bool = False
    theme: ThemeName = ThemeName.BLUE
    top_bar_color: str | None = Field(
        default=None, description="#rrggbb; null uses the theme's default top-bar colour"
    )
    brand_name: text(BRAND_NAME_MAX) = Field(  # type: ignore[valid-type]
        default="",
        description="the provider's name in mail and 'Your <brand> account'; empty: the profile's name",
    )
    browser_title: text(60, min_length=1) = DEFAULT_BROWSER_TITLE  # type: ignore[valid-type]
    locale: PortalLocale = Field(
        default=DEFAULT_LOCALE, description="how dates and amounts are written; the wording stays US English"
    )
    currency_symbol: text(5) = Field(  # type: ignore[valid-type]
        default=DEFAULT_CURRENCY_SYMBOL, description="placed as the locale places one; empty: no symbol"
    )
    bill_presentation: BillPresentation = BillPresentation.BY_SERVICE
    show_contract_dates: bool = False
    service_names_editable: bool = False
    paperless: PaperlessSettings = Field(default_factory=PaperlessSettings)
    registration_enabled: bool = True
    force_sso: bool = False
    sso_help_text: text(500) = ""  # type: ignore[valid-type]

    @field_validator("top_bar_color")
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not is_hex_colour(value):
            raise ValueError("must be a colour such as #0a3d73")
        return value.lower()


# --- logos --------------------------------------------------------------------------------


class LogoSlot(StrEnum):
    """The three places a profile shows a logo."""

    LOGIN = "login"
    TOP_BAR = "top_bar"
    FAVICON = "favicon"


@dataclass(frozen=True)
class LogoLimit:
    """Size rules for one logo slot."""

    label: str
    max_width: int
    max_height: int
    square: bool
    recommended: str
    max_bytes: int = MAX_LOGO_BYTES

    def describe(self) -> str:
        """Return the rule in words, as the console and error messages show it."""
        size = f"{self.max_bytes // (1024 * 1024)} MB"
        if self.square:
            return f"square image, {self.recommended} recommended, at most {size}"
        return f"at most {self.max_width} px wide and {self.max_height} px high, at most {size}"


LOGO_LIMITS: dict[LogoSlot, LogoLimit] = {
    LogoSlot.LOGIN: LogoLimit("Login", 250, 64, False, "250 × 64"),
    LogoSlot.TOP_BAR: LogoLimit("Top bar", 175, 64, False, "175 × 64"),
    LogoSlot.FAVICON: LogoLimit("Favicon", 512, 512, True, "192 × 192"),
}


class LogoRef(Strict):
    """A stored logo image, addressed by the SHA-256 of its bytes."""

    sha256: str
    content_type: Literal["image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"]
    width: int = Field(ge=1, le=4096)
    height: int = Field(ge=1, le=4096)
    size: int = Field(ge=1, le=MAX_LOGO_BYTES)

    @field_validator("sha256")
    @classmethod
    def _digest(cls, value: str) -> str:
        if not _SHA256.match(value):
            raise ValueError("must be a SHA-256 digest of 64 lowercase hex digits")
        return value


class Logos(Strict):
    """Custom logos; null means the default branding's logo."""

    login: LogoRef | None = None
    top_bar: LogoRef | None = None
    favicon: LogoRef | None = None


# --- notifications ------------------------------------------------------------------------


class NotificationKind(StrEnum):
    """The emails the portal sends to subscribers."""

    REGISTRATION = "registration"
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGED = "password_changed"
    ACCOUNT_CHANGED = "account_changed"


# Template choices per kind: the system-defined template first, then alternatives.
NOTIFICATION_TEMPLATES: dict[NotificationKind, dict[str, str]] = {
    NotificationKind.REGISTRATION: {
        "system.registration": "Account registration (system)",
        "friendly.registration": "Account registration (friendly)",
    },
    NotificationKind.PASSWORD_RESET: {
        "system.password_reset": "Request password reset (system)",
        "friendly.password_reset": "Request password reset (friendly)",
    },
    NotificationKind.PASSWORD_CHANGED: {
        "system.password_changed": "Password changed (system)",
        "friendly.password_changed": "Password changed (friendly)",
    },
    NotificationKind.ACCOUNT_CHANGED: {
        "system.account_changed": "Account information changed (system)",
        "friendly.account_changed": "Account information changed (friendly)",
    },
}


class Notifications(Strict):
    """Which template each subscriber email uses."""

    registration: str = "system.registration"
    password_reset: str = "system.password_reset"
    password_changed: str = "system.password_changed"
    account_changed: str = "system.account_changed"

    @model_validator(mode="after")
    def _known_templates(self) -> Notifications:
        for kind in NotificationKind:
            choice = getattr(self, kind.value)
            if choice not in NOTIFICATION_TEMPLATES[kind]:
                options = ", ".join(NOTIFICATION_TEMPLATES[kind])
                raise ValueError(f"{kind.value}: '{choice}' is not a template; choose {options}")
        return self


# --- menu ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuPage:
    """A page the portal menu can link to, with its fixed sub-items."""

    key: str
    label: str
    icon: str
    children: tuple[tuple[str, str], ...] = ()


MENU_PAGES: dict[str, MenuPage] = {
    page.key: page
    for page in (
        MenuPage("account_summary", "Account Summary", "fa6s.house"),
        MenuPage("plans_services", "Plans & Services", "fa6s.box-open"),
        MenuPage("usage", "Usage", "fa6s.chart-line"),
        MenuPage(
            "billing",
            "Billing",
            "fa6s.file-invoice-dollar",
            (("bill_history", "Bill History"), ("unbilled_charges", "Unbilled Charges")),
        ),
        MenuPage(
            "payments",
            "Payments",
            "fa6s.credit-card",
            (
                ("make_payment", "Make Payment"),
                ("payment_history", "Payment History"),
                ("wallet", "Manage Wallet"),
                ("autopay", "Manage Autopay"),
            ),
        ),
        MenuPage(
            "support",
            "Support",
            "fa6s.headset",
            (("support_requests", "Support Requests"), ("helpful_links", "Helpful Links")),
        ),
        MenuPage(
            "settings",
            "Settings",
            "fa6s.gear",
            (("contacts", "Contacts"), ("account_settings", "Account Settings")),
        ),
    )
}
MenuKey = Literal["account_summary", "plans_services", "usage", "billing", "payments", "support", "settings"]


class SettingsView(Strict):
    """What the subscriber's Settings view shows: two submenus and four subsections."""

    contacts: bool = True
    account_settings: bool = True
    paperless: bool = True
    security: bool = True
    account_details: bool = True
    notifications: bool = True


class MenuItem(Strict):
    """One top-level menu entry; its position in the list is its display order."""

    key: MenuKey
    label: Label  # type: ignore[valid-type]
    icon: IconCode
    settings_view: SettingsView | None = Field(default=None, description="only on the settings item")
    show_corporate_accounts: bool | None = Field(default=None, description="only on the account_summary item")

    @model_validator(mode="after")
    def _options_fit_the_page(self) -> MenuItem:
        if self.key == "settings":
            if self.settings_view is None:
                object.__setattr__(self, "settings_view", SettingsView())
        elif self.settings_view is not None:
            raise ValueError("settings_view belongs only to the settings item")
        if self.key == "account_summary":
            if self.show_corporate_accounts is None:
                object.__setattr__(self, "show_corporate_accounts", True)
        elif self.show_corporate_accounts is not None:
            raise ValueError("show_corporate_accounts belongs only to the account_summary item")
        return self


def default_menu() -> list[MenuItem]:
    """Return the out-of-box menu: every page, in catalogue order."""
    return [MenuItem(key=p.key, label=p.label, icon=p.icon) for p in MENU_PAGES.values()]  # type: ignore[arg-type]


def removed_menu_pages(menu: list[MenuItem]) -> list[MenuPage]:
    """Return the catalogue pages not in the menu, which "Add Menu Item" can bring back."""
    present = {item.key for item in menu}
    return [page for key, page in MENU_PAGES.items() if key not in present]


# --- home widgets, support, tickets, links, chat ------------------------------------------

HOME_WIDGET_LABELS: dict[str, str] = {
    "account_balance": "Account balance and due date",
    "quick_pay": "Quick pay",
    "latest_bill": "Latest bill",
    "usage_summary": "Usage summary",
    "services": "Services",
    "recent_payments": "Recent payments",
    "paperless": "Paperless billing",
    "support_requests": "Support requests",
}


class HomeWidgets(Strict):
    """Which widgets the landing page shows."""

    account_balance: bool = True
    quick_pay: bool = True
    latest_bill: bool = True
    usage_summary: bool = True
    services: bool = True
    recent_payments: bool = False
    paperless: bool = True
    support_requests: bool = False


class Support(Strict):
    """The "Need help? Contact support" panel on every page."""

    messaging: text(500) = DEFAULT_SUPPORT_MESSAGE  # type: ignore[valid-type]
    website: WebUrl = ""
    phone: Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=30),
        AfterValidator(_optional_phone),
    ] = ""
    email: Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=MAX_EMAIL_LENGTH),
        AfterValidator(_optional_email),
    ] = ""


class DurationUnit(StrEnum):
    """Units for ticket action and commit durations."""

    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"


class Duration(Strict):
    """A length of time used to compute a ticket's action or commit date."""

    length: int = Field(default=1, ge=0, le=10000)
    unit: DurationUnit = DurationUnit.DAYS


class SupportRequestType(Strict):
    """A kind of support request subscribers may open, and the ticket it becomes."""

    name: text(60, min_length=1)  # type: ignore[valid-type]
    enabled: bool = True
    ticket_type: text(60, min_length=1)  # type: ignore[valid-type]
    ticket_category: text(60, min_length=1)  # type: ignore[valid-type]
    ticket_status: text(60, min_length=1)  # type: ignore[valid-type]
    ticket_priority: text(60, min_length=1)  # type: ignore[valid-type]
    assign_to: text(60) = ""  # type: ignore[valid-type]
    action_duration: Duration = Field(default_factory=Duration)
    commit_duration: Duration = Field(default_factory=lambda: Duration(length=3))


class HelpfulLink(Strict):
    """A link on the subscriber's Support page."""

    text: text(80, min_length=1)  # type: ignore[valid-type]
    url: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
        AfterValidator(_web_url),
    ]


class Chat(Strict):
    """Chat provider settings; provider null means no chat."""

    provider: Literal["teamsupport"] | None = None
    widget_id: str | None = None
    show_on_public_pages: bool = True
    same_widget_for_public: bool = True
    public_widget_id: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Chat:
        if self.provider is None:
            if self.widget_id or self.public_widget_id:
                raise ValueError("choose a chat provider before entering widget IDs")
            return self
        if not self.widget_id:
            raise ValueError("widget_id: is required for TeamSupport")
        if not _WIDGET_ID.match(self.widget_id):
            raise ValueError("widget_id: must be 3 to 64 letters, digits or dashes")
        if self.show_on_public_pages and not self.same_widget_for_public:
            if not self.public_widget_id:
                raise ValueError("public_widget_id: is required when public pages use another widget")
            if not _WIDGET_ID.match(self.public_widget_id):
                raise ValueError("public_widget_id: must be 3 to 64 letters, digits or dashes")
        return self


# --- the profile --------------------------------------------------------------------------


class ProfileContent(Strict):
    """Everything an administrator edits on a profile (all tabs but Markets)."""

    name: Name  # type: ignore[valid-type]
    description: text(500) = ""  # type: ignore[valid-type]
    settings: Settings = Field(default_factory=Settings)
    logos: Logos = Field(default_factory=Logos)
    notifications: Notifications = Field(default_factory=Notifications)
    menu: list[MenuItem] = Field(default_factory=default_menu, min_length=1, max_length=len(MENU_PAGES))
    home_widgets: HomeWidgets = Field(default_factory=HomeWidgets)
    support: Support = Field(default_factory=Support)
    support_request_types: list[SupportRequestType] = Field(default_factory=list, max_length=50)
    notes_journal_type: text(60) | None = None  # type: ignore[valid-type]
    helpful_links: list[HelpfulLink] = Field(default_factory=list, max_length=MAX_HELPFUL_LINKS)
    chat: Chat = Field(default_factory=Chat)

    @field_validator("menu")
    @classmethod
    def _unique_pages(cls, menu: list[MenuItem]) -> list[MenuItem]:
        seen: set[str] = set()
        for item in menu:
            if item.key in seen:
                raise ValueError(f"'{item.key}' appears more than once")
            seen.add(item.key)
        return menu

    @field_validator("support_request_types")
    @classmethod
    def _unique_type_names(cls, types: list[SupportRequestType]) -> list[SupportRequestType]:
        seen: set[str] = set()
        for request_type in types:
            folded = request_type.name.casefold()
            if folded in seen:
                raise ValueError(f"'{request_type.name}' is used by two support request types")
            seen.add(folded)
        return types

    @field_validator("notes_journal_type")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    def landing_page(self) -> str:
        """Return the key of the page subscribers land on: the first menu item."""
        return self.menu[0].key


class Profile(ProfileContent):
    """A stored profile as the admin API returns it."""

    id: int
    is_default: bool = False
    markets: list[str] = Field(default_factory=list)
    version: int = Field(ge=1)


READ_ONLY_FIELDS = frozenset({"id", "is_default", "markets", "version"})


def validate_market(value: str) -> str:
    """Return a market code trimmed, or raise ValueError saying why it is not one."""
    market = value.strip()
    if not _MARKET.match(market):
        raise ValueError("must be 1 to 40 letters, digits, spaces, dots, dashes or underscores")
    return market


def brand_name(brand: str, profile_name: str) -> str:
    """Return the brand subscribers read ("Your <brand> account"): the brand name, else the profile's name."""
    return brand.strip() or profile_name.strip()


def default_content(name: str = "Default", description: str = "") -> ProfileContent:
    """Return the out-of-box profile configuration under a name."""
    return ProfileContent(name=name, description=description)
