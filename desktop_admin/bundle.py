"""Profile bundles: a whole profile and its logos in one ``.portalprofile`` file.

A bundle is a zip archive holding ``bundle.json`` and the logo images::

    bundle.json      {"format": "portal-profile-bundle", "format_version": 1,
                      "profile": {...ProfileContent...}, "logos": {"login": "logos/login.png"}}
    logos/login.png  the image bytes, exactly as they were given

Administrators use bundles to brand a portal without a server at hand (the console previews the
bundle offline), to hand a profile from a test server to a live one, and to keep a copy. Logo
references (SHA-256 and sizes) belong to one server's storage, so they never travel in the
profile: the images travel as files and are uploaded again when the bundle is published.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

# LOGO_EXTENSIONS and logo_content_type are offered here too: the console has always found them here.
from common.logo_rules import LOGO_EXTENSIONS as LOGO_EXTENSIONS
from common.logo_rules import logo_content_type as logo_content_type
from common.logo_rules import logo_subject, not_an_image_message, too_big_message
from common.profile import MAX_LOGO_BYTES, READ_ONLY_FIELDS, LogoSlot, Profile, ProfileContent
from common.validation import FieldErrors, parse

BUNDLE_FORMAT = "portal-profile-bundle"
BUNDLE_FORMAT_VERSION = 1
BUNDLE_SUFFIX = ".portalprofile"
BUNDLE_FILE_FILTER = f"Profile bundles (*{BUNDLE_SUFFIX})"
MANIFEST = "bundle.json"

# The manifest is a few kilobytes; anything near this is not one of ours.
_MAX_MANIFEST_BYTES = 1024 * 1024
_MIB = 1024 * 1024
_NOT_A_BUNDLE = "This file is not a profile bundle."


class BundleError(Exception):
    """A bundle that cannot be read or written, with a sentence saying why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Bundle:
    """A profile's content (logo references cleared) and its custom logos by slot name."""

    content: ProfileContent
    logos: dict[str, bytes] = field(default_factory=dict)


class BundleClient(Protocol):
    """The part of ``ApiClient`` that publishing and exporting use."""

    def get_profile(self, profile_id: int) -> Profile: ...

    def fetch_logo(self, sha256: str) -> bytes: ...

    def create_profile(self, content: Mapping[str, Any] | ProfileContent | None = None) -> Profile: ...

    def replace_profile(self, profile_id: int, content: ProfileContent, *, version: int) -> Profile: ...

    def upload_logo(
        self, profile_id: int, slot: LogoSlot | str, data: bytes, *, version: int | None = None
    ) -> Profile: ...


def _logo_subject(slot: str, where: str = "") -> str:
    """Name a slot's image to start a sentence: "The login logo", "The favicon in this bundle"."""
    subject = logo_subject(slot) + where
    return subject[:1].upper() + subject[1:]


def _first_problem(exc: FieldErrors) -> str:
    name, reason = next(iter(exc.fields.items()))
    return f"{name} {reason.rstrip('.')}"


def _plain_content(content: ProfileContent | Mapping[str, Any]) -> ProfileContent:
    """Return content validated, with the logo references cleared."""
    if isinstance(content, ProfileContent):
        data = content.model_dump(mode="json", exclude=set(READ_ONLY_FIELDS))
    else:
        data = {key: value for key, value in content.items() if key not in READ_ONLY_FIELDS}
    data["logos"] = {}
    try:
        return parse(ProfileContent, data)
    except FieldErrors as exc:
        raise BundleError(f"The profile is not valid: {_first_problem(exc)}.") from None


def _checked_logos(logos: Mapping[str, bytes]) -> dict[str, tuple[bytes, str]]:
    """Return {slot: (bytes, extension)} for the logos given, refusing what no slot accepts."""
    checked: dict[str, tuple[bytes, str]] = {}
    for slot, data in logos.items():
        try:
            name = LogoSlot(slot).value
        except ValueError:
            slots = ", ".join(s.value for s in LogoSlot)
            raise BundleError(f"“{slot}” is not a logo slot; the slots are {slots}.") from None
        data = bytes(data)
        if len(data) > MAX_LOGO_BYTES:
            raise BundleError(too_big_message(len(data), MAX_LOGO_BYTES, _logo_subject(name)))
        content_type = logo_content_type(data)
        if content_type is None:
            raise BundleError(not_an_image_message(_logo_subject(name)))
        checked[name] = (data, LOGO_EXTENSIONS[content_type])
    return checked


def _document_mode(target: Path) -> int:
    """Return the permission bits for a saved bundle: the replaced file's, else what the umask allows."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def save_bundle(
    path: str | os.PathLike[str], content: ProfileContent | Mapping[str, Any], logos: Mapping[str, bytes]
) -> Bundle:
    """Write a profile and its logos to one bundle file, replacing the file only once it is complete."""
    plain = _plain_content(content)
    checked = _checked_logos(logos)
    members = {slot: f"logos/{slot}.{ext}" for slot, (_data, ext) in checked.items()}
    manifest = {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "profile": plain.model_dump(mode="json"),
        "logos": members,
    }
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=".bundle-", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise BundleError(
            f"The bundle could not be saved in {target.parent}: {exc.strerror or exc}."
        ) from None
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
            for slot, (data, _ext) in checked.items():
                archive.writestr(members[slot], data)
        # mkstemp makes the file private; a saved bundle gets the mode any new document would.
        os.chmod(temporary, _document_mode(target))
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise BundleError(f"The bundle could not be saved as {target}: {exc.strerror or exc}.") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Bundle(content=plain, logos={slot: data for slot, (data, _ext) in checked.items()})


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    """Return a member's bytes, or None when it holds more than ``limit`` bytes."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        return None
    with archive.open(info) as member:
        # The size in the directory is the archive's word for it; never read past the limit.
        data = member.read(limit + 1)
    return None if len(data) > limit else data


