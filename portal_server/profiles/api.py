"""Admin API: profiles, their markets, logos and versions."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import empty, json, raw
from sanic_ext import openapi

from common.permissions import Permission
from common.profile import LOGO_LIMITS, LogoSlot, Profile, ProfileContent
from common.schemas import (
    DuplicateRequest,
    MarketRequest,
    ProfileList,
    VersionDetail,
    VersionList,
)
from common.validation import parse
from portal_server.admin_auth import requires
from portal_server.api_docs import json_content, responses
from portal_server.errors import ApiError
from portal_server.http import json_body, query_int, query_text
from portal_server.profiles import service
from portal_server.profiles.logo_check import LogoRejected, check_logo

bp = Blueprint("admin_profiles", url_prefix="/api/v1/admin/profiles")
media = Blueprint("media")

VIEW = Permission.VIEW_PROFILES
MANAGE = Permission.MANAGE_PORTAL_ADMINISTRATION


def _profile_response(profile: Profile, status: int = 200) -> HTTPResponse:
    return json(
        profile.model_dump(mode="json"),
        status=status,
        headers={"ETag": f'"{profile.version}"'},
    )


def _expected(request: Request, body: Any = None) -> int | None:
    version = body.get("version") if isinstance(body, dict) else None
    return service.expected_version(version, request.headers.get("if-match"))


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(
            422,
            "invalid",
            "The request body must be a JSON object.",
            {"body": "must be a JSON object"},
        )
    return body


async def _write_body(request: Request, profile_id: int, write: Any) -> HTTPResponse:
    """Parse a profile document from the body and hand it to a service write (PUT or PATCH)."""
    body = _object(json_body(request))
    profile = await write(
        profile_id, body, expected=_expected(request, body), actor=request.ctx.actor, now=_now(request)
    )
    return _profile_response(profile)


def _now(request: Request) -> Any:
    return request.app.ctx.clock.now()


@bp.get("")
@openapi.definition(
    summary="List profiles",
    tag="profiles",
    secured={"token": []},
    response=responses(ProfileList),
    parameter=[
        openapi.definitions.Parameter("q", str, "query", description="search name, description, markets"),
        openapi.definitions.Parameter("sort", str, "query", description="name or -name"),
    ],
)
@requires(VIEW)
async def list_profiles(request: Request) -> HTTPResponse:
    """List profiles with search and sort."""
    items = await service.list_profiles(query_text(request, "q"), query_text(request, "sort", 10) or "name")
    return json(ProfileList(items=items, total=len(items)).model_dump(mode="json"))


@bp.post("")
@openapi.definition(
    summary="Create a profile from the out-of-box defaults (fields given overlay them)",
    tag="profiles",
    secured={"token": []},
    body=json_content(ProfileContent),
    response=responses(Profile, 201),
)
@requires(MANAGE)
async def create_profile(request: Request) -> HTTPResponse:
    """Create a profile."""
    body = _object(json_body(request)) if request.body else None
    profile = await service.create_profile(body, actor=request.ctx.actor, now=_now(request))
    return _profile_response(profile, 201)


@bp.get("/<profile_id:int>")
@openapi.definition(
    summary="Get a profile", tag="profiles", secured={"token": []}, response=responses(Profile)
)
@requires(VIEW)
async def get_profile(request: Request, profile_id: int) -> HTTPResponse:
    """Return the whole profile; its ETag is the version."""
    return _profile_response(await service.get_profile(profile_id))


@bp.put("/<profile_id:int>")
@openapi.definition(
    summary="Replace a profile's content (send If-Match or version to detect conflicts)",
    tag="profiles",
    secured={"token": []},
    body=json_content(ProfileContent),
    response=responses(Profile),
)
@requires(MANAGE)
async def replace_profile(request: Request, profile_id: int) -> HTTPResponse:
    """Replace the whole profile."""
    return await _write_body(request, profile_id, service.replace_profile)


@bp.patch("/<profile_id:int>")
@openapi.definition(
    summary="Change part of a profile (JSON merge patch; null resets a field to its default)",
    tag="profiles",
    secured={"token": []},
    body={
        "application/merge-patch+json": {"type": "object"},
        "application/json": {"type": "object"},
    },
    response=responses(Profile),
)
@requires(MANAGE)
async def patch_profile(request: Request, profile_id: int) -> HTTPResponse:
    """Apply a merge patch."""
    return await _write_body(request, profile_id, service.patch_profile)


@bp.delete("/<profile_id:int>")
@openapi.definition(
    summary="Remove a profile (never the default)",
    tag="profiles",
    secured={"token": []},
    response=responses(None, 204),
)
@requires(MANAGE)
async def delete_profile(request: Request, profile_id: int) -> HTTPResponse:
    """Remove a profile."""
    await service.delete_profile(
        profile_id, expected=_expected(request), actor=request.ctx.actor, now=_now(request)
    )
    return empty()


@bp.post("/<profile_id:int>/duplicate")
@openapi.definition(
    summary="Duplicate a profile (everything but the markets)",
    tag="profiles",
    secured={"token": []},
    body=json_content(DuplicateRequest),
    response=responses(Profile, 201),
)
@requires(MANAGE)
async def duplicate_profile(request: Request, profile_id: int) -> HTTPResponse:
    """Copy a profile under a new name."""
    payload = parse(DuplicateRequest, json_body(request))
    profile = await service.duplicate_profile(
        profile_id, payload.name, actor=request.ctx.actor, now=_now(request)
    )
    return _profile_response(profile, 201)


@bp.post("/<profile_id:int>/markets")
@openapi.definition(
    summary="Associate a market (a market belongs to at most one profile)",
    tag="profiles",
    secured={"token": []},
    body=json_content(MarketRequest),
    response=responses(Profile),
)
@requires(MANAGE)
async def add_market(request: Request, profile_id: int) -> HTTPResponse:
    """Associate a market with the profile."""
    body = json_body(request)
    payload = parse(MarketRequest, {k: v for k, v in _object(body).items() if k != "version"})
    profile = await service.add_market(
        profile_id,
        payload.market,
        expected=_expected(request, body),
        actor=request.ctx.actor,
        now=_now(request),
    )
    return _profile_response(profile)


@bp.delete("/<profile_id:int>/markets/<market:str>")
@openapi.definition(
    summary="Remove a market from the profile",
    tag="profiles",
    secured={"token": []},
    response=responses(Profile),
)
@requires(MANAGE)
async def remove_market(request: Request, profile_id: int, market: str) -> HTTPResponse:
    """Remove a market from the profile."""
    profile = await service.remove_market(
        profile_id,
        unquote(market),
        expected=_expected(request),
        actor=request.ctx.actor,
        now=_now(request),
    )
    return _profile_response(profile)


def _slot(name: str) -> LogoSlot:
    try:
        return LogoSlot(name)
    except ValueError:
        raise ApiError(404, "not_found", "Logo slots are login, top_bar and favicon.") from None


@bp.put("/<profile_id:int>/logos/<slot:str>")
@openapi.definition(
    summary="Upload a logo: the request body is the image (PNG, JPEG, GIF, WebP or SVG)",
    description="; ".join(f"{s.value}: {limit.describe()}" for s, limit in LOGO_LIMITS.items()),
    tag="profiles",
    secured={"token": []},
    body={
        "image/png": {"type": "string", "format": "binary"},
        "image/jpeg": {"type": "string", "format": "binary"},
        "image/gif": {"type": "string", "format": "binary"},
        "image/webp": {"type": "string", "format": "binary"},
        "image/svg+xml": {"type": "string", "format": "binary"},
    },
    response=responses(Profile, errors=(401, 403, 404, 409, 413, 422)),
)
@requires(MANAGE)
async def upload_logo(request: Request, profile_id: int, slot: str) -> HTTPResponse:
    """Check, re-encode and store a logo, then point the profile's slot at it."""
    logo_slot = _slot(slot)
    try:
        checked = check_logo(logo_slot, request.body or b"")
    except LogoRejected as exc:
        raise ApiError(exc.status, "invalid_logo", exc.message, {slot: exc.message}) from None
    profile = await service.set_logo(
        profile_id,
        logo_slot,
        checked,
        expected=_expected(request),
        actor=request.ctx.actor,
        now=_now(request),
    )
    return _profile_response(profile)


