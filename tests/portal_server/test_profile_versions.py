"""Profile versions, diffs, restore, and two reps editing one profile."""

from __future__ import annotations

BASE = "/api/v1/admin/profiles"


async def _create(client, session, **fields) -> dict:
    response = await client.post(BASE, json=fields, headers=session.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_every_save_keeps_a_version(client, admin) -> None:
    profile = await _create(client, admin, name="History")
    pid = profile["id"]
    await client.patch(f"{BASE}/{pid}", json={"settings": {"theme": "gray"}}, headers=admin.headers)
    await client.post(f"{BASE}/{pid}/markets", json={"market": "SOUTH"}, headers=admin.headers)
    await client.patch(f"{BASE}/{pid}", json={"description": "Southern homes"}, headers=admin.headers)
    versions = (await client.get(f"{BASE}/{pid}/versions", headers=admin.headers)).json()
    assert versions["current"] == 4
    assert [(v["number"], v["action"]) for v in versions["items"]] == [
        (4, "update"),
        (3, "markets"),
        (2, "update"),
        (1, "create"),
    ]
    assert all(v["created_by"] == "staff:admin" for v in versions["items"])


async def test_a_version_shows_its_changes_field_by_field(client, admin) -> None:
    profile = await _create(client, admin, name="Diffs")
    pid = profile["id"]
    await client.patch(
        f"{BASE}/{pid}",
        json={"settings": {"theme": "gray", "browser_title": "My Account"}},
        headers=admin.headers,
    )
    await client.post(f"{BASE}/{pid}/markets", json={"market": "EAST"}, headers=admin.headers)
    detail = (await client.get(f"{BASE}/{pid}/versions/2", headers=admin.headers)).json()
    assert detail["compared_with"] == 1
    assert detail["changes"] == [
        {"field": "settings.browser_title", "before": "Customer Portal", "after": "My Account"},
        {"field": "settings.theme", "before": "blue", "after": "gray"},
    ]
    against = (await client.get(f"{BASE}/{pid}/versions/3?against=1", headers=admin.headers)).json()
    assert {c["field"] for c in against["changes"]} == {
        "settings.browser_title",
        "settings.theme",
        "markets",
    }
    first = (await client.get(f"{BASE}/{pid}/versions/1", headers=admin.headers)).json()
    assert first["compared_with"] is None and first["changes"] == []
    assert first["content"]["settings"]["theme"] == "blue"
    missing = await client.get(f"{BASE}/{pid}/versions/9", headers=admin.headers)
    assert missing.status_code == 404
    bad = await client.get(f"{BASE}/{pid}/versions/2?against=x", headers=admin.headers)
    assert bad.status_code == 422 and "against" in bad.json()["error"]["fields"]


async def test_restore_brings_back_content_as_a_new_version(client, admin) -> None:
    profile = await _create(client, admin, name="Restore me")
    pid = profile["id"]
    await client.patch(
        f"{BASE}/{pid}",
        json={"name": "Renamed", "settings": {"currency_symbol": "€"}},
        headers=admin.headers,
    )
    await client.post(f"{BASE}/{pid}/markets", json={"market": "EU"}, headers=admin.headers)
    restored = await client.post(f"{BASE}/{pid}/versions/1/restore", headers=admin.headers)
    assert restored.status_code == 200, restored.text
    body = restored.json()
    assert body["name"] == "Restore me" and body["settings"]["currency_symbol"] == "$"
    assert body["version"] == 4
    assert body["markets"] == ["EU"], "markets are routing, not branding: restore keeps them"
    versions = (await client.get(f"{BASE}/{pid}/versions", headers=admin.headers)).json()
    assert versions["items"][0]["action"] == "restore"
    assert versions["items"][0]["note"] == "restored version 1"
    events = (await client.get("/api/v1/admin/audit?action=profile.restore", headers=admin.headers)).json()
    assert events["items"][0]["after"]["name"] == "Restore me"


async def test_restore_refuses_a_name_taken_since(client, admin) -> None:
    profile = await _create(client, admin, name="Original")
    await client.patch(f"{BASE}/{profile['id']}", json={"name": "Moved"}, headers=admin.headers)
    await _create(client, admin, name="Original")
    response = await client.post(f"{BASE}/{profile['id']}/versions/1/restore", headers=admin.headers)
    assert response.status_code == 409
    assert response.json()["error"]["fields"] == {"name": "is already used by another profile"}


async def test_two_reps_editing_one_profile_do_not_overwrite_each_other(client, admin, login_as) -> None:
    profile = await _create(client, admin, name="Shared")
    pid = profile["id"]
    other = await login_as("admin")
    # Both load version 1.
    first = await client.patch(
        f"{BASE}/{pid}", json={"description": "first", "version": 1}, headers=admin.headers
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    second = await client.patch(
        f"{BASE}/{pid}", json={"description": "second", "version": 1}, headers=other.headers
    )
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "version_conflict" and error["current_version"] == 2
    assert "version 2" in error["message"]
    current = (await client.get(f"{BASE}/{pid}", headers=admin.headers)).json()
    assert current["description"] == "first"


async def test_if_match_header_guards_every_kind_of_write(client, admin) -> None:
    profile = await _create(client, admin, name="Guarded")
    pid = profile["id"]
    await client.patch(f"{BASE}/{pid}", json={"description": "moved on"}, headers=admin.headers)
    stale = {**admin.headers, "If-Match": '"1"'}
    document = {**profile, "description": "stale"}
    document.pop("version")
    checks = [
        ("PUT", f"{BASE}/{pid}", document),
        ("PATCH", f"{BASE}/{pid}", {"description": "stale"}),
        ("POST", f"{BASE}/{pid}/markets", {"market": "X1"}),
        ("POST", f"{BASE}/{pid}/versions/1/restore", None),
        ("DELETE", f"{BASE}/{pid}", None),
    ]
    for method, path, body in checks:
        response = await client.request(method, path, json=body, headers=stale)
        assert response.status_code == 409, (method, path, response.text)
        assert response.json()["error"]["current_version"] == 2
    fresh = {**admin.headers, "If-Match": '"2"'}
    assert (await client.patch(f"{BASE}/{pid}", json={"description": "ok"}, headers=fresh)).status_code == 200
    garbled = await client.patch(f"{BASE}/{pid}", json={}, headers={**admin.headers, "If-Match": "soon"})
    assert garbled.status_code == 422 and "If-Match" in garbled.json()["error"]["fields"]
    mismatch = await client.patch(
        f"{BASE}/{pid}", json={"version": 2}, headers={**admin.headers, "If-Match": '"3"'}
    )
    assert mismatch.status_code == 422


async def test_writes_without_a_version_are_last_write_wins(client, admin) -> None:
    profile = await _create(client, admin, name="Loose")
    pid = profile["id"]
    for text in ("a", "b"):
        response = await client.patch(f"{BASE}/{pid}", json={"description": text}, headers=admin.headers)
        assert response.status_code == 200
    assert (await client.get(f"{BASE}/{pid}", headers=admin.headers)).json()["version"] == 3
