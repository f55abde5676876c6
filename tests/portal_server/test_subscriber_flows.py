"""Subscriber journeys through the portal pages: register, verify, sign in and out, reset."""

from __future__ import annotations

import pytest

from portal_server.portal_users.models import PortalUser
from tests.portal_server.subscriber_support import (
    csrf_from,
    link_in,
    make_account,
    outbox,
    post_form,
    text_of,
    wait_for_mail,
)

PASSWORD = "correct horse battery"
REGISTRATION = {
    "account_number": "200001",
    "last_name": "whitfield",
    "email": "dana@example.com",
    "username": "",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
}


async def _register_and_verify(client, config, clock) -> None:
    await make_account(clock)
    response = await post_form(client, "/register", REGISTRATION)
    assert response.status_code == 200, response.text
    assert "dana@example.com" in response.text
    (mail,) = await wait_for_mail(config.data_dir, 1)
    kind, token = link_in(mail)
    assert kind == "verify"
    await _confirm(client, token)


async def _confirm(client, token: str) -> None:
    """Open a verification link, then press its confirm button (only the POST uses the link)."""
    page = await client.get(f"/verify/{token}")
    assert page.status_code == 200 and "Confirm my email address" in page.text
    verified = await post_form(client, f"/verify/{token}", {})
    assert verified.status_code == 303 and verified.headers["location"].startswith("/login?done=verified")


async def _sign_in(client, identifier: str = "dana@example.com", password: str = PASSWORD):
    return await post_form(client, "/login", {"identifier": identifier, "password": password})


async def test_register_verify_sign_in_home_sign_out(client, config, clock) -> None:
    await _register_and_verify(client, config, clock)
    mail = outbox(config.data_dir)[0]
    assert mail["To"].endswith("<dana@example.com>")
    assert "5 days" in text_of(mail)
    signed_in = await _sign_in(client)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
    cookie = client.cookies.get("portal_session")
    assert cookie and len(cookie) >= 40
    assert "HttpOnly" in signed_in.headers["set-cookie"] and "SameSite=Lax" in signed_in.headers["set-cookie"]
    home = await client.get("/")
    assert home.status_code == 200
    # The default profile writes US amounts (with its "$") and dates, and the status as a label.
    for text in (
        "Dana Whitfield",
        "200001",
        "$84.20",
        ">Feb 1, 2026</time>",
        '<span class="badge">Active</span>',
    ):
        assert text in home.text, text
    signed_out = await post_form(client, "/logout", {}, page="/")
    assert signed_out.status_code == 303
    assert (await client.get("/")).headers["location"] == "/login"
    # Replaying the old cookie does not bring the session back: it ended on the server.
    client.cookies.set("portal_session", cookie)
    assert (await client.get("/")).status_code == 303


async def test_wrong_account_facts_do_not_say_which_was_wrong(client, clock) -> None:
    await make_account(clock)
    wrong_name = await post_form(client, "/register", {**REGISTRATION, "last_name": "Smith"})
    wrong_number = await post_form(client, "/register", {**REGISTRATION, "account_number": "999999"})
    assert wrong_name.status_code == wrong_number.status_code == 422
    message = "We could not match those details to an account"
    assert message in wrong_name.text and message in wrong_number.text
    # What the subscriber typed comes back, passwords excepted.
    assert 'value="dana@example.com"' in wrong_name.text
    assert PASSWORD not in wrong_name.text
    by_zip = await post_form(client, "/register", {**REGISTRATION, "last_name": " 30301 "})
    assert by_zip.status_code == 200


async def test_field_errors_are_named(client, clock) -> None:
    await make_account(clock)
    response = await post_form(
        client,
        "/register",
        {**REGISTRATION, "email": "not-an-email", "password": "short", "password_confirm": "x"},
    )
    assert response.status_code == 422
    assert "must be an email address" in response.text
    assert "at least 10 characters" in response.text