@bp.delete("/<profile_id:int>/logos/<slot:str>")
@openapi.definition(
    summary="Go back to the default logo for a slot",
    tag="profiles",
    secured={"token": []},
    response=responses(Profile),
)
@requires(MANAGE)
async def reset_logo(request: Request, profile_id: int, slot: str) -> HTTPResponse:
    """Clear a custom logo."""
    logo_slot = _slot(slot)
    profile = await service.patch_profile(
        profile_id,
        {"logos": {logo_slot.value: None}},
        expected=_expected(request),
        actor=request.ctx.actor,
        now=_now(request),
    )
    return _profile_response(profile)


@bp.get("/<profile_id:int>/versions")
@openapi.definition(
    summary="List a profile's versions, newest first",
    tag="versions",
    secured={"token": []},
    response=responses(VersionList),
)
@requires(VIEW)
async def list_versions(request: Request, profile_id: int) -> HTTPResponse:
    """List versions."""
    items, current = await service.list_versions(profile_id)
    return json(VersionList(items=items, current=current).model_dump(mode="json"))


@bp.get("/<profile_id:int>/versions/<number:int>")
@openapi.definition(
    summary="A version and its field-by-field changes (against the previous one, or ?against=N)",
    tag="versions",
    secured={"token": []},
    response=responses(VersionDetail),
    parameter=[openapi.definitions.Parameter("against", int, "query")],
)
@requires(VIEW)
async def get_version(request: Request, profile_id: int, number: int) -> HTTPResponse:
    """Show a version with its diff."""
    against = query_int(request, "against", 0, 0, 10**9) or None
    detail = await service.version_detail(profile_id, number, against)
    return json(detail.model_dump(mode="json"))


@bp.post("/<profile_id:int>/versions/<number:int>/restore")
@openapi.definition(
    summary="Restore a version's content as a new version",
    tag="versions",
    secured={"token": []},
    response=responses(Profile),
)
@requires(MANAGE)
async def restore_version(request: Request, profile_id: int, number: int) -> HTTPResponse:
    """Restore a version."""
    body = json_body(request) if request.body else None
    profile = await service.restore_version(
        profile_id,
        number,
        expected=_expected(request, body),
        actor=request.ctx.actor,
        now=_now(request),
    )
    return _profile_response(profile)


@media.get("/media/logos/<sha256:str>")
@openapi.exclude()
async def logo_file(request: Request, sha256: str) -> HTTPResponse:
    """Serve a stored logo; content-addressed, so it may be cached for good."""
    image = await service.logo_image(sha256) if len(sha256) == 64 else None
    if image is None:
        raise ApiError(404, "not_found", "There is no such logo.")
    headers = {
        "Cache-Control": "public, max-age=31536000, immutable",
        "X-Content-Type-Options": "nosniff",
    }
    if image.content_type == "image/svg+xml":
        # An SVG opened directly must not run anything, even if one slipped through.
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return raw(bytes(image.data), content_type=image.content_type, headers=headers)
