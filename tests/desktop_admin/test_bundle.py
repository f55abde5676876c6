"""Profile bundles: one file with a profile and its logos, read back, published and exported."""

from __future__ import annotations

import io
import json
import os
import stat
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from common.profile import MAX_LOGO_BYTES, LogoRef, LogoSlot, ProfileContent, default_content
from desktop_admin.api import ApiClient, ApiError
from desktop_admin.bundle import (
    BUNDLE_FORMAT,
    MANIFEST,
    Bundle,
    BundleError,
    export_bundle,
    load_bundle,
    publish_bundle,
    save_bundle,
)
from tests.desktop_admin.server_fixture import LiveServer

SVG_LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="175" height="64" viewBox="0 0 175 64">'
    b'<rect width="175" height="64" rx="8" fill="#0b3d2e"/></svg>'
)


def png(width: int, height: int, colour: str = "#c62828") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def branded(name: str = "Acme Fibre") -> ProfileContent:
    content = default_content(name, "Bundle test profile")
    data = content.model_dump(mode="json")
    data["settings"].update(
        {"browser_title": "Acme Fibre", "top_bar_color": "#0b3d2e", "currency_symbol": "$"}
    )
    data["support"].update({"phone": "+1 555 0100", "email": "help@acme.example"})
    data["helpful_links"] = [{"text": "Service status", "url": "https://status.acme.example"}]
    data["menu"] = data["menu"][::-1]
    return ProfileContent.model_validate(data)


def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def manifest(**overrides: Any) -> str:
    document: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "format_version": 1,
        "profile": branded().model_dump(mode="json"),
        "logos": {},
    }
    document.update(overrides)
    return json.dumps(document)


# --- the file -------------------------------------------------------------------------------


def test_a_bundle_round_trips_with_its_logos(tmp_path: Path) -> None:
    content = branded()
    # A profile loaded from a server points at that server's stored images; those never travel.
    with_refs = content.model_copy(
        update={
            "logos": content.logos.model_copy(
                update={
                    "login": LogoRef(
                        sha256="a" * 64, content_type="image/png", width=200, height=50, size=900
                    )
                }
            )
        }
    )
    logos = {"login": png(200, 50), "top_bar": SVG_LOGO}
    path = tmp_path / "acme.portalprofile"

    saved = save_bundle(path, with_refs, logos)

    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["bundle.json", "logos/login.png", "logos/top_bar.svg"]
        document = json.loads(archive.read(MANIFEST))
    assert document["format"] == "portal-profile-bundle"
    assert document["format_version"] == 1
    assert document["logos"] == {"login": "logos/login.png", "top_bar": "logos/top_bar.svg"}
    assert document["profile"]["logos"] == {"login": None, "top_bar": None, "favicon": None}
    assert document["profile"]["settings"]["top_bar_color"] == "#0b3d2e"

    loaded = load_bundle(path)
    assert loaded == saved
    assert loaded.content == content  # everything but the logo references
    assert loaded.logos == logos
    assert [item.key for item in loaded.content.menu] == [item.key for item in content.menu]


def test_a_bundle_can_be_saved_from_a_content_dict_and_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "draft.portalprofile"
    path.write_bytes(b"an older bundle")
    draft = {**branded().model_dump(mode="json"), "id": 4, "version": 9, "markets": ["north"]}
    save_bundle(path, draft, {})
    assert load_bundle(path).content == branded()
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_saving_refuses_what_no_bundle_may_hold(tmp_path: Path) -> None:
    path = tmp_path / "bad.portalprofile"
    with pytest.raises(BundleError, match=r"^The profile is not valid: settings\.browser_title"):
        save_bundle(
            path, {**default_content().model_dump(mode="json"), "settings": {"browser_title": ""}}, {}
        )
    with pytest.raises(BundleError, match="“banner” is not a logo slot"):
        save_bundle(path, branded(), {"banner": png(10, 10)})
    with pytest.raises(BundleError, match=r"^The favicon is not a PNG, JPEG, GIF, WebP or SVG image\.$"):
        save_bundle(path, branded(), {"favicon": b"plain text"})
    with pytest.raises(BundleError, match=r"The login logo is 2\.5 MB; a logo may be at most 2 MB\."):
        save_bundle(path, branded(), {"login": png(10, 10) + b"\0" * (2_600_000)})
    # Just over the limit, the size is named in bytes, as the server names it.
    just_over = png(10, 10) + b"\0" * (MAX_LOGO_BYTES + 1 - len(png(10, 10)))
    with pytest.raises(
        BundleError,
        match=r"^The top bar logo is 2,097,153 bytes; a logo may be at most 2 MB \(2,097,152 bytes\)\.$",
    ):
        save_bundle(path, branded(), {"top_bar": just_over})
    assert not path.exists()