def load_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Read a bundle file, or raise BundleError saying in plain words what is wrong with it."""
    source = Path(path)
    try:
        source.stat()
        is_zip = zipfile.is_zipfile(source)
    except OSError as exc:
        raise BundleError(f"The file {source.name} could not be read: {exc.strerror or exc}.") from None
    if not is_zip:
        raise BundleError(_NOT_A_BUNDLE)
    try:
        with zipfile.ZipFile(source) as archive:
            return _read_archive(archive)
    except BundleError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, OSError, EOFError):
        # Damaged, encrypted or oddly compressed archives are equally unreadable here.
        raise BundleError("This profile bundle is damaged and cannot be opened.") from None


def _read_archive(archive: zipfile.ZipFile) -> Bundle:
    names = set(archive.namelist())
    if MANIFEST not in names:
        raise BundleError(_NOT_A_BUNDLE)
    raw_manifest = _read_member(archive, MANIFEST, _MAX_MANIFEST_BYTES)
    try:
        manifest = json.loads(raw_manifest) if raw_manifest is not None else None
    except (ValueError, UnicodeDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise BundleError(_NOT_A_BUNDLE)
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(_NOT_A_BUNDLE)
    if version > BUNDLE_FORMAT_VERSION:
        raise BundleError(
            f"This bundle was made by a newer version of the console (format {version}); "
            "update the console to open it."
        )
    profile = manifest.get("profile")
    if not isinstance(profile, dict):
        raise BundleError("This profile bundle holds no profile.")
    # Logo references point into the storage of the server the profile came from.
    profile = {**profile, "logos": {}}
    try:
        content = parse(ProfileContent, profile)
    except FieldErrors as exc:
        raise BundleError(f"The profile in this bundle is not valid: {_first_problem(exc)}.") from None
    listed = manifest.get("logos", {})
    if not isinstance(listed, dict):
        raise BundleError("This profile bundle is damaged: its list of logos is not readable.")
    logos: dict[str, bytes] = {}
    for slot, member in listed.items():
        try:
            name = LogoSlot(slot).value
        except ValueError:
            raise BundleError(f"This bundle has a logo for “{slot}”, which is not a logo slot.") from None
        if not isinstance(member, str) or member not in names:
            raise BundleError(
                f"This profile bundle is damaged: {logo_subject(name)} ({member}) is missing from it."
            )
        data = _read_member(archive, member, MAX_LOGO_BYTES)
        subject = _logo_subject(name, " in this bundle")
        if data is None:
            size = archive.getinfo(member).file_size
            if size <= MAX_LOGO_BYTES:
                # The archive's directory understated the size: all that is known is that it is over.
                limit = f"{MAX_LOGO_BYTES // _MIB} MB"
                raise BundleError(f"{subject} is more than {limit}; a logo may be at most {limit}.")
            raise BundleError(too_big_message(size, MAX_LOGO_BYTES, subject))
        if not data or logo_content_type(data) is None:
            raise BundleError(not_an_image_message(subject))
        logos[name] = data
    return Bundle(content=content, logos=logos)


def publish_bundle(
    client: BundleClient, bundle: Bundle, *, profile_id: int | None, version: int | None
) -> Profile:
    """Put a bundle on a server: as a new profile, or over profile ``profile_id`` loaded at ``version``.

    The profile is written first and the logos uploaded after it, each against the version the
    previous step returned, so a save by someone else in between is a conflict (ApiError with
    ``is_conflict``), never a silent overwrite. Slots without a logo in the bundle use the default
    branding. When a logo upload fails the profile is already written; publishing again finishes it.
    """
    content = _plain_content(bundle.content)
    logos = _checked_logos(bundle.logos)
    if profile_id is None:
        profile = client.create_profile(content)
    else:
        if version is None:
            raise ValueError("publishing over an existing profile needs the version it was loaded at")
        profile = client.replace_profile(profile_id, content, version=version)
    for slot in LogoSlot:
        if slot.value in logos:
            data, _ext = logos[slot.value]
            profile = client.upload_logo(profile.id, slot, data, version=profile.version)
    return profile


def export_bundle(client: BundleClient, profile_id: int, path: str | os.PathLike[str]) -> Bundle:
    """Save a server's profile, with the images of its custom logos, as a bundle file."""
    profile = client.get_profile(profile_id)
    logos: dict[str, bytes] = {}
    for slot in LogoSlot:
        ref = getattr(profile.logos, slot.value)
        if ref is not None:
            logos[slot.value] = client.fetch_logo(ref.sha256)
    return save_bundle(path, profile, logos)
