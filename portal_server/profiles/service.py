"""Profile administration: create, edit, duplicate, remove, markets, logos and versions.

Every change is one transaction that bumps the profile's version, keeps a snapshot of the new
state and writes an audit event, so nothing is half-saved and every version can be restored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from common.profile import (
    LOGO_LIMITS,
    LogoSlot,
    Profile,
    ProfileContent,
    default_content,
    validate_market,
)
from common.profile_diff import diff, merge_patch
from common.schemas import FieldChange, ProfileSummary, VersionDetail, VersionSummary
from common.validation import FieldErrors, parse
from portal_server.actor import Actor
from portal_server.audit import service as audit
from portal_server.errors import ApiError, not_found
from portal_server.profiles.cache import DEFAULT_PROFILE_NAME as DEFAULT_NAME
from portal_server.profiles.cache import PROFILES, ResolvedProfile
from portal_server.profiles.logo_check import CheckedLogo
from portal_server.profiles.models import LogoImage, ProfileMarket, ProfileRecord, ProfileVersion

DEFAULT_PROFILE_NAME = DEFAULT_NAME

WriteT = TypeVar("WriteT", bound=Callable[..., Awaitable[Any]])


def _changes_profiles(write: WriteT) -> WriteT:
    """Let this worker's page cache see a write at once (other workers see it within a second)."""

    @wraps(write)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return await write(*args, **kwargs)
        finally:
            PROFILES.invalidate()

    return wrapper  # type: ignore[return-value]


# "Default" names the profile for administrators; subscribers' mail needs a brand that reads as
# one ("Your Customer Portal account"), until the provider enters its own.
DEFAULT_PROFILE_BRAND = "Customer Portal"


def out_of_box_default() -> ProfileContent:
    """Return the default profile as the first start creates it."""
    content = default_content(DEFAULT_PROFILE_NAME, "Out-of-box configuration for every subscriber")
    content.settings.brand_name = DEFAULT_PROFILE_BRAND
    return content


def version_conflict(current: int) -> ApiError:
    """Return the 409 for a write based on a version that is no longer current."""
    return ApiError(
        409,
        "version_conflict",
        f"Someone saved this profile in the meantime; it is now at version {current}. "
        "Reload it, or compare your changes with the current version.",
        extra={"current_version": current},
    )


def _name_taken(name: str) -> ApiError:
    return ApiError(
        409,
        "name_taken",
        f"A profile named “{name}” already exists.",
        {"name": "is already used by another profile"},
    )


async def _markets_of(profile_id: int, connection: BaseDBAsyncClient | None = None) -> list[str]:
    rows = await ProfileMarket.filter(profile_id=profile_id).using_db(connection).order_by("market")
    return [row.market for row in rows]


def _as_profile(record: ProfileRecord, markets: list[str]) -> Profile:
    return Profile.model_validate(
        {
            **record.content,
            "id": record.id,
            "is_default": record.is_default,
            "markets": markets,
            "version": record.version,
        }
    )


MAX_ID = 2**31 - 1  # the widest id every supported database stores


async def _record(profile_id: int, connection: BaseDBAsyncClient | None = None) -> ProfileRecord:
    if not 1 <= profile_id <= MAX_ID:
        raise not_found("The profile")
    record = await ProfileRecord.filter(id=profile_id).using_db(connection).first()
    if record is None:
        raise not_found("The profile")
    return record


async def get_profile(profile_id: int) -> Profile:
    """Return one profile with its markets and version."""
    record = await _record(profile_id)
    return _as_profile(record, await _markets_of(record.id))