def test_a_file_that_is_not_a_zip_is_not_a_bundle(tmp_path: Path) -> None:
    path = tmp_path / "notes.portalprofile"
    path.write_text("just some notes", encoding="utf-8")
    with pytest.raises(BundleError) as caught:
        load_bundle(path)
    assert str(caught.value) == "This file is not a profile bundle."


def test_a_zip_without_bundle_json_is_not_a_bundle(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "photos.zip", {"holiday.png": png(4, 4)})
    with pytest.raises(BundleError, match=r"^This file is not a profile bundle\.$"):
        load_bundle(path)
    other = write_zip(tmp_path / "other.zip", {MANIFEST: json.dumps({"format": "something-else"})})
    with pytest.raises(BundleError, match=r"^This file is not a profile bundle\.$"):
        load_bundle(other)
    garbled = write_zip(tmp_path / "garbled.zip", {MANIFEST: "{not json"})
    with pytest.raises(BundleError, match=r"^This file is not a profile bundle\.$"):
        load_bundle(garbled)


def test_a_bundle_from_a_newer_console_asks_for_an_update(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "future.portalprofile", {MANIFEST: manifest(format_version=2)})
    with pytest.raises(BundleError) as caught:
        load_bundle(path)
    assert str(caught.value) == (
        "This bundle was made by a newer version of the console (format 2); update the console to open it."
    )


def test_an_invalid_profile_inside_names_the_field(tmp_path: Path) -> None:
    profile = branded().model_dump(mode="json")
    profile["settings"]["top_bar_color"] = "dark green"
    path = write_zip(tmp_path / "invalid.portalprofile", {MANIFEST: manifest(profile=profile)})
    with pytest.raises(BundleError) as caught:
        load_bundle(path)
    assert str(caught.value) == (
        "The profile in this bundle is not valid: settings.top_bar_color must be a colour such as #0a3d73."
    )

    profile = branded().model_dump(mode="json")
    del profile["name"]
    path = write_zip(tmp_path / "nameless.portalprofile", {MANIFEST: manifest(profile=profile)})
    with pytest.raises(BundleError, match=r"not valid: name is required\.$"):
        load_bundle(path)


def test_logo_references_inside_a_bundle_are_cleared(tmp_path: Path) -> None:
    profile = branded().model_dump(mode="json")
    profile["logos"] = {"login": {"sha256": "not even a digest"}}
    path = write_zip(tmp_path / "refs.portalprofile", {MANIFEST: manifest(profile=profile)})
    assert load_bundle(path).content.logos.login is None


def test_a_missing_or_oversized_logo_is_named(tmp_path: Path) -> None:
    missing = write_zip(
        tmp_path / "missing.portalprofile",
        {MANIFEST: manifest(logos={"top_bar": "logos/top_bar.png"})},
    )
    with pytest.raises(BundleError) as caught:
        load_bundle(missing)
    assert str(caught.value) == (
        "This profile bundle is damaged: the top bar logo (logos/top_bar.png) is missing from it."
    )

    big = write_zip(
        tmp_path / "big.portalprofile",
        {
            MANIFEST: manifest(logos={"login": "logos/login.png"}),
            "logos/login.png": png(10, 10) + b"\0" * 3_200_000,
        },
    )
    with pytest.raises(BundleError) as caught:
        load_bundle(big)
    assert str(caught.value) == "The login logo in this bundle is 3.1 MB; a logo may be at most 2 MB."

    not_image = write_zip(
        tmp_path / "text.portalprofile",
        {MANIFEST: manifest(logos={"favicon": "logos/favicon.png"}), "logos/favicon.png": "hello"},
    )
    with pytest.raises(
        BundleError, match=r"^The favicon in this bundle is not a PNG, JPEG, GIF, WebP or SVG image\.$"
    ):
        load_bundle(not_image)

    unknown = write_zip(
        tmp_path / "slot.portalprofile",
        {MANIFEST: manifest(logos={"banner": "logos/banner.png"}), "logos/banner.png": png(4, 4)},
    )
    with pytest.raises(BundleError, match="“banner”, which is not a logo slot"):
        load_bundle(unknown)


def test_a_file_that_cannot_be_read_says_so(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"^The file gone\.portalprofile could not be read: "):
        load_bundle(tmp_path / "gone.portalprofile")


# --- against the real server ----------------------------------------------------------------


