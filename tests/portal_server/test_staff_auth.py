"""Staff sign-in, sign-out, token expiry and lockout."""

from __future__ import annotations

from portal_server.staff.models import StaffUser
from tests.conftest import STAFF_PASSWORDS

TOKEN = "/api/v1/admin/auth/token"


async def test_sign_in_returns_a_bearer_token_with_permissions(client) -> None:
    response = await client.post(TOKEN, json={"username": "admin", "password": STAFF_PASSWORDS["admin"]})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 8 * 3600
    assert len(body["access_token"]) >= 40
    assert "customer_care.manage_portal_administration" in body["permissions"]
    assert response.headers["cache-control"] == "no-store"


async def test_wrong_password_and_unknown_user_get_the_same_answer(client) -> None:
    wrong = await client.post(TOKEN, json={"username": "admin", "password": "not-it-at-all"})
    unknown = await client.post(TOKEN, json={"username": "nobody", "password": "not-it-at-all"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_missing_fields_are_named(client) -> None:
    response = await client.post(TOKEN, json={"username": "admin"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"password": "is required"}


async def test_malformed_json_is_a_400(client) -> None:
    response = await client.post(TOKEN, content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"body": "is not valid JSON"}


async def test_sign_out_revokes_the_token(client, admin) -> None:
    assert (await client.get("/api/v1/admin/profiles", headers=admin.headers)).status_code == 200
    assert (await client.delete(TOKEN, headers=admin.headers)).status_code == 204
    replay = await client.get("/api/v1/admin/profiles", headers=admin.headers)
    assert replay.status_code == 401
    assert replay.headers["www-authenticate"].startswith("Bearer")


async def test_token_expires_with_the_clock(client, admin, clock) -> None:
    clock.advance(hours=7, minutes=59)
    assert (await client.get("/api/v1/admin/profiles", headers=admin.headers)).status_code == 200
    clock.advance(minutes=2)
    assert (await client.get("/api/v1/admin/profiles", headers=admin.headers)).status_code == 401


async def test_repeated_failures_lock_the_account_with_growing_waits(client, clock) -> None:
    good = {"username": "rep", "password": STAFF_PASSWORDS["rep"]}
    for _ in range(5):
        assert (
            await client.post(TOKEN, json={"username": "rep", "password": "guess-guess"})
        ).status_code == 401
    locked = await client.post(TOKEN, json=good)
    assert locked.status_code == 401, "the right password is refused while locked"
    clock.advance(seconds=61)
    assert (await client.post(TOKEN, json=good)).status_code == 200
    # The counter starts again after a success; once a lock has run out, the sixth failure in a
    # row waits twice as long.
    for _ in range(5):
        await client.post(TOKEN, json={"username": "rep", "password": "guess-guess"})
    clock.advance(seconds=61)
    await client.post(TOKEN, json={"username": "rep", "password": "guess-guess"})
    clock.advance(seconds=61)
    assert (await client.post(TOKEN, json=good)).status_code == 401
    clock.advance(seconds=60)
    assert (await client.post(TOKEN, json=good)).status_code == 200


async def test_attempts_while_locked_do_not_extend_the_lock(client, clock) -> None:
    """One guess a minute must not keep a known staff username locked out for good."""
    good = {"username": "rep", "password": STAFF_PASSWORDS["rep"]}
    for _ in range(5):
        await client.post(TOKEN, json={"username": "rep", "password": "guess-guess"})
    for _ in range(3):
        clock.advance(seconds=15)
        assert (
            await client.post(TOKEN, json={"username": "rep", "password": "guess-guess"})
        ).status_code == 401
    clock.advance(seconds=16)
    assert (await client.post(TOKEN, json=good)).status_code == 200
    user = await StaffUser.get(username="rep")
    assert user.failed_logins == 0 and user.locked_until is None


async def test_every_sign_in_attempt_is_audited(client, admin) -> None:
    await client.post(TOKEN, json={"username": "admin", "password": "wrong-password"})
    events = (await client.get("/api/v1/admin/audit?action=staff.sign_in", headers=admin.headers)).json()
    actions = [event["action"] for event in events["items"]]
    assert actions.count("staff.sign_in_failed") == 1
    assert actions.count("staff.sign_in") == 1
    failed = next(e for e in events["items"] if e["action"] == "staff.sign_in_failed")
    assert failed["after"] == {"reason": "wrong password"}
    assert failed["address"] == "127.0.0.1"
    assert "wrong-password" not in str(events)
