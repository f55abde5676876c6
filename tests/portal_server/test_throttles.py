"""Locks and throttles: counted in the database before the check, so concurrent guesses cannot
slip past them; per-address limits that grow with the logins seen at an address; the owner told
when a lock starts; hashing on a bounded pool; hashes brought up to today's parameters."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import httpx
import pytest
from argon2 import PasswordHasher

from portal_server.config import ServerConfig
from portal_server.portal_users.models import PortalUser
from portal_server.security import passwords
from portal_server.security.passwords import HashingBusy, hash_password
from portal_server.security.throttle import RULES, Rule
from portal_server.staff.models import StaffUser
from tests.conftest import STAFF_PASSWORDS
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
TOKEN = "/api/v1/admin/auth/token"


async def _login(account_number: str, email: str, clock, *, password_hash: str | None = None) -> PortalUser:
    account = await make_account(clock, account_number, market="EAST")
    return await PortalUser.create(
        account=account,
        email=email,
        display_name=account.holder_name,
        password_hash=password_hash or await hash_password(PASSWORD),
        status="active",
        email_verified_at=clock.now(),
        created_at=clock.now(),
    )


# Smaller numbers than the defaults (README), so each rule is reached in a few attempts.
SMALL_RULES = {
    **RULES,
    "sign_in": Rule(RULES["sign_in"].window, None, 6, 2, "sign_in"),
    "register": Rule(RULES["register"].window, 3, 5, 1, "sign_in"),
    "verify_resend": Rule(RULES["verify_resend"].window, 3, 5, 1, "sign_in", count_all=True),
}


@pytest.fixture
def config(config: ServerConfig, request: pytest.FixtureRequest) -> ServerConfig:
    """The suite's settings, with the small throttle rules for tests marked ``small_throttles``."""
    if request.node.get_closest_marker("small_throttles"):
        config.throttle_rules = SMALL_RULES
    return config