async def test_unverified_login_is_told_to_verify(client, config, clock) -> None:
    await make_account(clock)
    await post_form(client, "/register", REGISTRATION)
    response = await _sign_in(client)
    assert response.status_code == 403
    assert "Verify your email" in response.text
    resent = await post_form(client, "/verify/resend", {"email": "dana@example.com"}, page="/login")
    assert resent.status_code == 200
    mails = await wait_for_mail(config.data_dir, 2)
    assert len(mails) == 2
    first, second = link_in(mails[0])[1], link_in(mails[1])[1]
    assert (await client.get(f"/verify/{first}")).status_code == 410, "a newer link replaces the old one"
    await _confirm(client, second)


async def test_verification_link_is_single_use_and_expires(client, config, clock) -> None:
    await make_account(clock)
    await post_form(client, "/register", REGISTRATION)
    (mail,) = await wait_for_mail(config.data_dir, 1)
    _, token = link_in(mail)
    clock.advance(days=5, seconds=1)
    expired = await client.get(f"/verify/{token}")
    assert expired.status_code == 410
    assert "expired" in expired.text and 'name="email"' in expired.text
    unknown = await client.get("/verify/not-a-real-token")
    assert unknown.status_code == 404 and "Send a new link" in unknown.text


async def test_forgot_password_answers_the_same_and_reset_works_once(client, config, clock) -> None:
    await _register_and_verify(client, config, clock)
    other = await post_form(client, "/forgot-password", {"email": "nobody@example.com"})
    known = await post_form(client, "/forgot-password", {"email": "dana@example.com"})
    assert other.status_code == known.status_code == 200
    assert other.text.replace("nobody@example.com", "X") == known.text.replace("dana@example.com", "X")
    mails = await wait_for_mail(config.data_dir, 2)
    kind, token = link_in(mails[-1])
    assert kind == "reset-password"
    # A session from before the reset is ended by it.
    await _sign_in(client)
    assert (await client.get("/")).status_code == 200
    new_password = "a whole new secret"
    reset = await post_form(
        client,
        f"/reset-password/{token}",
        {"password": new_password, "password_confirm": new_password},
    )
    assert reset.status_code == 303 and reset.headers["location"] == "/login?done=password"
    assert (await client.get("/")).status_code == 303
    changed = await wait_for_mail(config.data_dir, 3)
    assert "password" in changed[-1]["Subject"].lower()
    again = await client.get(f"/reset-password/{token}")
    assert again.status_code == 410
    assert (await _sign_in(client)).status_code == 401
    assert (await _sign_in(client, password=new_password)).status_code == 303


async def test_lockout_with_growing_waits_and_one_message(client, config, clock) -> None:
    await _register_and_verify(client, config, clock)
    for _ in range(5):
        refused = await _sign_in(client, password="wrong wrong wrong")
        assert refused.status_code == 401
    locked = await _sign_in(client)
    assert locked.status_code == 401
    assert refused.text.count("not right") == locked.text.count("not right") == 1
    clock.advance(minutes=1, seconds=1)
    assert (await _sign_in(client)).status_code == 303


async def test_a_new_session_id_at_sign_in(client, config, clock) -> None:
    await _register_and_verify(client, config, clock)
    client.cookies.set("portal_session", "planted-by-someone-else", domain="127.0.0.1")
    response = await _sign_in(client, identifier="DANA@example.com")
    issued = response.cookies.get("portal_session")
    assert issued and issued != "planted-by-someone-else"
    assert (await client.get("/")).status_code == 200
    # Signing in again replaces the session: the previous id stops working.
    again = await post_form(
        client, "/login", {"identifier": "dana@example.com", "password": PASSWORD}, page="/"
    )
    assert again.cookies.get("portal_session") not in (None, issued)
    client.cookies.set("portal_session", issued, domain="127.0.0.1")
    assert (await client.get("/")).status_code == 303


async def test_forms_without_the_csrf_token_are_refused(client, config, clock) -> None:
    await _register_and_verify(client, config, clock)
    await csrf_from(client, "/login")
    missing = await client.post("/login", data={"identifier": "dana@example.com", "password": PASSWORD})
    assert missing.status_code == 403
    # The same form comes back, filled in (but the password), saying why nothing happened.
    assert "This page had expired" in missing.text and 'value="dana@example.com"' in missing.text
    assert PASSWORD not in missing.text
    forged = await client.post(
        "/login",
        data={"identifier": "dana@example.com", "password": PASSWORD, "csrf_token": "0" * 64},
    )
    assert forged.status_code == 403 and client.cookies.get("portal_session") is None
    await _sign_in(client)
    logout = await client.post("/logout", data={})
    assert logout.status_code == 403 and "Sign out?" in logout.text
    assert (await client.get("/")).status_code == 200, "a forged sign-out does nothing"


