"""What trying the public forms found: typed text of any kind compared safely, errors that name
their field, no dead ends that lose input, links that a mail scanner cannot use up, every rule
taken from the profile the account belongs to, and branding kept after every branded step."""

from __future__ import annotations

import logging

import pytest

from portal_server.portal_users.models import PortalUser
from tests.portal_server.subscriber_support import (
    csrf_from,
    link_in,
    make_account,
    post_form,
    wait_for_mail,
)

PASSWORD = "correct horse battery"
REGISTRATION = {
    "account_number": "200001",
    "last_name": "Whitfield",
    "email": "dana@example.com",
    "username": "",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
}


async def _profile(client, admin, name: str, *, market: str, **settings) -> dict:
    created = await client.post(
        "/api/v1/admin/profiles",
        json={"name": name, "settings": {"browser_title": f"{name} portal", **settings}},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    added = await client.post(
        f"/api/v1/admin/profiles/{created.json()['id']}/markets",
        json={"market": market},
        headers=admin.headers,
    )
    assert added.status_code == 200, added.text
    return created.json()


# --- 1: any text, compared safely ------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Müller", "MULLER", "mu\u0308ller", "  müLLer "])
async def test_accented_names_match_whatever_their_case_or_form(client, clock, typed) -> None:
    await make_account(clock, holder="Jana Müller", last_name="Müller")
    answer = await post_form(client, "/register", {**REGISTRATION, "last_name": typed})
    assert answer.status_code == 200, answer.text
    assert "Check your email" in answer.text


async def test_an_accented_name_typed_wrong_gets_the_usual_answer(client, clock) -> None:
    await make_account(clock, holder="Ken Tanaka", last_name="Tanaka")
    answer = await post_form(client, "/register", {**REGISTRATION, "last_name": "Tänakä-san"})
    assert answer.status_code == 422
    assert "We could not match those details to an account" in answer.text


async def test_a_non_ascii_csrf_token_gets_the_form_back_without_a_trace(client, caplog) -> None:
    await csrf_from(client, "/login")
    with caplog.at_level(logging.ERROR):
        answer = await client.post(
            "/login", data={"identifier": "dana@example.com", "password": "x", "csrf_token": "tökén‮"}
        )
    assert answer.status_code == 403
    assert "This page had expired" in answer.text and 'value="dana@example.com"' in answer.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "identifier", ["u" * 255, "x" * 300 + "@example.com", f"{'a' * 64}@{'b' * 240}.com", "ü" * 70]
)
async def test_over_long_identifiers_get_the_usual_not_right_answer(client, identifier) -> None:
    answer = await post_form(client, "/login", {"identifier": identifier, "password": "whatever"})
    assert answer.status_code == 401
    assert "is not right" in answer.text


async def test_long_addresses_never_break_the_audit_trail(client, clock, admin) -> None:
    await make_account(clock)
    long_email = f"{'d' * 64}@{'e' * 60}.{'f' * 60}.{'g' * 36}.com"
    assert 200 < len(long_email) <= 254
    wrong_facts = await post_form(
        client, "/register", {**REGISTRATION, "last_name": "Nope", "email": long_email}
    )
    assert wrong_facts.status_code == 422
    await make_account(clock, "300300")
    invited = await client.post(
        "/api/v1/admin/portal-users",
        json={"account_number": "300300", "email": long_email},
        headers=admin.headers,
    )
    assert invited.status_code == 201, invited.text
    other = f"{'h' * 64}@{'e' * 60}.{'f' * 60}.{'g' * 36}.com"
    changed = await client.put(
        f"/api/v1/admin/portal-users/{invited.json()['id']}/email",
        json={"email": other},
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text
    events = (await client.get("/api/v1/admin/audit?object=portal_user", headers=admin.headers)).json()
    labels = [event["object_label"] for event in events["items"]]
    assert all(len(label) <= 200 for label in labels) and any(label.endswith("…") for label in labels)


@pytest.mark.parametrize(
    ("value", "status"), [("p" * 41, 200), ("portal_user:" + "9" * 64, 200), ("p" * 106, 422)]
)
async def test_audit_filters_of_any_length_get_an_answer(client, admin, value, status) -> None:
    answer = await client.get("/api/v1/admin/audit", params={"object": value}, headers=admin.headers)
    assert answer.status_code == status, answer.text
    if status == 200:
        assert answer.json()["items"] == []
    else:
        assert "object" in answer.json()["error"]["fields"]


# --- 5: every error names its field -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "lines"),
    [
        (
            "/register",
            {
                "account_number": "Account number is required",
                "last_name": "Last name or ZIP code on the account is required",
                "email": "Email address is required",
                "password": "Password must be at least 10 characters",
            },
        ),
        ("/forgot-password", {"email": "Email address is required"}),
    ],
)
async def test_each_summary_line_names_its_field_and_links_to_it(client, path, lines) -> None:
    answer = await post_form(client, path, {})
    assert answer.status_code == 422
    for field, line in lines.items():
        assert f'<li><a href="#{field}">{line}</a></li>' in answer.text, line
        assert f'id="{field}"' in answer.text