@pytest.fixture
async def elsewhere(app) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on another network (another client address)."""
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        yield http


async def _sign_in(client, identifier: str, password: str) -> httpx.Response:
    return await post_form(client, "/login", {"identifier": identifier, "password": password})


async def test_twenty_concurrent_wrong_passwords_cannot_get_past_the_lock(client, clock, admin) -> None:
    await _login("200001", "dana@example.com", clock)
    token = await csrf_from(client, "/login")
    wrong = {"identifier": "dana@example.com", "password": "not the password", "csrf_token": token}
    answers = await asyncio.gather(*(client.post("/login", data=wrong) for _ in range(20)))
    assert all(answer.status_code == 401 for answer in answers)
    user = await PortalUser.get(email="dana@example.com")
    # Every counted guess is one atomic increment: none is lost, so the lock is reached and holds.
    assert user.failed_logins >= 5
    assert user.locked_until is not None and user.locked_until > clock.now()
    right = await _sign_in(client, "dana@example.com", PASSWORD)
    assert right.status_code == 401, "the right password is refused while locked"
    events = (
        await client.get(
            "/api/v1/admin/audit?action=subscriber.sign_in_failed&page_size=50", headers=admin.headers
        )
    ).json()
    assert events["total"] == 21
    clock.advance(seconds=(user.locked_until - clock.now()).total_seconds() + 1)
    assert (await _sign_in(client, "dana@example.com", PASSWORD)).status_code == 303


async def test_twenty_concurrent_wrong_staff_passwords_cannot_get_past_the_lock(client, clock) -> None:
    wrong = {"username": "rep", "password": "guess-guess-guess"}
    answers = await asyncio.gather(*(client.post(TOKEN, json=wrong) for _ in range(20)))
    assert all(answer.status_code == 401 for answer in answers)
    staff = await StaffUser.get(username="rep")
    assert staff.failed_logins >= 5 and staff.locked_until is not None
    good = {"username": "rep", "password": STAFF_PASSWORDS["rep"]}
    assert (await client.post(TOKEN, json=good)).status_code == 401


async def test_portal_attempts_while_locked_neither_count_nor_extend_the_lock(client, clock) -> None:
    await _login("200001", "dana@example.com", clock)
    for _ in range(5):
        await _sign_in(client, "dana@example.com", "not the password")
    until = (await PortalUser.get(email="dana@example.com")).locked_until
    for _ in range(3):
        clock.advance(seconds=15)
        await _sign_in(client, "dana@example.com", "not the password")
    user = await PortalUser.get(email="dana@example.com")
    assert user.locked_until == until and user.failed_logins == 5
    clock.advance(seconds=16)
    assert (await _sign_in(client, "dana@example.com", PASSWORD)).status_code == 303


async def test_the_owner_is_told_when_a_lock_starts_with_a_way_back_in(app, client, clock, config) -> None:
    await _login("200001", "dana@example.com", clock)
    for _ in range(4):
        await _sign_in(client, "dana@example.com", "not the password")
    await app.ctx.mail_sender.flush()
    assert outbox(config.data_dir) == []
    await _sign_in(client, "dana@example.com", "not the password")
    (mail,) = await wait_for_mail(config.data_dir, 1)
    assert mail["To"].endswith("<dana@example.com>")
    body = text_of(mail)
    assert "5 times" in body and "9:01\u202fAM" in body
    kind, token = link_in(mail)
    assert kind == "reset-password"
    form = await client.get(f"/reset-password/{token}")
    assert form.status_code == 200
    # Attempts while locked send no further mail.
    await _sign_in(client, "dana@example.com", "not the password")
    await app.ctx.mail_sender.flush()
    assert len(outbox(config.data_dir)) == 1


async def test_the_sign_in_form_says_that_logins_lock_after_repeated_failures(client) -> None:
    page = await client.get("/login")
    assert "locks for a few minutes after several wrong passwords" in page.text


@pytest.mark.small_throttles
async def test_an_address_is_throttled_after_many_failures_and_recovers(client, elsewhere, clock) -> None:
    await _login("200001", "dana@example.com", clock)
    for number in range(6):
        answer = await _sign_in(client, f"nobody{number}@example.com", "whatever whatever")
        assert answer.status_code == 401
    throttled = await _sign_in(client, "dana@example.com", PASSWORD)
    assert throttled.status_code == 429
    assert "Too many sign-in attempts from your network" in throttled.text
    assert 'value="dana@example.com"' in throttled.text, "the identifier typed comes back"
    # Another network is not affected.
    assert (await _sign_in(elsewhere, "dana@example.com", PASSWORD)).status_code == 303
    clock.advance(minutes=15, seconds=1)
    assert (await _sign_in(client, "dana@example.com", PASSWORD)).status_code == 303


@pytest.mark.small_throttles
async def test_a_shared_address_gets_room_for_every_login_seen_there(client, clock) -> None:
    """A carrier-grade NAT: many real subscribers behind one address."""
    for number in range(3):
        await _login(f"20000{number + 1}", f"user{number}@example.com", clock)
        assert (await _sign_in(client, f"user{number}@example.com", PASSWORD)).status_code == 303
        client.cookies.clear()
    # 6 failures of its own plus 2 for each of the three logins seen at the address.
    for number in range(12):
        assert (await _sign_in(client, f"typo{number}@example.com", "whatever whatever")).status_code == 401
    assert (await _sign_in(client, "user0@example.com", PASSWORD)).status_code == 429


@pytest.mark.small_throttles
async def test_registration_is_throttled_per_account_number_and_per_address(client, elsewhere, clock) -> None:
    await make_account(clock)
    form = {
        "account_number": "200001",
        "last_name": "Wrong",
        "email": "dana@example.com",
        "username": "",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    for _ in range(3):
        assert (await post_form(client, "/register", form)).status_code == 422
    blocked = await post_form(client, "/register", {**form, "last_name": "Whitfield"})
    assert blocked.status_code == 429
    assert "Too many tries for this account number" in blocked.text
    assert 'value="dana@example.com"' in blocked.text
    # The same number typed another way is the same subject, from any network.
    assert (await post_form(elsewhere, "/register", {**form, "account_number": "200-001"})).status_code == 429
    clock.advance(hours=1, seconds=1)
    assert (await post_form(client, "/register", {**form, "last_name": "Whitfield"})).status_code == 200
    # Failures over many numbers from one network close it for a while (5 here; 20 by default).
    for number in range(5):
        await post_form(elsewhere, "/register", {**form, "account_number": f"3{number:05d}"})
    network = await post_form(elsewhere, "/register", {**form, "account_number": "400000"})
    assert network.status_code == 429 and "Too many tries from your network" in network.text


async def test_reset_mails_are_throttled_per_recipient_without_telling(app, client, clock, config) -> None:
    await _login("200001", "dana@example.com", clock)
    pages = [await post_form(client, "/forgot-password", {"email": "dana@example.com"}) for _ in range(5)]
    assert {page.status_code for page in pages} == {200}
    assert len({page.text.count("Check your email") for page in pages}) == 1
    await asyncio.sleep(0.2)  # the reset is looked up after the answer, as a background task
    await app.ctx.mail_sender.flush()
    assert len(outbox(config.data_dir)) == 3


@pytest.mark.small_throttles
async def test_resend_verification_is_throttled_per_address(client, clock) -> None:
    for number in range(5):
        answer = await post_form(
            client, "/verify/resend", {"email": f"someone{number}@example.com"}, page="/forgot-password"
        )
        assert answer.status_code == 200
    refused = await post_form(client, "/verify/resend", {"email": "x@example.com"}, page="/forgot-password")
    assert refused.status_code == 429 and "Too many tries from your network" in refused.text


async def test_a_successful_sign_in_brings_an_old_hash_up_to_todays_parameters(client, clock) -> None:
    weak = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash(PASSWORD)
    await _login("200001", "dana@example.com", clock, password_hash=weak)
    assert passwords.needs_rehash(weak)
    assert (await _sign_in(client, "dana@example.com", PASSWORD)).status_code == 303
    stored = (await PortalUser.get(email="dana@example.com")).password_hash
    assert stored != weak and not passwords.needs_rehash(stored)
    client.cookies.clear()
    assert (await _sign_in(client, "dana@example.com", PASSWORD)).status_code == 303


async def test_staff_hashes_are_brought_up_to_todays_parameters(client) -> None:
    weak = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash(STAFF_PASSWORDS["rep"])
    await StaffUser.filter(username="rep").update(password_hash=weak)
    assert (await client.post(TOKEN, json={"username": "rep", "password": STAFF_PASSWORDS["rep"]})).is_success
    assert not passwords.needs_rehash((await StaffUser.get(username="rep")).password_hash)


async def test_the_hashing_pool_is_bounded() -> None:
    pool = passwords._Pool(threads=1, queue=1)
    release = threading.Event()
    first = asyncio.ensure_future(pool.run(release.wait, 5))
    second = asyncio.ensure_future(pool.run(release.wait, 5))
    await asyncio.sleep(0.05)
    with pytest.raises(HashingBusy):
        await pool.run(release.wait, 5)
    release.set()
    assert await first and await second
    assert await pool.run(lambda: "free again") == "free again"


async def test_a_full_hashing_queue_answers_busy_with_retry_after(client, clock, monkeypatch) -> None:
    await _login("200001", "dana@example.com", clock)
    monkeypatch.setattr(passwords, "_POOL", passwords._Pool(threads=1, queue=0))
    release = threading.Event()
    blocker = asyncio.ensure_future(passwords._POOL.run(release.wait, 5))
    await asyncio.sleep(0.05)
    try:
        busy = await _sign_in(client, "dana@example.com", PASSWORD)
    finally:
        release.set()
        await blocker
    assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
    assert "We are busy right now" in busy.text and "Traceback" not in busy.text