async def test_idle_and_absolute_timeouts(client, config, clock) -> None:
    await _register_and_verify(client, config, clock)
    await _sign_in(client)
    clock.advance(minutes=29)
    assert (await client.get("/")).status_code == 200
    clock.advance(minutes=31)
    assert (await client.get("/")).status_code == 303, "idle for more than 30 minutes"
    await _sign_in(client)
    for _ in range(37):  # busy for over 12 hours, never idle
        clock.advance(minutes=20)
        if (await client.get("/")).status_code != 200:
            break
    assert (await client.get("/")).status_code == 303, "no session outlives 12 hours"


async def test_disabled_user_loses_the_session(client, config, clock) -> None:
    await _register_and_verify(client, config, clock)
    await _sign_in(client)
    await PortalUser.filter(email="dana@example.com").update(status="disabled")
    assert (await client.get("/")).status_code == 303


async def test_login_profile_brands_the_login_page(client, admin, clock) -> None:
    created = await client.post(
        "/api/v1/admin/profiles",
        json={
            "name": "Retail East",
            "settings": {"browser_title": "Eastern Broadband", "top_bar_color": "#112233"},
        },
        headers=admin.headers,
    )
    assert created.status_code == 201
    branded = await client.get("/login?loginProfile=Retail%20East")
    assert "Eastern Broadband" in branded.text and "#112233" in branded.text
    fallback = await client.get("/login?loginProfile=Nobody")
    assert fallback.status_code == 200 and "Customer Portal" in fallback.text