async def list_profiles(q: str = "", sort: str = "name") -> list[ProfileSummary]:
    """Return the profiles whose name, description or markets match q, sorted by name."""
    if sort not in ("name", "-name"):
        raise FieldErrors({"sort": "must be name or -name"})
    records = await ProfileRecord.all()
    markets: dict[int, list[str]] = {}
    for row in await ProfileMarket.all().order_by("market"):
        markets.setdefault(row.profile_id, []).append(row.market)  # type: ignore[attr-defined]
    needle = q.casefold()
    items = [
        ProfileSummary(
            id=r.id,
            name=r.name,
            description=r.content.get("description", ""),
            is_default=r.is_default,
            markets=markets.get(r.id, []),
            version=r.version,
            updated_at=r.updated_at,
        )
        for r in records
    ]
    if needle:
        items = [
            item
            for item in items
            if needle in item.name.casefold()
            or needle in item.description.casefold()
            or any(needle in m.casefold() for m in item.markets)
        ]
    items.sort(key=lambda item: item.name.casefold(), reverse=sort == "-name")
    return items


async def _check_logos(content: ProfileContent) -> ProfileContent:
    """Make logo references point at stored images that fit their slots."""
    problems: dict[str, str] = {}
    for slot in LogoSlot:
        ref = getattr(content.logos, slot.value)
        if ref is None:
            continue
        image = await LogoImage.get_or_none(sha256=ref.sha256)
        if image is None:
            problems[f"logos.{slot.value}"] = "is not a stored image; upload the logo first"
            continue
        limit = LOGO_LIMITS[slot]
        fits = image.width <= limit.max_width and image.height <= limit.max_height
        if not fits or (limit.square and abs(image.width - image.height) > max(1, image.width // 100)):
            problems[f"logos.{slot.value}"] = (
                f"does not fit: the {limit.label.lower()} logo must be {limit.describe()}"
            )
            continue
        # The stored image is the truth about type and size, not what the client sent.
        ref.content_type = image.content_type
        ref.width, ref.height, ref.size = image.width, image.height, image.size
    if problems:
        raise FieldErrors(problems)
    return content


async def _save_version(
    record: ProfileRecord,
    *,
    action: str,
    actor: Actor,
    now: datetime,
    connection: BaseDBAsyncClient,
    note: str = "",
) -> None:
    await ProfileVersion.create(
        profile=record,
        number=record.version,
        content=record.content,
        markets=await _markets_of(record.id, connection),
        action=action,
        note=note[:200],
        created_at=now,
        created_by=actor.label,
        using_db=connection,
    )


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    changes = diff(before, after)
    return (
        {c["field"]: c["before"] for c in changes},
        {c["field"]: c["after"] for c in changes},
    )


@_changes_profiles
async def _insert(
    content: ProfileContent,
    *,
    actor: Actor,
    now: datetime,
    action: str,
    is_default: bool = False,
    note: str = "",
) -> Profile:
    content = await _check_logos(content)
    document = content.model_dump(mode="json")
    try:
        async with in_transaction() as connection:
            record = await ProfileRecord.create(
                name=content.name,
                name_key=str(content.name).casefold(),
                is_default=is_default,
                version=1,
                content=document,
                created_at=now,
                updated_at=now,
                updated_by=actor.label,
                using_db=connection,
            )
            await _save_version(record, action=action, actor=actor, now=now, connection=connection, note=note)
            await audit.record(
                actor,
                f"profile.{action}",
                "profile",
                record.id,
                at=now,
                label=content.name,
                after=document,
                connection=connection,
            )
    except IntegrityError:
        raise _name_taken(content.name) from None
    return _as_profile(record, [])


async def ensure_default_profile(now: datetime) -> None:
    """Create the out-of-box default profile when no default exists yet."""
    if await ProfileRecord.filter(is_default=True).exists():
        return
    try:
        await _insert(
            out_of_box_default(),
            actor=Actor.system(),
            now=now,
            action="create",
            is_default=True,
        )
    except ApiError:
        # Another worker created it first.
        return


async def create_profile(data: dict[str, Any] | None, *, actor: Actor, now: datetime) -> Profile:
    """Create a profile from the out-of-box defaults, overlaid with any fields given."""
    base = default_content(await _free_name("New profile")).model_dump(mode="json")
    overlay = {k: v for k, v in (data or {}).items() if k not in ("id", "is_default", "markets", "version")}
    content = parse(ProfileContent, merge_patch(base, overlay))
    return await _insert(content, actor=actor, now=now, action="create")


async def _free_name(stem: str) -> str:
    taken = {r.name_key for r in await ProfileRecord.filter(name_key__startswith=stem.casefold())}
    if stem.casefold() not in taken:
        return stem
    number = 2
    while f"{stem} {number}".casefold() in taken:
        number += 1
    return f"{stem} {number}"


def expected_version(body_version: Any, if_match: str | None) -> int | None:
    """Return the version a write is based on, from If-Match or a ``version`` field."""
    candidates = []
    if if_match:
        raw = if_match.strip().removeprefix("W/").strip('"')
        if not raw.isdigit():
            raise FieldErrors({"If-Match": 'must be the profile version, such as "3"'})
        candidates.append(int(raw))
    if body_version is not None:
        if isinstance(body_version, bool) or not isinstance(body_version, int) or body_version < 1:
            raise FieldErrors({"version": "must be the profile version you started from, a whole number"})
        candidates.append(body_version)
    if len(set(candidates)) > 1:
        raise FieldErrors({"version": "differs from If-Match"})
    return candidates[0] if candidates else None


@_changes_profiles
async def _write(
    profile_id: int,
    build: Any,
    *,
    expected: int | None,
    actor: Actor,
    now: datetime,
    action: str,
    note: str = "",
) -> Profile:
    """Apply build(current_content_dict) -> ProfileContent as one new version."""
    record = await _record(profile_id)
    if expected is not None and expected != record.version:
        raise version_conflict(record.version)
    content = await _check_logos(build(record.content))
    document = content.model_dump(mode="json")
    before = record.content
    try:
        async with in_transaction() as connection:
            updated = (
                await ProfileRecord.filter(id=record.id, version=record.version)
                .using_db(connection)
                .update(
                    name=content.name,
                    name_key=str(content.name).casefold(),
                    content=document,
                    version=record.version + 1,
                    updated_at=now,
                    updated_by=actor.label,
                )
            )
            if not updated:
                current = await _record(profile_id, connection)
                raise version_conflict(current.version)
            record.version += 1
            record.content = document
            record.name = content.name
            await _save_version(record, action=action, actor=actor, now=now, connection=connection, note=note)
            old, new = _changes(before, document)
            await audit.record(
                actor,
                f"profile.{action}",
                "profile",
                record.id,
                at=now,
                label=content.name,
                before=old,
                after=new,
                connection=connection,
            )
    except IntegrityError:
        raise _name_taken(content.name) from None
    return _as_profile(record, await _markets_of(record.id))


async def replace_profile(
    profile_id: int, data: dict[str, Any], *, expected: int | None, actor: Actor, now: datetime
) -> Profile:
    """Replace a profile's content whole (PUT); read-only fields in the body are ignored."""
    content = parse(
        ProfileContent,
        {k: v for k, v in data.items() if k not in ("id", "is_default", "markets", "version")},
    )
    return await _write(
        profile_id,
        lambda _current: content,
        expected=expected,
        actor=actor,
        now=now,
        action="update",
    )


async def patch_profile(
    profile_id: int, patch: dict[str, Any], *, expected: int | None, actor: Actor, now: datetime
) -> Profile:
    """Apply a JSON merge patch to a profile's content (PATCH)."""
    overlay = {k: v for k, v in patch.items() if k not in ("id", "is_default", "markets", "version")}
    return await _write(
        profile_id,
        lambda current: parse(ProfileContent, merge_patch(current, overlay)),
        expected=expected,
        actor=actor,
        now=now,
        action="update",
    )


async def duplicate_profile(profile_id: int, name: str, *, actor: Actor, now: datetime) -> Profile:
    """Copy a profile's whole configuration, but not its markets, under a new name."""
    source = await _record(profile_id)
    content = parse(ProfileContent, {**source.content, "name": name})
    return await _insert(content, actor=actor, now=now, action="duplicate", note=f"copy of {source.name}")


@_changes_profiles
async def delete_profile(profile_id: int, *, expected: int | None, actor: Actor, now: datetime) -> None:
    """Remove a profile; the default profile can never be removed."""
    record = await _record(profile_id)
    if record.is_default:
        raise ApiError(
            409,
            "default_profile",
            "The default profile cannot be removed; edit or rename it instead.",
        )
    if expected is not None and expected != record.version:
        raise version_conflict(record.version)
    async with in_transaction() as connection:
        markets = await _markets_of(record.id, connection)
        await ProfileRecord.filter(id=record.id).using_db(connection).delete()
        await audit.record(
            actor,
            "profile.delete",
            "profile",
            record.id,
            at=now,
            label=record.name,
            before={**record.content, "markets": markets},
            connection=connection,
        )


async def _bump(
    record: ProfileRecord,
    *,
    action: str,
    actor: Actor,
    now: datetime,
    connection: BaseDBAsyncClient,
    note: str,
) -> None:
    """Record a change that lives outside the content (markets) as a new version."""
    updated = (
        await ProfileRecord.filter(id=record.id, version=record.version)
        .using_db(connection)
        .update(version=record.version + 1, updated_at=now, updated_by=actor.label)
    )
    if not updated:
        current = await _record(record.id, connection)
        raise version_conflict(current.version)
    record.version += 1
    await _save_version(record, action=action, actor=actor, now=now, connection=connection, note=note)


@_changes_profiles
async def add_market(
    profile_id: int, market: str, *, expected: int | None, actor: Actor, now: datetime
) -> Profile:
    """Associate a market with a profile; a market already on another profile is refused."""
    market = validate_market(market)
    record = await _record(profile_id)
    if expected is not None and expected != record.version:
        raise version_conflict(record.version)
    existing = await ProfileMarket.get_or_none(market=market).select_related("profile")
    if existing is not None:
        if existing.profile.id == record.id:
            return _as_profile(record, await _markets_of(record.id))
        raise ApiError(
            409,
            "market_taken",
            f"Market {market} is already on the profile “{existing.profile.name}”.",
            {"market": f"belongs to the profile {existing.profile.name}"},
            extra={"profile_id": existing.profile.id},
        )
    try:
        async with in_transaction() as connection:
            await ProfileMarket.create(market=market, profile=record, using_db=connection)
            await _bump(
                record,
                action="markets",
                actor=actor,
                now=now,
                connection=connection,
                note=f"+ {market}",
            )
            await audit.record(
                actor,
                "profile.market_add",
                "profile",
                record.id,
                at=now,
                label=record.name,
                after={"market": market},
                connection=connection,
            )
    except IntegrityError:
        raise ApiError(
            409,
            "market_taken",
            f"Market {market} was just given to another profile.",
            {"market": "belongs to another profile"},
        ) from None
    return _as_profile(record, await _markets_of(record.id))


@_changes_profiles
async def remove_market(
    profile_id: int, market: str, *, expected: int | None, actor: Actor, now: datetime
) -> Profile:
    """Remove a market from a profile; its subscribers then get the default profile."""
    record = await _record(profile_id)
    if expected is not None and expected != record.version:
        raise version_conflict(record.version)
    try:
        wanted = validate_market(market)
    except ValueError:
        raise not_found("That market on this profile") from None
    row = await ProfileMarket.get_or_none(profile_id=record.id, market=wanted)
    if row is None:
        raise not_found(f"Market {wanted} on this profile")
    async with in_transaction() as connection:
        await ProfileMarket.filter(id=row.id).using_db(connection).delete()
        await _bump(
            record,
            action="markets",
            actor=actor,
            now=now,
            connection=connection,
            note=f"- {row.market}",
        )
        await audit.record(
            actor,
            "profile.market_remove",
            "profile",
            record.id,
            at=now,
            label=record.name,
            before={"market": row.market},
            connection=connection,
        )
    return _as_profile(record, await _markets_of(record.id))


async def set_logo(
    profile_id: int,
    slot: LogoSlot,
    logo: CheckedLogo,
    *,
    expected: int | None,
    actor: Actor,
    now: datetime,
) -> Profile:
    """Store a checked logo image and point the profile's slot at it."""
    await _record(profile_id)
    if not await LogoImage.exists(sha256=logo.sha256):
        # Content-addressed: a concurrent upload of the same image stored identical bytes.
        with suppress(IntegrityError):
            await LogoImage.create(
                sha256=logo.sha256,
                content_type=logo.content_type,
                width=logo.width,
                height=logo.height,
                size=len(logo.data),
                data=logo.data,
                created_at=now,
            )
    ref = {
        "sha256": logo.sha256,
        "content_type": logo.content_type,
        "width": logo.width,
        "height": logo.height,
        "size": len(logo.data),
    }
    return await _write(
        profile_id,
        lambda current: parse(ProfileContent, merge_patch(current, {"logos": {slot.value: ref}})),
        expected=expected,
        actor=actor,
        now=now,
        action="logo",
        note=f"{slot.value} logo",
    )


async def logo_image(sha256: str) -> LogoImage | None:
    """Return a stored logo image by digest."""
    return await LogoImage.get_or_none(sha256=sha256)


# --- versions -------------------------------------------------------------------------------


async def list_versions(profile_id: int) -> tuple[list[VersionSummary], int]:
    """Return a profile's versions, newest first, and the current version number."""
    record = await _record(profile_id)
    rows = await ProfileVersion.filter(profile_id=record.id).order_by("-number")
    return [_summary(row) for row in rows], record.version


def _summary(row: ProfileVersion) -> VersionSummary:
    return VersionSummary(
        number=row.number,
        created_at=row.created_at,
        created_by=row.created_by,
        action=row.action,
        note=row.note,
    )


async def _version(profile_id: int, number: int) -> ProfileVersion:
    if not 1 <= number <= MAX_ID:
        raise not_found(f"Version {number} of this profile")
    row = await ProfileVersion.get_or_none(profile_id=profile_id, number=number)
    if row is None:
        raise not_found(f"Version {number} of this profile")
    return row


async def version_detail(profile_id: int, number: int, against: int | None) -> VersionDetail:
    """Return a version and its field changes against another (by default the one before)."""
    await _record(profile_id)
    row = await _version(profile_id, number)
    other_number = against if against is not None else (number - 1 if number > 1 else None)
    changes: list[FieldChange] = []
    if other_number is not None:
        other = await _version(profile_id, other_number)
        before = {**other.content, "markets": other.markets}
        after = {**row.content, "markets": row.markets}
        changes = [FieldChange(**change) for change in diff(before, after)]
    return VersionDetail(
        **_summary(row).model_dump(),
        content=ProfileContent.model_validate(row.content),
        markets=row.markets,
        compared_with=other_number,
        changes=changes,
    )


async def restore_version(
    profile_id: int, number: int, *, expected: int | None, actor: Actor, now: datetime
) -> Profile:
    """Make an old version's content current again, as a new version; markets stay as they are."""
    await _record(profile_id)
    row = await _version(profile_id, number)
    snapshot = row.content

    def build(_current: dict[str, Any]) -> ProfileContent:
        return parse(ProfileContent, snapshot)

    return await _write(
        profile_id,
        build,
        expected=expected,
        actor=actor,
        now=now,
        action="restore",
        note=f"restored version {number}",
    )


# --- which profile a subscriber sees ----------------------------------------------------------


async def default_profile() -> ProfileContent:
    """Return the default profile's content."""
    return (await PROFILES.default()).content


async def login_profile_name(profile: ProfileContent) -> str | None:
    """Return the name ?loginProfile= needs to show a profile, or None for the default profile."""
    default = await PROFILES.default()
    return None if str(default.content.name).casefold() == str(profile.name).casefold() else str(profile.name)


async def resolved_for_market(market: str | None) -> ResolvedProfile:
    """Return the profile whose markets hold market (else the default), with its version."""
    return await PROFILES.for_market(market)


async def profile_for_market(market: str | None) -> ProfileContent:
    """Return the profile whose markets hold market, else the default profile."""
    return (await PROFILES.for_market(market)).content


async def profile_named(name: str | None) -> ProfileContent:
    """Return the profile with this name (any case), else the default profile."""
    return (await PROFILES.named(name)).content
