"""Listing portal users: search, status filter, pages, who may list, refused queries, no secrets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from common.schemas.admin import PORTAL_USER_STATUS_FILTERS, PortalUserPage
from portal_server.clock import FakeClock
from portal_server.portal_users.models import PortalUser
from portal_server.security.passwords import hash_password
from tests.portal_server.subscriber_support import link_in, make_account, wait_for_mail

USERS = "/api/v1/admin/portal-users"
PASSWORD = "correct horse battery"
ITEM_KEYS = {
    "id",
    "username",
    "email",
    "display_name",
    "account_number",
    "status",
    "email_verified",
    "bill_notifications",
    "locked",
    "locked_until",
    "created_at",
    "last_sign_in_at",
}
# Logins with a username first, by username in any case; the others by email address.
SORTED = [
    "alice@example.com",
    "robert@example.org",
    "carol@example.com",
    "dave@example.com",
    "erin@example.com",
    "zed@example.com",
]


@dataclass
class Seeded:
    """The portal users the tests list, and the secrets that must never show."""

    password_hash: str
    invite_token: str


async def _user(
    clock: FakeClock,
    number: str,
    email: str,
    username: str | None,
    status: str,
    **extra: Any,
) -> PortalUser:
    account = await make_account(clock, number, holder=f"Holder {number}")
    return await PortalUser.create(
        account=account,
        email=email,
        username=username,
        display_name=account.holder_name,
        status=status,
        created_at=clock.now() - timedelta(days=int(number[-1])),
        **extra,
    )


@pytest.fixture
async def seeded(client: httpx.AsyncClient, admin, config, clock: FakeClock) -> Seeded:
    """Six portal users in every state; one has a password, one a pending invitation link."""
    now = clock.now()
    password_hash = await hash_password(PASSWORD)
    await _user(
        clock,
        "500001",
        "alice@example.com",
        "Alice",
        "active",
        password_hash=password_hash,
        email_verified_at=now,
        last_login_at=now - timedelta(hours=2),
    )
    await _user(clock, "500002", "zed@example.com", None, "pending")
    await _user(clock, "500003", "robert@example.org", "bob_smith", "disabled")
    await _user(
        clock, "510004", "carol@example.com", "carol", "active", locked_until=now + timedelta(minutes=10)
    )
    await _user(
        clock, "500005", "dave@example.com", "dave", "active", locked_until=now - timedelta(minutes=1)
    )
    await make_account(clock, "500006", holder="Erin Invited")
    invited = await client.post(
        USERS, json={"account_number": "500006", "email": "erin@example.com"}, headers=admin.headers
    )
    assert invited.status_code == 201, invited.text
    (mail,) = await wait_for_mail(config.data_dir, 1)
    _kind, token = link_in(mail)
    return Seeded(password_hash=password_hash, invite_token=token)


async def _list(client: httpx.AsyncClient, session, **params: str | int) -> PortalUserPage:
    response = await client.get(USERS, params=params, headers=session.headers)
    assert response.status_code == 200, response.text
    return PortalUserPage.model_validate(response.json())


def _emails(page: PortalUserPage) -> list[str]:
    return [item.email for item in page.items]


async def test_lists_everyone_sorted_by_username_with_the_default_page(client, admin, seeded) -> None:
    page = await _list(client, admin)
    assert _emails(page) == SORTED
    assert (page.total, page.page, page.page_size) == (6, 1, 25)
    alice = page.items[0]
    assert alice.username == "Alice"
    assert alice.account_number == "500001"
    assert alice.display_name == "Holder 500001"
    assert alice.status == "active" and alice.email_verified and alice.bill_notifications
    assert alice.created_at.isoformat() == "2026-01-14T09:00:00+00:00"
    assert (
        alice.last_sign_in_at is not None and alice.last_sign_in_at.isoformat() == "2026-01-15T07:00:00+00:00"
    )
    erin = page.items[4]
    assert (erin.username, erin.status, erin.email_verified, erin.last_sign_in_at) == (
        None,
        "invited",
        False,
        None,
    )


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ALICE", ["alice@example.com"]),  # username, any case
        ("Example.ORG", ["robert@example.org"]),  # email
        ("bob_", ["robert@example.org"]),  # "_" is a character, not a wildcard
        ("b_b", []),
        ("%", []),  # nor is "%"
        ("51000", ["carol@example.com"]),  # account number
        ("5000", [e for e in SORTED if e != "carol@example.com"]),
        ("  carol  ", ["carol@example.com"]),  # spaces around the search are ignored
        ("nobody-like-this", []),
    ],
)
async def test_search_matches_username_email_or_account_number(
    client, admin, seeded, q: str, expected: list[str]
) -> None:
    page = await _list(client, admin, q=q)
    assert _emails(page) == expected
    assert page.total == len(expected)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("active", ["alice@example.com", "carol@example.com", "dave@example.com"]),
        ("pending", ["zed@example.com"]),
        ("invited", ["erin@example.com"]),
        ("disabled", ["robert@example.org"]),
        # Locked now, whatever the stored status; dave's lockout has run out.
        ("locked", ["carol@example.com"]),
        ("", SORTED),
    ],
)
async def test_status_filters_on_the_login_state(
    client, admin, seeded, status: str, expected: list[str]
) -> None:
    page = await _list(client, admin, status=status)
    assert _emails(page) == expected
    assert page.total == len(expected)


async def test_lock_state_follows_the_clock(client, admin, seeded, clock: FakeClock) -> None:
    by_email = {item.email: item for item in (await _list(client, admin)).items}
    carol, dave = by_email["carol@example.com"], by_email["dave@example.com"]
    assert carol.locked and carol.locked_until is not None
    assert carol.locked_until.isoformat() == "2026-01-15T09:10:00+00:00"
    assert (dave.locked, dave.locked_until) == (False, None)
    assert all(not item.locked for email, item in by_email.items() if email != "carol@example.com")
    clock.advance(minutes=10)
    assert (await _list(client, admin, status="locked")).total == 0
    carol = next(i for i in (await _list(client, admin, q="carol")).items)
    assert (carol.locked, carol.locked_until) == (False, None)


async def test_search_and_status_combine(client, admin, seeded) -> None:
    page = await _list(client, admin, q="example.com", status="active")
    assert _emails(page) == ["alice@example.com", "carol@example.com", "dave@example.com"]


async def test_pages_split_the_sorted_list_without_gaps_or_repeats(client, admin, seeded) -> None:
    seen: list[str] = []
    for number in (1, 2, 3):
        page = await _list(client, admin, page=number, page_size=2)
        assert (page.total, page.page, page.page_size) == (6, number, 2)
        assert len(page.items) == 2
        seen += _emails(page)
    assert seen == SORTED
    beyond = await _list(client, admin, page=4, page_size=2)
    assert (beyond.items, beyond.total, beyond.page) == ([], 6, 4)
    single = await _list(client, admin, page_size=1)
    assert _emails(single) == SORTED[:1] and single.total == 6
    widest = await _list(client, admin, page_size=100, status="active", page=1)
    assert widest.total == 3


async def test_secrets_never_show(client, admin, seeded) -> None:
    response = await client.get(USERS, params={"page_size": 100}, headers=admin.headers)
    assert response.status_code == 200
    for item in response.json()["items"]:
        assert set(item) == ITEM_KEYS
    text = response.text
    assert seeded.password_hash not in text
    assert "$argon2" not in text
    assert seeded.invite_token not in text
    for word in ("password", "hash", "token", "failed_logins"):
        assert word not in text.lower(), word


async def test_anonymous_and_bogus_tokens_get_401(client, seeded) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-real-token"}):
        response = await client.get(USERS, headers=headers)
        assert response.status_code == 401, response.text
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["error"]["code"] == "unauthorized"
        assert "alice" not in response.text


@pytest.mark.parametrize("username", ["admin", "rep"])
async def test_both_delivered_roles_may_list(client, login_as, seeded, username: str) -> None:
    session = await login_as(username)
    page = await _list(client, session, status="active")
    assert page.total == 3


@pytest.mark.parametrize(
    ("params", "field", "reason"),
    [
        ({"status": "unknown"}, "status", "must be one of " + ", ".join(PORTAL_USER_STATUS_FILTERS)),
        ({"status": "ACTIVE"}, "status", "must be one of"),
        ({"status": "active\x00"}, "status", "must not contain NUL"),
        ({"q": "ali\x00ce"}, "q", "must not contain NUL"),
        ({"q": "x" * 255}, "q", "must be at most 254 characters"),
        ({"page": "0"}, "page", "must be between 1 and"),
        ({"page": "-1"}, "page", "must be between 1 and"),
        ({"page": "two"}, "page", "must be a whole number"),
        ({"page": "1.5"}, "page", "must be a whole number"),
        ({"page": "9223372036854775808"}, "page", "must be between 1 and"),
        ({"page": "1" + "0" * 40}, "page", "must be between 1 and"),
        ({"page_size": "0"}, "page_size", "must be between 1 and 100"),
        ({"page_size": "101"}, "page_size", "must be between 1 and 100"),
        ({"page_size": "2147483648"}, "page_size", "must be between 1 and 100"),
        ({"page_size": "ten"}, "page_size", "must be a whole number"),
    ],
)
async def test_bad_queries_get_a_422_naming_the_field(
    client, admin, params: dict[str, str], field: str, reason: str
) -> None:
    response = await client.get(USERS, params=params, headers=admin.headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert error["fields"][field].startswith(reason), error
    assert field in error["message"]


async def test_the_route_is_documented(client) -> None:
    spec = (await client.get("/docs/openapi.json")).json()
    operation = spec["paths"][USERS]["get"]
    assert operation["security"] == [{"token": []}]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"q", "status", "page", "page_size"}
    assert parameters["status"]["schema"]["enum"] == list(PORTAL_USER_STATUS_FILTERS)
    assert parameters["page_size"]["schema"]["maximum"] == 100
    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PortalUserPage"
    )