@pytest.fixture
def client(live_server: LiveServer) -> Iterator[ApiClient]:
    api = ApiClient(live_server.base_url, timeout=10)
    api.sign_in("admin", live_server.password("admin"))
    yield api
    api.sign_out()
    api.close()


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


@pytest.mark.sqlite_only
def test_publish_as_a_new_profile(client: ApiClient) -> None:
    favicon = png(64, 64, "#0b3d2e")
    bundle = Bundle(content=branded(unique("Bundle new")), logos={"top_bar": SVG_LOGO, "favicon": favicon})

    profile = publish_bundle(client, bundle, profile_id=None, version=None)

    assert profile.name == bundle.content.name
    assert profile.settings.top_bar_color == "#0b3d2e"
    assert [item.key for item in profile.menu] == [item.key for item in bundle.content.menu]
    assert profile.logos.login is None
    assert profile.logos.top_bar is not None and profile.logos.favicon is not None
    assert client.fetch_logo(profile.logos.top_bar.sha256) == SVG_LOGO  # SVG is stored as sent
    assert profile.logos.favicon.content_type == "image/png"
    assert client.get_profile(profile.id) == profile


@pytest.mark.sqlite_only
def test_publish_over_an_existing_profile(client: ApiClient) -> None:
    target = client.create_profile({"name": unique("Bundle target")})
    target = client.upload_logo(target.id, LogoSlot.LOGIN, png(200, 50), version=target.version)
    assert target.logos.login is not None
    bundle = Bundle(content=branded(target.name), logos={"top_bar": SVG_LOGO})

    profile = publish_bundle(client, bundle, profile_id=target.id, version=target.version)

    assert profile.id == target.id
    assert profile.version > target.version
    assert profile.settings.browser_title == "Acme Fibre"
    assert profile.helpful_links[0].text == "Service status"
    # The bundle's logos, and the default logo where the bundle has none.
    assert profile.logos.login is None
    assert profile.logos.top_bar is not None
    assert client.fetch_logo(profile.logos.top_bar.sha256) == SVG_LOGO


@pytest.mark.sqlite_only
def test_publishing_over_a_profile_saved_meanwhile_is_a_conflict(client: ApiClient) -> None:
    target = client.create_profile({"name": unique("Bundle stale")})
    newer = client.patch_profile(
        target.id, {"description": "changed by someone else"}, version=target.version
    )
    bundle = Bundle(content=branded(target.name), logos={"top_bar": SVG_LOGO})

    with pytest.raises(ApiError) as caught:
        publish_bundle(client, bundle, profile_id=target.id, version=target.version)
    assert caught.value.is_conflict
    assert client.get_profile(target.id) == newer  # nothing was written

    with pytest.raises(ValueError, match="needs the version"):
        publish_bundle(client, bundle, profile_id=target.id, version=None)


@pytest.mark.sqlite_only
def test_export_then_load_gives_the_same_content_and_logos(client: ApiClient, tmp_path: Path) -> None:
    original = Bundle(
        content=branded(unique("Bundle export")),
        logos={"login": png(240, 60, "#6a1b9a"), "top_bar": SVG_LOGO, "favicon": png(48, 48)},
    )
    published = publish_bundle(client, original, profile_id=None, version=None)
    path = tmp_path / "export.portalprofile"

    exported = export_bundle(client, published.id, path)
    loaded = load_bundle(path)

    assert loaded == exported
    server_content = ProfileContent.model_validate(
        published.model_dump(exclude={"id", "is_default", "markets", "version", "logos"})
    )
    assert loaded.content == server_content
    assert loaded.content == original.content
    assert set(loaded.logos) == {"login", "top_bar", "favicon"}
    for slot in LogoSlot:
        ref = getattr(published.logos, slot.value)
        assert loaded.logos[slot.value] == client.fetch_logo(ref.sha256)
    assert loaded.logos["top_bar"] == SVG_LOGO

    # And the exported bundle publishes again as a copy.
    copy = publish_bundle(
        client,
        Bundle(content=loaded.content.model_copy(update={"name": unique("Bundle copy")}), logos=loaded.logos),
        profile_id=None,
        version=None,
    )
    assert copy.logos.top_bar is not None and published.logos.top_bar is not None
    assert copy.logos.top_bar.sha256 == published.logos.top_bar.sha256


def test_a_saved_bundle_gets_the_permissions_of_a_new_document_or_of_the_file_it_replaces(
    tmp_path: Path,
) -> None:
    mask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.portalprofile"
        save_bundle(fresh, branded(), {})
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        shared = tmp_path / "shared.portalprofile"
        shared.write_bytes(b"")
        shared.chmod(0o664)
        save_bundle(shared, branded(), {})
        assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    finally:
        os.umask(mask)
