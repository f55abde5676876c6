"""Each demo profile's own logos: set by demo-data, served, and never put over an administrator's choice."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

import httpx
from PIL import Image

from common.logo_rules import check_logo
from common.profile import LOGO_LIMITS, LogoSlot
from portal_server.clock import FakeClock
from portal_server.config import ServerConfig
from portal_server.demo.base import demo_profiles, load_demo_data
from portal_server.demo.branding import branding_dir, profile_slug
from portal_server.profiles.models import ProfileRecord
from tests.conftest import Session

BASE = "/api/v1/admin/profiles"


async def _demo_profile(client: httpx.AsyncClient, admin: Session, name: str) -> dict:
    listed = (await client.get(BASE, params={"q": name}, headers=admin.headers)).json()["items"]
    (summary,) = [item for item in listed if item["name"] == name]
    return (await client.get(f"{BASE}/{summary['id']}", headers=admin.headers)).json()


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_every_demo_profile_has_its_own_logo_files_within_their_slots() -> None:
    names = [entry["name"] for entry in demo_profiles()]
    assert len({profile_slug(name) for name in names}) == len(names)
    files: set[bytes] = set()
    for name in names:
        for slot in LogoSlot:
            data = (branding_dir(name) / f"{slot.value}.svg").read_bytes()
            image = check_logo(slot, data)  # the rules an administrator's upload must pass
            limit = LOGO_LIMITS[slot]
            assert image.width <= limit.max_width and image.height <= limit.max_height
            files.add(data)
    assert len(files) == 3 * len(names)  # no two profiles or slots share an image


async def test_demo_data_brands_each_demo_profile_and_the_logos_are_served(
    client: httpx.AsyncClient, admin: Session, config: ServerConfig, clock: FakeClock
) -> None:
    await load_demo_data(config.data_dir, clock.now())
    for entry in demo_profiles():
        profile = await _demo_profile(client, admin, entry["name"])
        folder: Path = branding_dir(entry["name"])
        for slot in LogoSlot:
            ref = profile["logos"][slot.value]
            assert ref is not None, (entry["name"], slot)
            assert ref["content_type"] == "image/svg+xml"
            limit = LOGO_LIMITS[slot]
            assert ref["width"] <= limit.max_width and ref["height"] <= limit.max_height
            served = await client.get(f"/media/logos/{ref['sha256']}")
            assert served.status_code == 200 and served.headers["content-type"] == "image/svg+xml"
            assert served.content == (folder / f"{slot.value}.svg").read_bytes()
        login_page = await client.get(f"/login?loginProfile={quote(entry['name'])}")
        assert f"/media/logos/{profile['logos']['login']['sha256']}" in login_page.text
        assert f"/media/logos/{profile['logos']['favicon']['sha256']}" in login_page.text
    # The default profile keeps the out-of-box logos.
    default = await _demo_profile(client, admin, "Default")
    assert default["logos"] == {"login": None, "top_bar": None, "favicon": None}


async def test_loading_again_changes_nothing_and_keeps_what_an_administrator_chose(
    client: httpx.AsyncClient, admin: Session, config: ServerConfig, clock: FakeClock
) -> None:
    await load_demo_data(config.data_dir, clock.now())
    retail = await _demo_profile(client, admin, "Retail East")
    business = await _demo_profile(client, admin, "Business West")

    await load_demo_data(config.data_dir, clock.now())
    assert (await _demo_profile(client, admin, "Retail East"))["version"] == retail["version"]

    # An administrator uploads their own login logo and goes back to the default favicon.
    uploaded = await client.put(
        f"{BASE}/{retail['id']}/logos/login", content=_png(200, 50), headers=admin.headers
    )
    assert uploaded.status_code == 200, uploaded.text
    own = uploaded.json()["logos"]["login"]
    reset = await client.delete(f"{BASE}/{business['id']}/logos/favicon", headers=admin.headers)
    assert reset.status_code == 200 and reset.json()["logos"]["favicon"] is None

    await load_demo_data(config.data_dir, clock.now())
    retail_after = await _demo_profile(client, admin, "Retail East")
    business_after = await _demo_profile(client, admin, "Business West")
    assert retail_after["logos"]["login"] == own
    assert retail_after["logos"]["top_bar"] == retail["logos"]["top_bar"]
    assert business_after["logos"]["favicon"] is None
    assert retail_after["version"] == uploaded.json()["version"]
    assert business_after["version"] == reset.json()["version"]


async def test_a_demo_profile_made_before_its_logos_existed_gets_them(
    client: httpx.AsyncClient, admin: Session, config: ServerConfig, clock: FakeClock
) -> None:
    # A data directory from before the demo logos: the profile exists and never had one.
    created = await client.post(BASE, json={"name": "Business West"}, headers=admin.headers)
    assert created.status_code == 201
    await load_demo_data(config.data_dir, clock.now())
    record = await ProfileRecord.get(id=created.json()["id"])
    assert all(record.content["logos"][slot.value] for slot in LogoSlot)
