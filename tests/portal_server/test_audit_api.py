"""Reading the audit trail: what profile changes record, filters, pages, and who may read."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from PIL import Image

from common.profile import READ_ONLY_FIELDS
from common.profile_diff import diff
from portal_server.clock import FakeClock

AUDIT = "/api/v1/admin/audit"
PROFILES = "/api/v1/admin/profiles"
ADMIN_ACTOR = "staff:admin"
ADDRESS = "127.0.0.1"


def _content(profile: dict[str, Any]) -> dict[str, Any]:
    """The stored document of a profile: the API answer without its read-only fields."""
    return {k: v for k, v in profile.items() if k not in READ_ONLY_FIELDS}


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    changes = diff(before, after)
    return (
        {c["field"]: c["before"] for c in changes},
        {c["field"]: c["after"] for c in changes},
    )


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 30, 30, 255)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class Story:
    """The profile changes made by an administrator, and what each should have recorded."""

    first_id: int
    copy_id: int
    expected: list[dict[str, Any]]  # oldest first


async def _call(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> Any:
    response = await client.request(method, url, **kwargs)
    assert response.status_code in (200, 201, 204), f"{method} {url}: {response.text}"
    return response.json() if response.content else None


async def _story(client: httpx.AsyncClient, headers: dict[str, str], clock: FakeClock) -> Story:
    """Create, change, duplicate and remove profiles, one minute apart."""
    expected: list[dict[str, Any]] = []

    def event(action: str, object_id: int, label: str, before: Any, after: Any) -> None:
        expected.append(
            {
                "at": clock.now(),
                "action": action,
                "object_id": str(object_id),
                "object_label": label,
                "before": before,
                "after": after,
            }
        )

    clock.advance(minutes=1)
    first = await _call(
        client,
        "POST",
        PROFILES,
        json={"name": "Audit One", "description": "first"},
        headers=headers,
    )
    first_id = first["id"]
    event("profile.create", first_id, "Audit One", None, _content(first))

    clock.advance(minutes=1)
    await _call(client, "PATCH", f"{PROFILES}/{first_id}", json={"description": "second"}, headers=headers)
    event("profile.update", first_id, "Audit One", {"description": "first"}, {"description": "second"})

    clock.advance(minutes=1)
    copy = await _call(
        client,
        "POST",
        f"{PROFILES}/{first_id}/duplicate",
        json={"name": "Audit Two"},
        headers=headers,
    )
    copy_id = copy["id"]
    assert copy_id != first_id
    event("profile.duplicate", copy_id, "Audit Two", None, _content(copy))

    clock.advance(minutes=1)
    await _call(client, "POST", f"{PROFILES}/{first_id}/markets", json={"market": "EAST"}, headers=headers)
    event("profile.market_add", first_id, "Audit One", None, {"market": "EAST"})

    clock.advance(minutes=1)
    before_logo = await _call(client, "DELETE", f"{PROFILES}/{first_id}/markets/EAST", headers=headers)
    event("profile.market_remove", first_id, "Audit One", {"market": "EAST"}, None)

    clock.advance(minutes=1)
    after_logo = await _call(
        client,
        "PUT",
        f"{PROFILES}/{first_id}/logos/login",
        content=_png(120, 40),
        headers={**headers, "Content-Type": "image/png"},
    )
    old, new = _changes(_content(before_logo), _content(after_logo))
    assert new["logos.login.sha256"] == after_logo["logos"]["login"]["sha256"]
    assert old["logos.login.sha256"] is None
    event("profile.logo", first_id, "Audit One", old, new)

    clock.advance(minutes=1)
    await _call(client, "DELETE", f"{PROFILES}/{copy_id}", headers=headers)
    event("profile.delete", copy_id, "Audit Two", {**_content(copy), "markets": []}, None)

    return Story(first_id, copy_id, expected)


async def _page(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict:
    response = await client.get(AUDIT, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _at(item: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(item["at"].replace("Z", "+00:00"))


async def test_profile_changes_are_recorded_as_the_service_writes_them(client, admin, clock) -> None:
    story = await _story(client, admin.headers, clock)
    body = await _page(client, admin.headers, object="profile", actor=ADMIN_ACTOR)
    assert body["total"] == len(story.expected)
    got = list(reversed(body["items"]))  # oldest first, like the story
    for item, want in zip(got, story.expected, strict=True):
        assert item["actor"] == ADMIN_ACTOR
        assert item["acting_as"] is None
        assert item["address"] == ADDRESS
        assert item["object_type"] == "profile"
        assert _at(item) == want["at"], item["action"]
        for key in ("action", "object_id", "object_label", "before", "after"):
            assert item[key] == want[key], (item["action"], key)


async def test_events_come_newest_first(client, admin, clock) -> None:
    await _story(client, admin.headers, clock)
    items = (await _page(client, admin.headers))["items"]
    assert len(items) > 8
    keys = [(_at(item), item["id"]) for item in items]
    assert keys == sorted(keys, reverse=True)
    assert items[0]["action"] == "profile.delete"


async def test_filter_by_actor(client, admin, rep, clock) -> None:
    await _story(client, admin.headers, clock)
    body = await _page(client, admin.headers, actor=ADMIN_ACTOR)
    assert body["items"] and all(item["actor"] == ADMIN_ACTOR for item in body["items"])
    # 7 profile events and the administrator's sign-in
    assert body["total"] == 8
    assert {item["action"] for item in body["items"]} >= {"staff.sign_in", "profile.create"}

    # part of kind:name, without regard to case
    assert (await _page(client, admin.headers, actor="ADMIN"))["total"] == body["total"]

    rep_events = await _page(client, admin.headers, actor="staff:rep")
    assert [item["action"] for item in rep_events["items"]] == ["staff.sign_in"]

    system = await _page(client, admin.headers, actor="system:")
    assert system["total"] >= 3  # the seeded staff and the default profile
    assert all(item["actor"].startswith("system:") for item in system["items"])

    assert (await _page(client, admin.headers, actor="nobody-at-all"))["total"] == 0


async def test_filter_by_object_type_and_id(client, admin, clock) -> None:
    story = await _story(client, admin.headers, clock)
    every_profile = await _page(client, admin.headers, object="profile")
    assert all(item["object_type"] == "profile" for item in every_profile["items"])
    assert every_profile["total"] == len(story.expected) + 1  # and the default profile's creation

    first = await _page(client, admin.headers, object=f"profile:{story.first_id}")
    assert [item["action"] for item in first["items"]] == [
        "profile.logo",
        "profile.market_remove",
        "profile.market_add",
        "profile.update",
        "profile.create",
    ]
    assert first["total"] == 5
    assert {item["object_id"] for item in first["items"]} == {str(story.first_id)}

    copy = await _page(client, admin.headers, object=f"profile:{story.copy_id}")
    assert [item["action"] for item in copy["items"]] == ["profile.delete", "profile.duplicate"]

    staff = await _page(client, admin.headers, object="staff")
    assert staff["total"] >= 3
    assert all(item["object_type"] == "staff" for item in staff["items"])

    assert (await _page(client, admin.headers, object="profile:999999"))["total"] == 0


async def test_filter_by_action_prefix(client, admin, clock) -> None:
    await _story(client, admin.headers, clock)
    refused = await client.post(
        "/api/v1/admin/auth/token", json={"username": "rep", "password": "wrong-password"}
    )
    assert refused.status_code == 401

    markets = await _page(client, admin.headers, action="profile.market")
    assert [item["action"] for item in markets["items"]] == [
        "profile.market_remove",
        "profile.market_add",
    ]

    profile_actions = await _page(client, admin.headers, action="profile.")
    assert profile_actions["total"] == 8
    assert all(item["action"].startswith("profile.") for item in profile_actions["items"])

    # a prefix, so the failed attempt is found with the sign-ins
    sign_ins = await _page(client, admin.headers, action="staff.sign_in")
    assert {item["action"] for item in sign_ins["items"]} == {
        "staff.sign_in",
        "staff.sign_in_failed",
    }
    failed = await _page(client, admin.headers, action="staff.sign_in_failed")
    assert failed["total"] == 1
    assert failed["items"][0]["after"] == {"reason": "wrong password"}
    assert failed["items"][0]["actor"] == "staff:rep"
    assert failed["items"][0]["address"] == ADDRESS

    # an action is matched from its start only
    assert (await _page(client, admin.headers, action="market"))["total"] == 0


async def test_filters_combine(client, admin, clock) -> None:
    story = await _story(client, admin.headers, clock)
    body = await _page(
        client,
        admin.headers,
        actor="admin",
        object=f"profile:{story.first_id}",
        action="profile.update",
    )
    assert body["total"] == 1
    assert body["items"][0]["after"] == {"description": "second"}


async def test_pagination(client, admin, clock) -> None:
    await _story(client, admin.headers, clock)
    everything = await _page(client, admin.headers, action="profile.")
    assert everything["total"] == 8
    assert everything["page"] == 1
    assert everything["page_size"] == 50

    pages = [await _page(client, admin.headers, action="profile.", page=n, page_size=3) for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [3, 3, 2]
    assert all(p["total"] == 8 and p["page_size"] == 3 for p in pages)
    assert [p["page"] for p in pages] == [1, 2, 3]
    ids = [item["id"] for p in pages for item in p["items"]]
    assert ids == [item["id"] for item in everything["items"]]

    beyond = await _page(client, admin.headers, action="profile.", page=4, page_size=3)
    assert beyond["items"] == []
    assert beyond["total"] == 8

    whole = await _page(client, admin.headers, page_size=200)
    assert len(whole["items"]) == whole["total"] > 8


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "1.5"}, "page_size"),
        ({"actor": "x" * 201}, "actor"),
    ],
)
async def test_bad_filters_are_a_422_naming_the_field(client, admin, params, field) -> None:
    response = await client.get(AUDIT, params=params, headers=admin.headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert field in error["message"]


async def test_a_care_rep_may_not_read_the_audit_trail(client, rep) -> None:
    response = await client.get(AUDIT, headers=rep.headers)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "forbidden"
    assert error["permission"] == "customer_care.view_audit"
    assert "View Audit Trail" in error["message"]


async def test_signed_out_callers_get_401(client) -> None:
    response = await client.get(AUDIT)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
