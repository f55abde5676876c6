"""The profile schema: defaults, validation messages, menu rules."""

from __future__ import annotations

import json

import pytest

from common.formats import LOCALE_LABELS, PortalLocale
from common.profile import (
    MENU_PAGES,
    MenuItem,
    ProfileContent,
    brand_name,
    default_content,
    removed_menu_pages,
)
from common.resources import RESOURCES_DIR
from common.validation import FieldErrors, parse


def test_out_of_box_profile_has_every_page_and_sensible_defaults() -> None:
    content = default_content()
    assert [item.key for item in content.menu] == list(MENU_PAGES)
    assert content.landing_page() == "account_summary"
    assert content.settings.theme == "blue"
    assert content.settings.browser_title == "Customer Portal"
    assert content.settings.brand_name == ""
    assert content.settings.locale == "en-US"
    assert content.settings.currency_symbol == "$"
    assert content.settings.bill_presentation == "by_service"
    assert content.settings.show_contract_dates is False
    assert content.settings.paperless.show_status is True
    assert content.settings.account_locks_enabled is False
    settings_item = next(i for i in content.menu if i.key == "settings")
    assert settings_item.settings_view is not None and settings_item.settings_view.contacts
    summary_item = content.menu[0]
    assert summary_item.show_corporate_accounts is True


def _errors(data: dict) -> dict[str, str]:
    with pytest.raises(FieldErrors) as caught:
        parse(ProfileContent, data)
    return caught.value.fields


def test_errors_name_the_field_and_the_reason() -> None:
    fields = _errors(
        {
            "name": "  ",
            "settings": {"top_bar_color": "blue-ish", "theme": "pink", "surprise": 1},
            "helpful_links": [{"text": "Docs", "url": "ftp://example.com"}],
            "support": {"email": "not-an-email", "phone": "call me"},
        }
    )
    assert fields["name"] == "is required"
    assert fields["settings.top_bar_color"] == "must be a colour such as #0a3d73"
    assert "blue" in fields["settings.theme"] and "gray" in fields["settings.theme"]
    assert fields["settings.surprise"] == "is not a known field"
    assert "http" in fields["helpful_links.0.url"]
    assert "email" in fields["support.email"]
    assert "phone" in fields["support.phone"]


def test_at_most_five_helpful_links() -> None:
    links = [{"text": f"Link {n}", "url": f"https://example.com/{n}"} for n in range(6)]
    assert _errors({"name": "P", "helpful_links": links})["helpful_links"] == "must be at most 5 entries"
    assert len(parse(ProfileContent, {"name": "P", "helpful_links": links[:5]}).helpful_links) == 5


def test_menu_rules() -> None:
    assert (
        "appears more than once"
        in _errors({"name": "P", "menu": [{"key": "usage", "label": "U", "icon": "fa6s.house"}] * 2})["menu"]
    )
    assert _errors({"name": "P", "menu": []})["menu"] == "must have at least 1 entry"
    fields = _errors(
        {
            "name": "P",
            "menu": [{"key": "usage", "label": "Usage", "icon": "fa6s.house", "settings_view": {}}],
        }
    )
    assert "settings item" in fields["menu.0"]
    fields = _errors({"name": "P", "menu": [{"key": "nowhere", "label": "X", "icon": "fa6s.house"}]})
    assert "menu.0.key" in fields


def test_icon_codes_are_normalised_and_checked() -> None:
    item = MenuItem(key="billing", label="Bills", icon="fa-solid fa-dollar-sign")
    assert item.icon == "fa6s.dollar-sign"
    assert MenuItem(key="billing", label="Bills", icon="fas fa-house").icon == "fa6s.house"
    assert MenuItem(key="billing", label="Bills", icon="fa-regular fa-bell").icon == "fa6.bell"
    fields = _errors({"name": "P", "menu": [{"key": "usage", "label": "Usage", "icon": "fa-not-an-icon"}]})
    assert fields["menu.0.icon"] == "'fa-not-an-icon' is not an icon the portal can draw"


def test_removed_items_can_be_added_back() -> None:
    content = default_content()
    trimmed = [item for item in content.menu if item.key not in ("usage", "payments")]
    assert [page.key for page in removed_menu_pages(trimmed)] == ["usage", "payments"]


