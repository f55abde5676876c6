"""Profile administration through the admin API."""

from __future__ import annotations

import pytest

BASE = "/api/v1/admin/profiles"


async def _default(client, session) -> dict:
    items = (await client.get(BASE, headers=session.headers)).json()["items"]
    default = next(item for item in items if item["is_default"])
    return (await client.get(f"{BASE}/{default['id']}", headers=session.headers)).json()


async def _create(client, session, **fields) -> dict:
    response = await client.post(BASE, json=fields, headers=session.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _audit(client, session, **filters) -> list[dict]:
    response = await client.get("/api/v1/admin/audit", params=filters, headers=session.headers)
    return response.json()["items"]


async def test_a_default_profile_exists_from_the_first_start(client, admin) -> None:
    listing = (await client.get(BASE, headers=admin.headers)).json()
    assert listing["total"] == 1
    default = listing["items"][0]
    assert default["name"] == "Default" and default["is_default"] is True
    profile = (await client.get(f"{BASE}/{default['id']}", headers=admin.headers)).json()
    assert profile["settings"]["theme"] == "blue"
    # US formats with a "$", and a brand that reads in "Your … account" (not the name "Default").
    assert profile["settings"]["locale"] == "en-US" and profile["settings"]["currency_symbol"] == "$"
    assert profile["settings"]["brand_name"] == "Customer Portal"
    assert profile["menu"][0]["key"] == "account_summary"
    assert profile["version"] == 1


async def test_create_from_out_of_box_defaults(client, admin) -> None:
    first = await _create(client, admin)
    second = await _create(client, admin)
    assert first["name"] == "New profile" and second["name"] == "New profile 2"
    assert first["is_default"] is False and first["markets"] == []
    named = await _create(client, admin, name="Retail", description="Home users", settings={"theme": "gray"})
    assert named["settings"]["theme"] == "gray"
    assert named["settings"]["browser_title"] == "Customer Portal"
    assert named["settings"]["brand_name"] == ""  # mail speaks of "Retail" until a brand is entered
    assert named["settings"]["currency_symbol"] == "$"
    events = await _audit(client, admin, object=f"profile:{named['id']}")
    assert [e["action"] for e in events] == ["profile.create"]
    assert events[0]["actor"] == "staff:admin"


async def test_get_carries_the_version_as_etag(client, admin) -> None:
    profile = await _create(client, admin, name="Etag")
    response = await client.get(f"{BASE}/{profile['id']}", headers=admin.headers)
    assert response.headers["etag"] == '"1"'


async def test_list_search_and_sort(client, admin) -> None:
    await _create(client, admin, name="Retail East", description="homes")
    await _create(client, admin, name="Business West", description="firms")
    names = [i["name"] for i in (await client.get(BASE, headers=admin.headers)).json()["items"]]
    assert names == ["Business West", "Default", "Retail East"]
    names = [
        i["name"] for i in (await client.get(f"{BASE}?sort=-name", headers=admin.headers)).json()["items"]
    ]
    assert names == ["Retail East", "Default", "Business West"]
    found = (await client.get(f"{BASE}?q=FIRMS", headers=admin.headers)).json()
    assert [i["name"] for i in found["items"]] == ["Business West"] and found["total"] == 1
    bad = await client.get(f"{BASE}?sort=colour", headers=admin.headers)
    assert bad.status_code == 422 and "sort" in bad.json()["error"]["fields"]


async def test_put_replaces_and_patch_merges(client, admin) -> None:
    profile = await _create(client, admin, name="Edit me")
    document = {
        **profile,
        "description": "Changed",
        "settings": {**profile["settings"], "currency_symbol": "€"},
    }
    put = await client.put(f"{BASE}/{profile['id']}", json=document, headers=admin.headers)
    assert put.status_code == 200, put.text
    assert put.json()["description"] == "Changed" and put.json()["version"] == 2
    patch = await client.patch(
        f"{BASE}/{profile['id']}",
        json={"settings": {"top_bar_color": "#123456"}},
        headers=admin.headers,
    )
    body = patch.json()
    assert body["settings"]["top_bar_color"] == "#123456"
    assert body["settings"]["currency_symbol"] == "€", "a merge patch keeps what it does not name"
    assert body["version"] == 3
    reset = await client.patch(
        f"{BASE}/{profile['id']}", json={"settings": {"top_bar_color": None}}, headers=admin.headers
    )
    assert reset.json()["settings"]["top_bar_color"] is None
    events = await _audit(client, admin, object=f"profile:{profile['id']}", action="profile.update")
    assert events[-1]["before"] == {"description": "", "settings.currency_symbol": "$"}
    assert events[-1]["after"] == {"description": "Changed", "settings.currency_symbol": "€"}


async def test_rename_and_name_clash(client, admin) -> None:
    profile = await _create(client, admin, name="Old name")
    renamed = await client.patch(f"{BASE}/{profile['id']}", json={"name": "New name"}, headers=admin.headers)
    assert renamed.json()["name"] == "New name"
    clash = await client.patch(f"{BASE}/{profile['id']}", json={"name": "default"}, headers=admin.headers)
    assert clash.status_code == 409
    assert clash.json()["error"]["fields"] == {"name": "is already used by another profile"}
    clash = await client.post(BASE, json={"name": "NEW NAME"}, headers=admin.headers)
    assert clash.status_code == 409


async def test_default_profile_can_be_edited_and_renamed_but_never_removed(client, admin) -> None:
    default = await _default(client, admin)
    renamed = await client.patch(f"{BASE}/{default['id']}", json={"name": "Everyone"}, headers=admin.headers)
    assert renamed.status_code == 200 and renamed.json()["is_default"] is True
    refused = await client.delete(f"{BASE}/{default['id']}", headers=admin.headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "default_profile"
    assert (await client.get(f"{BASE}/{default['id']}", headers=admin.headers)).status_code == 200


async def test_remove_a_profile(client, admin) -> None:
    profile = await _create(client, admin, name="Short lived")
    await client.post(f"{BASE}/{profile['id']}/markets", json={"market": "EAST"}, headers=admin.headers)
    assert (await client.delete(f"{BASE}/{profile['id']}", headers=admin.headers)).status_code == 204
    assert (await client.get(f"{BASE}/{profile['id']}", headers=admin.headers)).status_code == 404
    # Its market is free again.
    other = await _create(client, admin, name="Taker")
    taken = await client.post(f"{BASE}/{other['id']}/markets", json={"market": "EAST"}, headers=admin.headers)
    assert taken.status_code == 200
    events = await _audit(client, admin, action="profile.delete")
    assert events[0]["before"]["markets"] == ["EAST"]


async def test_duplicate_copies_everything_but_markets(client, admin) -> None:
    source = await _create(
        client,
        admin,
        name="Source",
        settings={"theme": "gray", "currency_symbol": "£"},
        helpful_links=[{"text": "Status", "url": "https://status.example.com"}],
    )
    await client.post(f"{BASE}/{source['id']}/markets", json={"market": "NORTH"}, headers=admin.headers)
    response = await client.post(
        f"{BASE}/{source['id']}/duplicate", json={"name": "Copy"}, headers=admin.headers
    )
    assert response.status_code == 201
    copy = response.json()
    assert copy["markets"] == [] and copy["name"] == "Copy" and copy["id"] != source["id"]
    for key in (
        "settings",
        "menu",
        "helpful_links",
        "support",
        "home_widgets",
        "chat",
        "notifications",
    ):
        assert copy[key] == source[key], key
    missing = await client.post(f"{BASE}/{source['id']}/duplicate", json={}, headers=admin.headers)
    assert missing.status_code == 422 and missing.json()["error"]["fields"] == {"name": "is required"}
    clash = await client.post(
        f"{BASE}/{source['id']}/duplicate", json={"name": "source"}, headers=admin.headers
    )
    assert clash.status_code == 409


async def test_markets_belong_to_at_most_one_profile(client, admin) -> None:
    east = await _create(client, admin, name="East")
    west = await _create(client, admin, name="West")
    added = await client.post(
        f"{BASE}/{east['id']}/markets", json={"market": "NEW YORK"}, headers=admin.headers
    )
    assert added.json()["markets"] == ["NEW YORK"]
    again = await client.post(
        f"{BASE}/{east['id']}/markets", json={"market": "NEW YORK"}, headers=admin.headers
    )
    assert again.status_code == 200 and again.json()["markets"] == ["NEW YORK"]
    taken = await client.post(
        f"{BASE}/{west['id']}/markets", json={"market": "NEW YORK"}, headers=admin.headers
    )
    assert taken.status_code == 409
    assert taken.json()["error"]["fields"]["market"] == "belongs to the profile East"
    bad = await client.post(
        f"{BASE}/{west['id']}/markets", json={"market": "no/slashes"}, headers=admin.headers
    )
    assert bad.status_code == 422 and "market" in bad.json()["error"]["fields"]
    removed = await client.delete(f"{BASE}/{east['id']}/markets/NEW%20YORK", headers=admin.headers)
    assert removed.status_code == 200 and removed.json()["markets"] == []
    gone = await client.delete(f"{BASE}/{east['id']}/markets/NEW%20YORK", headers=admin.headers)
    assert gone.status_code == 404


async def test_markets_in_a_profile_body_are_ignored(client, admin) -> None:
    profile = await _create(client, admin, name="Body markets")
    response = await client.put(
        f"{BASE}/{profile['id']}", json={**profile, "markets": ["SNEAKY"]}, headers=admin.headers
    )
    assert response.status_code == 200 and response.json()["markets"] == []


async def test_invalid_update_names_fields_and_saves_nothing(client, admin) -> None:
    profile = await _create(client, admin, name="Careful")
    response = await client.patch(
        f"{BASE}/{profile['id']}",
        json={
            "description": "half",
            "settings": {"top_bar_color": "nope", "locale": "klingon", "brand_name": "B" * 81},
            "menu": [{"key": "usage"}],
        },
        headers=admin.headers,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["fields"]["settings.top_bar_color"] == "must be a colour such as #0a3d73"
    assert error["fields"]["settings.locale"].startswith("must be one of 'en-US', ")
    assert error["fields"]["settings.brand_name"] == "must be at most 80 characters"
    assert error["fields"]["menu.0.label"] == "is required"
    assert error["message"].startswith("settings.top_bar_color") or error["message"].startswith("menu")
    after = (await client.get(f"{BASE}/{profile['id']}", headers=admin.headers)).json()
    assert after == profile
    assert [e["action"] for e in await _audit(client, admin, object=f"profile:{profile['id']}")] == [
        "profile.create"
    ]


@pytest.mark.parametrize("body", [[1, 2], "text", 3, None])
async def test_non_object_bodies_are_refused(client, admin, body) -> None:
    profile = await _create(client, admin, name="Shape")
    response = await client.put(f"{BASE}/{profile['id']}", json=body, headers=admin.headers)
    assert response.status_code in (400, 422)
    assert response.json()["error"]["fields"]


async def test_oversized_json_is_refused(client, admin) -> None:
    profile = await _create(client, admin, name="Big")
    response = await client.patch(
        f"{BASE}/{profile['id']}", json={"description": "x" * 300_000}, headers=admin.headers
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_unknown_profile_is_404(client, admin) -> None:
    for method, path in (
        ("get", f"{BASE}/9999"),
        ("delete", f"{BASE}/9999"),
        ("get", f"{BASE}/9999/versions"),
    ):
        response = await client.request(method.upper(), path, headers=admin.headers)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
