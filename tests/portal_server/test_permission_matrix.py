"""Who may call which admin endpoint: the matrix is read from the app's own router."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from PIL import Image
from sanic import Sanic

from common.permissions import PERMISSION_LABELS, ROLE_PERMISSIONS, Permission, Role
from portal_server.accounts.models import Account
from portal_server.portal_users.models import PortalUser

ADMIN_PREFIX = "api/v1/admin"
PUBLIC = "public"  # no requires() at all
SIGNED_IN = None  # requires(None): any valid token
AUTO_OPTIONS = "auto options"  # sanic-ext's generated OPTIONS answer: an Allow header only

VIEW = Permission.VIEW_PROFILES
MANAGE = Permission.MANAGE_PORTAL_ADMINISTRATION

# Every declared admin route and what it needs; a new endpoint must be added here, with its
# permission. (sanic-ext adds HEAD and OPTIONS routes by itself; they are checked against it.)
EXPECTED: dict[tuple[str, str], Permission | str | None] = {
    ("POST", "/api/v1/admin/auth/token"): PUBLIC,
    ("DELETE", "/api/v1/admin/auth/token"): SIGNED_IN,
    ("GET", "/api/v1/admin/profiles"): VIEW,
    ("POST", "/api/v1/admin/profiles"): MANAGE,
    ("GET", "/api/v1/admin/profiles/<profile_id>"): VIEW,
    ("PUT", "/api/v1/admin/profiles/<profile_id>"): MANAGE,
    ("PATCH", "/api/v1/admin/profiles/<profile_id>"): MANAGE,
    ("DELETE", "/api/v1/admin/profiles/<profile_id>"): MANAGE,
    ("POST", "/api/v1/admin/profiles/<profile_id>/duplicate"): MANAGE,
    ("POST", "/api/v1/admin/profiles/<profile_id>/markets"): MANAGE,
    ("DELETE", "/api/v1/admin/profiles/<profile_id>/markets/<market>"): MANAGE,
    ("PUT", "/api/v1/admin/profiles/<profile_id>/logos/<slot>"): MANAGE,
    ("DELETE", "/api/v1/admin/profiles/<profile_id>/logos/<slot>"): MANAGE,
    ("GET", "/api/v1/admin/profiles/<profile_id>/versions"): VIEW,
    ("GET", "/api/v1/admin/profiles/<profile_id>/versions/<number>"): VIEW,
    ("POST", "/api/v1/admin/profiles/<profile_id>/versions/<number>/restore"): MANAGE,
    ("GET", "/api/v1/admin/audit"): Permission.VIEW_AUDIT,
    ("GET", "/api/v1/admin/portal-users"): Permission.VIEW_PORTAL_USERS,
    ("POST", "/api/v1/admin/portal-users"): Permission.MANAGE_PORTAL_USER,
    ("PUT", "/api/v1/admin/portal-users/<user_id>/email"): Permission.MANAGE_PORTAL_USER,
}

# Requests that end a session or remove the profile go last, so the others see live ids.
LAST = [
    ("DELETE", "/api/v1/admin/profiles/<profile_id>"),
    ("DELETE", "/api/v1/admin/auth/token"),
]

_PARAM = re.compile(r"<(\w+)(?::[^>]*)?>")


def _required_permission(handler: Any) -> Any:
    """Return the permission requires() put on the handler, or PUBLIC when there is none."""
    if getattr(handler, "__auto_handler__", False):
        if not hasattr(handler, "__route_handler__"):
            return AUTO_OPTIONS
        handler = handler.__route_handler__  # HEAD runs the GET handler
    while handler is not None:
        if "required_permission" in getattr(handler, "__dict__", {}):
            return handler.required_permission
        handler = getattr(handler, "__wrapped__", None)
    return PUBLIC


def admin_routes(app: Sanic, *, generated: bool = True) -> dict[tuple[str, str], Any]:
    """Return {(method, path with <name> parameters): permission} for the admin routes.

    With generated=False the HEAD and OPTIONS routes sanic-ext adds are left out.
    """
    found: dict[tuple[str, str], Any] = {}
    for route in app.router.routes:
        if not route.path.startswith(ADMIN_PREFIX):
            continue
        if not generated and getattr(route.handler, "__auto_handler__", False):
            continue
        path = "/" + _PARAM.sub(r"<\1>", route.path)
        for method in route.methods:
            found[(method, path)] = _required_permission(route.handler)
    return found


def _ordered(routes: dict[tuple[str, str], Any]) -> list[tuple[str, str]]:
    keys = sorted(routes)
    return [key for key in keys if key not in LAST] + [key for key in LAST if key in routes]


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (30, 90, 160, 255)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class Target:
    """Real objects the requests point at."""

    profile_id: int
    market: str
    profile: dict[str, Any]
    user_id: int = 0
    accounts: list[str] = field(default_factory=lambda: ["900001", "900002"])
    invited: int = 0

    def next_account(self) -> str:
        """Return an account without a portal login yet."""
        return self.accounts.pop(0) if self.accounts else "900001"

    def next_email(self) -> str:
        """Return a fresh mailbox name."""
        self.invited += 1
        return f"matrix{self.invited}"


async def _target(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> Target:
    created = await client.post(
        "/api/v1/admin/profiles", json={"name": "Matrix target"}, headers=admin_headers
    )
    assert created.status_code == 201, created.text
    profile_id = created.json()["id"]
    with_market = await client.post(
        f"/api/v1/admin/profiles/{profile_id}/markets",
        json={"market": "MATRIX-EAST"},
        headers=admin_headers,
    )
    assert with_market.status_code == 200, with_market.text
    for number in ("900001", "900002"):
        await Account.create(
            number=number,
            holder_name="Matrix Holder",
            last_name="Holder",
            postal_code="10001",
            market="MATRIX-EAST",
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
    holder = await Account.create(
        number="900009",
        holder_name="Matrix Member",
        last_name="Member",
        postal_code="10001",
        market="MATRIX-EAST",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    member = await PortalUser.create(
        account=holder,
        email="member@example.com",
        display_name="Matrix Member",
        status="active",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return Target(profile_id, "MATRIX-EAST", with_market.json(), user_id=member.id)


def _request(method: str, path: str, target: Target) -> dict[str, Any]:
    """Return httpx.request keyword arguments for one endpoint, with a plausible body."""
    values = {
        "profile_id": str(target.profile_id),
        "number": "1",
        "slot": "login",
        "market": target.market,
        "user_id": str(target.user_id),
    }
    url = _PARAM.sub(lambda m: values[m.group(1)], path)
    kwargs: dict[str, Any] = {"method": method, "url": url}
    if (method, path) == ("POST", "/api/v1/admin/auth/token"):
        kwargs["json"] = {"username": "rep", "password": "rep-password-22"}
    elif (method, path) == ("POST", "/api/v1/admin/profiles"):
        kwargs["json"] = {"name": "Matrix created"}
    elif (method, path) == ("PUT", "/api/v1/admin/profiles/<profile_id>"):
        body = {k: v for k, v in target.profile.items() if k not in ("id", "version")}
        kwargs["json"] = {**body, "name": "Matrix replaced"}
    elif (method, path) == ("PATCH", "/api/v1/admin/profiles/<profile_id>"):
        kwargs["json"] = {"description": "Patched by the matrix"}
    elif path.endswith("/duplicate"):
        kwargs["json"] = {"name": "Matrix copy"}
    elif (method, path) == ("POST", "/api/v1/admin/profiles/<profile_id>/markets"):
        kwargs["json"] = {"market": "MATRIX-WEST"}
    elif (method, path) == ("POST", "/api/v1/admin/portal-users"):
        # Each caller invites a different account, so the administrator's call can succeed.
        kwargs["json"] = {
            "account_number": target.next_account(),
            "email": f"{target.next_email()}@example.com",
        }
    elif path.endswith("/email"):
        kwargs["json"] = {"email": f"{target.next_email()}@example.com"}
    elif method == "PUT" and path.endswith("/logos/<slot>"):
        kwargs["content"] = _png(120, 40)
        kwargs["headers"] = {"Content-Type": "image/png"}
    return kwargs


def _send_kwargs(kwargs: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    return {**kwargs, "headers": {**kwargs.get("headers", {}), **headers}}


def test_expected_table_matches_the_router(app: Sanic) -> None:
    found = admin_routes(app, generated=False)
    assert set(found) == set(EXPECTED), (
        f"new routes: {sorted(set(found) - set(EXPECTED))}; gone routes: {sorted(set(EXPECTED) - set(found))}"
    )
    wrong = {key: found[key] for key in found if found[key] != EXPECTED[key]}
    assert not wrong, f"routes whose permission differs from the table: {wrong}"


def test_only_the_sign_in_endpoint_is_public(app: Sanic) -> None:
    public = [key for key, needed in admin_routes(app).items() if needed == PUBLIC]
    assert public == [("POST", "/api/v1/admin/auth/token")]


def test_generated_head_and_options_routes_follow_the_table(app: Sanic) -> None:
    found = admin_routes(app)
    heads = {path: needed for (method, path), needed in found.items() if method == "HEAD"}
    gets = {path: needed for (method, path), needed in EXPECTED.items() if method == "GET"}
    assert heads == gets, "HEAD must need exactly what GET needs"
    options = {path for (method, path), needed in found.items() if method == "OPTIONS"}
    assert options == {path for _, path in EXPECTED}
    assert all(found[("OPTIONS", path)] == AUTO_OPTIONS for path in options)
    assert set(found) == set(EXPECTED) | {("HEAD", p) for p in heads} | {("OPTIONS", p) for p in options}


@pytest.mark.parametrize("caller", ["anonymous", "bogus token"])
async def test_callers_without_a_valid_token_get_401(
    app: Sanic, client: httpx.AsyncClient, admin, caller: str
) -> None:
    target = await _target(client, admin.headers)
    headers = {} if caller == "anonymous" else {"Authorization": "Bearer not-a-real-token"}
    routes = admin_routes(app)
    for method, path in _ordered(routes):
        response = await client.request(**_send_kwargs(_request(method, path, target), headers))
        where = f"{caller} {method} {path}: {response.status_code} {response.text}"
        needed = routes[(method, path)]
        if needed == PUBLIC:
            assert response.status_code == 200, where
            continue
        if needed == AUTO_OPTIONS:
            assert response.status_code == 204, where
            assert response.content == b"", where
            assert "allow" in response.headers, where
            continue
        assert response.status_code == 401, where
        assert response.headers["WWW-Authenticate"].startswith("Bearer"), where
        if method != "HEAD":
            assert response.json()["error"]["code"] == "unauthorized", where


@pytest.mark.parametrize("role", [Role.CARE_REP, Role.ADMINISTRATOR])
async def test_signed_in_staff_get_what_their_role_grants(
    app: Sanic, client: httpx.AsyncClient, admin, login_as, role: Role
) -> None:
    session = admin if role is Role.ADMINISTRATOR else await login_as("rep")
    granted = ROLE_PERMISSIONS[role]
    target = await _target(client, admin.headers)
    routes = admin_routes(app)
    for method, path in _ordered(routes):
        needed = routes[(method, path)]
        response = await client.request(**_send_kwargs(_request(method, path, target), session.headers))
        where = f"{role} {method} {path}: {response.status_code} {response.text}"
        if isinstance(needed, Permission) and needed not in granted:
            assert response.status_code == 403, where
            if method == "HEAD":
                continue
            error = response.json()["error"]
            assert error["code"] == "forbidden", where
            assert error["permission"] == needed.value, where
            assert PERMISSION_LABELS[needed] in error["message"], where
            continue
        assert response.status_code not in (401, 403), where
        assert response.status_code < 500, where
        if role is Role.ADMINISTRATOR:
            assert 200 <= response.status_code < 300, where


def test_the_care_rep_is_refused_something_and_allowed_something() -> None:
    needs = {p for p in EXPECTED.values() if isinstance(p, Permission)}
    rep = ROLE_PERMISSIONS[Role.CARE_REP]
    assert needs & rep, "the matrix would not show a care rep being let through"
    assert needs - rep, "the matrix would not show a care rep being refused"
