"""Logo upload through the admin API and serving of stored logos."""

from __future__ import annotations

import io

from PIL import Image

BASE = "/api/v1/admin/profiles"


def _png(width: int, height: int, colour: tuple[int, int, int] = (10, 80, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


async def _profile(client, admin) -> dict:
    response = await client.post(BASE, json={"name": "Branded"}, headers=admin.headers)
    return response.json()


async def test_upload_sets_the_slot_and_serves_the_image(client, admin) -> None:
    profile = await _profile(client, admin)
    response = await client.put(
        f"{BASE}/{profile['id']}/logos/login",
        content=_png(200, 50),
        headers={**admin.headers, "content-type": "application/octet-stream"},
    )
    assert response.status_code == 200, response.text
    logo = response.json()["logos"]["login"]
    assert logo["content_type"] == "image/png" and (logo["width"], logo["height"]) == (200, 50)
    assert response.json()["version"] == 2
    served = await client.get(f"/media/logos/{logo['sha256']}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert "immutable" in served.headers["cache-control"]
    assert Image.open(io.BytesIO(served.content)).size == (200, 50)
    events = (await client.get("/api/v1/admin/audit?action=profile.logo", headers=admin.headers)).json()
    assert events["items"][0]["after"]["logos.login.sha256"] == logo["sha256"]


async def test_type_comes_from_the_content_not_the_header(client, admin) -> None:
    profile = await _profile(client, admin)
    response = await client.put(
        f"{BASE}/{profile['id']}/logos/top_bar",
        content=b"<html>not an image</html>",
        headers={**admin.headers, "content-type": "image/png"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_logo" and "top_bar" in error["fields"]


async def test_limits_are_named_in_the_message(client, admin) -> None:
    profile = await _profile(client, admin)
    too_wide = await client.put(
        f"{BASE}/{profile['id']}/logos/top_bar", content=_png(200, 40), headers=admin.headers
    )
    assert too_wide.status_code == 422
    assert "175 px wide" in too_wide.json()["error"]["message"]
    not_square = await client.put(
        f"{BASE}/{profile['id']}/logos/favicon", content=_png(100, 90), headers=admin.headers
    )
    assert not_square.status_code == 422 and "square" in not_square.json()["error"]["message"]
    too_big = await client.put(
        f"{BASE}/{profile['id']}/logos/login",
        content=b"\x89PNG" + b"\0" * (2 * 1024 * 1024),
        headers=admin.headers,
    )
    assert too_big.status_code == 413
    unchanged = (await client.get(f"{BASE}/{profile['id']}", headers=admin.headers)).json()
    assert unchanged["logos"] == {"login": None, "top_bar": None, "favicon": None}
    assert unchanged["version"] == 1


async def test_a_far_too_large_upload_is_a_413(client, admin) -> None:
    profile = await _profile(client, admin)
    response = await client.put(
        f"{BASE}/{profile['id']}/logos/login",
        content=b"\0" * (4 * 1024 * 1024),
        headers=admin.headers,
    )
    assert response.status_code == 413
    assert "2 MB" in response.json()["error"]["message"]


async def test_unknown_slot_is_404(client, admin) -> None:
    profile = await _profile(client, admin)
    response = await client.put(
        f"{BASE}/{profile['id']}/logos/banner", content=_png(10, 10), headers=admin.headers
    )
    assert response.status_code == 404


async def test_reset_to_default_and_logo_refs_in_documents(client, admin) -> None:
    profile = await _profile(client, admin)
    uploaded = (
        await client.put(f"{BASE}/{profile['id']}/logos/favicon", content=_png(64, 64), headers=admin.headers)
    ).json()
    ref = uploaded["logos"]["favicon"]
    # A document may point a slot at a stored image; size facts come from the store, not the client.
    other = (await client.post(BASE, json={"name": "Other"}, headers=admin.headers)).json()
    claimed = {**ref, "width": 1, "height": 1}
    response = await client.patch(
        f"{BASE}/{other['id']}", json={"logos": {"favicon": claimed}}, headers=admin.headers
    )
    assert response.status_code == 200
    assert response.json()["logos"]["favicon"]["width"] == 64
    # A 64 x 64 image fits the top bar too; an image that does not fit its slot is refused.
    fits = await client.patch(
        f"{BASE}/{other['id']}", json={"logos": {"top_bar": ref}}, headers=admin.headers
    )
    assert fits.status_code == 200
    wide = (
        await client.put(f"{BASE}/{other['id']}/logos/login", content=_png(200, 50), headers=admin.headers)
    ).json()
    misfit = await client.patch(
        f"{BASE}/{other['id']}",
        json={"logos": {"favicon": wide["logos"]["login"]}},
        headers=admin.headers,
    )
    assert misfit.status_code == 422 and "square" in misfit.json()["error"]["fields"]["logos.favicon"]
    unknown = {**ref, "sha256": "0" * 64}
    refused = await client.patch(
        f"{BASE}/{other['id']}", json={"logos": {"login": unknown}}, headers=admin.headers
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {
        "logos.login": "is not a stored image; upload the logo first"
    }
    reset = await client.delete(f"{BASE}/{profile['id']}/logos/favicon", headers=admin.headers)
    assert reset.status_code == 200 and reset.json()["logos"]["favicon"] is None


async def test_svg_is_served_with_a_sandbox(client, admin) -> None:
    profile = await _profile(client, admin)
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50">'
        b'<rect width="200" height="50"/></svg>'
    )
    response = await client.put(f"{BASE}/{profile['id']}/logos/login", content=svg, headers=admin.headers)
    assert response.status_code == 200, response.text
    sha = response.json()["logos"]["login"]["sha256"]
    served = await client.get(f"/media/logos/{sha}")
    assert served.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in served.headers["content-security-policy"]
    assert (await client.get("/media/logos/" + "f" * 64)).status_code == 404