async def test_mail_and_pages_speak_in_the_profiles_brand_and_locale(client, admin, config, clock) -> None:
    created = await client.post(
        "/api/v1/admin/profiles",
        json={
            "name": "Retail East",
            "settings": {
                "brand_name": "Eastern Broadband",
                "browser_title": "Eastern Broadband — My Account",
                "locale": "de-DE",
                "currency_symbol": "€",
            },
        },
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    added = await client.post(
        f"/api/v1/admin/profiles/{created.json()['id']}/markets",
        json={"market": "EAST"},
        headers=admin.headers,
    )
    assert added.status_code == 200, added.text
    await _register_and_verify(client, config, clock)

    (verification,) = outbox(config.data_dir)
    assert verification["Subject"] == "Confirm your email address for Eastern Broadband"
    assert verification["From"] == "Eastern Broadband <no-reply@portal.localhost>"
    body = text_of(verification)
    assert "your Eastern Broadband account" in body
    assert "My Account" not in body and "My Account" not in verification["Subject"]

    assert (await _sign_in(client)).status_code == 303
    home = (await client.get("/")).text
    assert "84,20\u00a0€" in home and '<time datetime="2026-02-01" lang="de-DE">01.02.2026</time>' in home
    assert "<title>Account Summary · Eastern Broadband — My Account</title>" in home

    user = await PortalUser.get(email="dana@example.com")
    clock.advance(hours=5, minutes=30)
    changed = await client.put(
        f"/api/v1/admin/portal-users/{user.id}/email",
        json={"email": "dana.w@example.com"},
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text
    notice = (await wait_for_mail(config.data_dir, 3))[-1]
    assert notice["Subject"] == "Your Eastern Broadband account details were changed"
    assert "When: 15.01.2026, 14:30 UTC" in text_of(notice)


async def test_preview_banner_follows_the_license(client, app) -> None:
    assert "Preview version" in (await client.get("/login")).text
    app.ctx.config.license = "standard"
    assert "Preview version" not in (await client.get("/login")).text


async def test_registration_can_be_switched_off(client, admin) -> None:
    default = (await client.get("/api/v1/admin/profiles", headers=admin.headers)).json()["items"][0]
    await client.patch(
        f"/api/v1/admin/profiles/{default['id']}",
        json={"settings": {"registration_enabled": False}},
        headers=admin.headers,
    )
    assert (await client.get("/register")).status_code == 404
    assert "Register" not in (await client.get("/login")).text


async def test_rep_invites_a_subscriber_who_sets_a_password(client, admin, config, clock) -> None:
    await make_account(clock, number="300300", market="WEST")
    invited = await client.post(
        "/api/v1/admin/portal-users",
        json={"account_number": "300300", "email": "sam@example.com"},
        headers=admin.headers,
    )
    assert invited.status_code == 201, invited.text
    assert invited.json()["status"] == "invited"
    (mail,) = await wait_for_mail(config.data_dir, 1)
    kind, token = link_in(mail)
    assert kind == "invite"
    page = await client.get(f"/invite/{token}")
    assert page.status_code == 200 and "Set your password" in page.text
    done = await post_form(client, f"/invite/{token}", {"password": PASSWORD, "password_confirm": PASSWORD})
    assert done.status_code == 303
    assert (await _sign_in(client, identifier="sam@example.com")).status_code == 303
    twice = await client.post(
        "/api/v1/admin/portal-users",
        json={"account_number": "300300", "email": "other@example.com"},
        headers=admin.headers,
    )
    assert twice.status_code == 422 and "account_number" in twice.json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/reset-password/nope", "/invite/nope"])
async def test_unknown_links_offer_a_way_forward(client, path) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert "<form" in response.text or "href=" in response.text
    assert "Traceback" not in response.text


async def test_oversized_fields_come_back_in_their_form_and_unknown_page_gets_a_page(client) -> None:
    token = await csrf_from(client, "/login")
    big = await client.post("/login", data={"identifier": "x" * 20000, "password": "y", "csrf_token": token})
    # An over-long identifier gets the usual answer, with what was typed kept.
    assert big.status_code == 401 and big.headers["content-type"].startswith("text/html")
    assert "x" * 20000 in big.text and "not right" in big.text
    long_name = await post_form(client, "/register", {**REGISTRATION, "last_name": "Ü" * 300})
    assert long_name.status_code == 422
    assert "Last name or ZIP code on the account must be at most 80 characters" in long_name.text
    assert "Ü" * 300 in long_name.text and 'value="dana@example.com"' in long_name.text
    missing = await client.get("/no/such/page")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "Page not found" in missing.text


async def test_every_sign_in_attempt_is_audited(client, admin, config, clock) -> None:
    await _register_and_verify(client, config, clock)
    await _sign_in(client, password="wrong wrong wrong")
    await _sign_in(client)
    events = (await client.get("/api/v1/admin/audit?action=subscriber.sign_in", headers=admin.headers)).json()
    assert [e["action"] for e in events["items"]] == [
        "subscriber.sign_in",
        "subscriber.sign_in_failed",
    ]


async def test_rep_changes_the_email_and_both_addresses_are_told(client, admin, config, clock) -> None:
    await _register_and_verify(client, config, clock)
    user = await PortalUser.get(email="dana@example.com")
    changed = await client.put(
        f"/api/v1/admin/portal-users/{user.id}/email",
        json={"email": "Dana.New@example.com"},
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text
    # The address is kept as typed; sign-in and uniqueness ignore its case.
    assert changed.json()["email"] == "Dana.New@example.com"
    mails = await wait_for_mail(config.data_dir, 3)
    notices = mails[1:]
    assert {m["To"].split("<")[-1].rstrip(">") for m in notices} == {
        "dana@example.com",
        "Dana.New@example.com",
    }
    assert all("changed" in m["Subject"] for m in notices)
    assert "dana@example.com → Dana.New@example.com" in text_of(notices[0])
    assert (await _sign_in(client, identifier="dana.new@example.com")).status_code == 303
    taken = await client.put(
        f"/api/v1/admin/portal-users/{user.id}/email", json={"email": "bad"}, headers=admin.headers
    )
    assert taken.status_code == 422 and "email" in taken.json()["error"]["fields"]
    missing = await client.put(
        "/api/v1/admin/portal-users/999/email", json={"email": "x@example.com"}, headers=admin.headers
    )
    assert missing.status_code == 404
    events = (
        await client.get("/api/v1/admin/audit?action=portal_user.email_change", headers=admin.headers)
    ).json()
    assert events["items"][0]["before"] == {"email": "dana@example.com"}