async def test_the_new_password_form_names_its_fields(client, clock, admin, config) -> None:
    await make_account(clock, "300300")
    await client.post(
        "/api/v1/admin/portal-users",
        json={"account_number": "300300", "email": "s@example.com"},
        headers=admin.headers,
    )
    (mail,) = await wait_for_mail(config.data_dir, 1)
    _kind, token = link_in(mail)
    answer = await post_form(client, f"/invite/{token}", {"password": "", "password_confirm": ""})
    assert answer.status_code == 422
    assert '<a href="#password">New password must be at least 10 characters</a>' in answer.text


# --- 6: no dead ends ---------------------------------------------------------------------------


async def test_an_expired_registration_form_comes_back_filled_in(client) -> None:
    answer = await client.post("/register", data={**REGISTRATION, "last_name": "Ünal", "csrf_token": "stale"})
    assert answer.status_code == 403
    assert "This page had expired" in answer.text
    for value in ("200001", "Ünal", "dana@example.com"):
        assert f'value="{value}"' in answer.text
    assert PASSWORD not in answer.text
    # The page set a fresh token: sending it again works.
    again = await post_form(client, "/register", {**REGISTRATION, "last_name": "Ünal"})
    assert again.status_code == 422 and "This page had expired" not in again.text


async def test_odd_characters_come_back_at_their_field(client) -> None:
    answer = await post_form(client, "/forgot-password", {"email": "dana\x00@example.com"})
    assert answer.status_code == 422
    assert "held characters we cannot accept" in answer.text
    assert 'value="dana@example.com"' in answer.text