def test_chat_needs_a_widget_for_teamsupport() -> None:
    assert (
        _errors({"name": "P", "chat": {"provider": "teamsupport"}})["chat.widget_id"]
        == "is required for TeamSupport"
    )
    fields = _errors(
        {
            "name": "P",
            "chat": {
                "provider": "teamsupport",
                "widget_id": "abc-123",
                "same_widget_for_public": False,
            },
        }
    )
    assert fields["chat.public_widget_id"] == "is required when public pages use another widget"
    ok = parse(ProfileContent, {"name": "P", "chat": {"provider": "teamsupport", "widget_id": "abc-123"}})
    assert ok.chat.widget_id == "abc-123"


def test_support_request_type_names_are_unique_and_fields_required() -> None:
    request_type = {
        "name": "Billing",
        "ticket_type": "T",
        "ticket_category": "C",
        "ticket_status": "S",
        "ticket_priority": "P",
    }
    fields = _errors(
        {"name": "P", "support_request_types": [request_type, {**request_type, "name": "billing"}]}
    )
    assert "two support request types" in fields["support_request_types"]
    fields = _errors({"name": "P", "support_request_types": [{"name": "X"}]})
    assert fields["support_request_types.0.ticket_type"] == "is required"


def test_notification_templates_must_exist_for_their_kind() -> None:
    fields = _errors({"name": "P", "notifications": {"registration": "system.password_reset"}})
    assert "not a template" in fields["notifications.registration"]


def test_text_is_trimmed_and_control_characters_refused() -> None:
    assert parse(ProfileContent, {"name": "  Retail  "}).name == "Retail"
    assert _errors({"name": "Bad\x07name"})["name"] == "must not contain control characters"
    assert _errors({"name": "x" * 81})["name"] == "must be at most 80 characters"


def test_locale_is_one_of_the_supported_ones() -> None:
    fields = _errors({"name": "P", "settings": {"locale": "en_US"}})
    assert fields["settings.locale"].startswith("must be one of 'en-US', 'es-US', 'en-CA', 'fr-CA'")
    assert "de-DE" in fields["settings.locale"]
    assert (
        _errors({"name": "P", "settings": {"locale": "xx-YY"}})["settings.locale"]
        == fields["settings.locale"]
    )
    for code in PortalLocale:
        assert (
            parse(ProfileContent, {"name": "P", "settings": {"locale": code.value}}).settings.locale == code
        )
    assert set(LOCALE_LABELS) == set(PortalLocale)
    assert LOCALE_LABELS[PortalLocale.EN_US] == "English (United States)"


def test_brand_name_is_optional_and_defaults_from_the_profile_name() -> None:
    content = parse(ProfileContent, {"name": "Retail East"})
    assert brand_name(content.settings.brand_name, content.name) == "Retail East"
    branded = parse(
        ProfileContent, {"name": "Retail East", "settings": {"brand_name": "  Eastern Broadband "}}
    )
    assert branded.settings.brand_name == "Eastern Broadband"
    assert brand_name(branded.settings.brand_name, branded.name) == "Eastern Broadband"
    assert brand_name("   ", " Business West ") == "Business West"
    too_long = _errors({"name": "P", "settings": {"brand_name": "B" * 81}})
    assert too_long["settings.brand_name"] == "must be at most 80 characters"
    assert _errors({"name": "P", "settings": {"brand_name": "A\x07B"}})["settings.brand_name"] == (
        "must not contain control characters"
    )


def test_an_administrator_may_clear_the_currency_symbol() -> None:
    cleared = parse(ProfileContent, {"name": "P", "settings": {"currency_symbol": ""}})
    assert cleared.settings.currency_symbol == ""


def test_support_email_follows_the_suites_one_email_rule() -> None:
    content = parse(ProfileContent, {"name": "P", "support": {"email": " Care@Acme.EXAMPLE "}})
    assert content.support.email == "Care@acme.example"  # the domain in its normal form
    assert parse(ProfileContent, {"name": "P", "support": {"email": ""}}).support.email == ""
    for bad in ("care..desk@acme.example", "care@localhost", "care@acme"):
        assert _errors({"name": "P", "support": {"email": bad}})["support.email"] == (
            "must be an email address such as name@example.com"
        ), bad


def test_demo_profiles_validate_and_each_has_a_brand_name() -> None:
    entries = json.loads((RESOURCES_DIR / "demo" / "profiles.json").read_text(encoding="utf-8"))
    assert entries
    for entry in entries:
        content = parse(ProfileContent, {"name": entry["name"], **entry["content"]})
        # A name that reads in "Your <brand> account", not the page title ("… — My Account").
        assert content.settings.brand_name, entry["name"]
        assert content.settings.brand_name != content.settings.browser_title