async def test_a_body_that_is_not_utf8_gets_the_form(client, caplog) -> None:
    token = await csrf_from(client, "/forgot-password")
    with caplog.at_level(logging.ERROR):
        answer = await client.post(
            "/forgot-password",
            content=b"email=\xff\xfe%FF&csrf_token=" + token.encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert answer.status_code == 422 and "<form" in answer.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


# --- 7: links that mail scanners cannot use up -------------------------------------------------


async def test_opening_a_verification_link_uses_nothing_up(client, clock, config) -> None:
    await make_account(clock)
    await post_form(client, "/register", REGISTRATION)
    (mail,) = await wait_for_mail(config.data_dir, 1)
    _kind, token = link_in(mail)
    for _ in range(3):  # a scanner, a preview pane, the subscriber
        page = await client.get(f"/verify/{token}")
        assert page.status_code == 200 and "Confirm my email address" in page.text
    assert (await PortalUser.get(email="dana@example.com")).status == "pending"
    confirmed = await post_form(client, f"/verify/{token}", {})
    assert confirmed.status_code == 303
    assert (await PortalUser.get(email="dana@example.com")).status == "active"
    assert (await client.get(f"/verify/{token}")).status_code == 410


async def test_a_verification_confirm_without_its_token_does_nothing(client, clock, config) -> None:
    await make_account(clock)
    await post_form(client, "/register", REGISTRATION)
    (mail,) = await wait_for_mail(config.data_dir, 1)
    _kind, token = link_in(mail)
    refused = await client.post(f"/verify/{token}", data={})
    assert refused.status_code == 403 and "Confirm my email address" in refused.text
    assert (await PortalUser.get(email="dana@example.com")).status == "pending"


# --- 2 and 9: the account's profile rules, and keeps its look ---------------------------------


async def test_registration_follows_the_profile_of_the_accounts_market(client, clock, admin, config) -> None:
    await _profile(client, admin, "Business West", market="WEST", registration_enabled=False)
    await make_account(clock, market="WEST")
    # The plain page (default profile) offers registration; the account's profile does not.
    assert (await client.get("/register")).status_code == 200
    refused = await post_form(client, "/register", REGISTRATION)
    assert refused.status_code == 404
    assert "Registration is not available" in refused.text
    assert "<title>Registration is not available · Business West portal</title>" in refused.text
    assert not await PortalUser.exists(email="dana@example.com")
    assert await wait_for_mail(config.data_dir, 1) == []


async def test_force_sso_profiles_take_no_local_registration(client, clock, admin) -> None:
    await _profile(
        client, admin, "Campus", market="EAST", force_sso=True, sso_help_text="Use your campus sign-in."
    )
    await make_account(clock, market="EAST")
    refused = await post_form(client, "/register", REGISTRATION)
    assert refused.status_code == 404 and "Use your campus sign-in." in refused.text
    assert not await PortalUser.exists(email="dana@example.com")


async def test_pages_after_a_branded_step_keep_the_brand(client, clock, admin, config) -> None:
    await _profile(client, admin, "Retail East", market="EAST")
    await make_account(clock, market="EAST")
    sent = await post_form(client, "/register", REGISTRATION)
    assert sent.status_code == 200
    assert "<title>Check your email · Retail East portal</title>" in sent.text
    assert 'href="/login?loginProfile=Retail%20East"' in sent.text
    (mail,) = await wait_for_mail(config.data_dir, 1)
    _kind, token = link_in(mail)
    confirm = await client.get(f"/verify/{token}")
    assert "Retail East portal" in confirm.text
    done = await post_form(client, f"/verify/{token}", {})
    assert done.headers["location"] == "/login?done=verified&loginProfile=Retail%20East"
    await post_form(client, "/forgot-password", {"email": "dana@example.com"})
    mails = await wait_for_mail(config.data_dir, 2)
    _kind, reset = link_in(mails[-1])
    form = await client.get(f"/reset-password/{reset}")
    assert "<title>Choose a new password · Retail East portal</title>" in form.text
    changed = await post_form(
        client, f"/reset-password/{reset}", {"password": PASSWORD + "!", "password_confirm": PASSWORD + "!"}
    )
    assert changed.headers["location"] == "/login?done=password&loginProfile=Retail%20East"


# --- 11: small things ---------------------------------------------------------------------------


async def test_verify_first_page_fills_in_the_address_and_leads_back(client, clock) -> None:
    await make_account(clock)
    await post_form(client, "/register", REGISTRATION)
    answer = await post_form(client, "/login", {"identifier": "dana@example.com", "password": PASSWORD})
    assert answer.status_code == 403
    assert 'value="dana@example.com"' in answer.text
    assert "Back to sign in" in answer.text


@pytest.mark.parametrize("path", ["/register", "/forgot-password", "/login"])
async def test_signed_in_subscribers_are_sent_to_the_portal(client, clock, config, path) -> None:
    await make_account(clock)
    await post_form(client, "/register", REGISTRATION)
    (mail,) = await wait_for_mail(config.data_dir, 1)
    _kind, token = link_in(mail)
    await post_form(client, f"/verify/{token}", {}, page=f"/verify/{token}")
    assert (
        await post_form(client, "/login", {"identifier": "dana@example.com", "password": PASSWORD})
    ).status_code == 303
    answer = await client.get(path)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
