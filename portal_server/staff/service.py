"""Staff accounts: creation, sign-in with lockout, bearer tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from common.permissions import Permission, Role, permissions_for
from portal_server.actor import Actor
from portal_server.audit import service as audit
from portal_server.security import lockout
from portal_server.security.passwords import hash_password, needs_rehash, password_problem, verify_password
from portal_server.security.throttle import Throttle
from portal_server.security.tokens import MAX_TOKEN_LENGTH, new_token, token_digest
from portal_server.staff.models import StaffToken, StaffUser

USERNAME_LENGTH = 64


class StaffError(Exception):
    """A staff operation was refused; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class SignInRefused(Exception):
    """Wrong username or password, a disabled or a locked account: one answer for all."""


@dataclass(frozen=True)
class IssuedToken:
    """A token just handed out."""

    token: str
    expires_in: int
    staff: StaffUser


async def create_staff(username: str, password: str, role: str, *, actor: Actor, now: datetime) -> StaffUser:
    """Create a staff user with a hashed password; audit it."""
    username = username.strip()
    if (
        not username
        or len(username) > 64
        or not username.replace(".", "").replace("-", "").replace("_", "").isalnum()
    ):
        raise StaffError("must be 1 to 64 letters, digits, dots, dashes or underscores", "username")
    if role not in {r.value for r in Role}:
        raise StaffError(f"must be one of {', '.join(r.value for r in Role)}", "role")
    problem = password_problem(password)
    if problem:
        raise StaffError(problem, "password")
    password_hash = await hash_password(password)
    try:
        async with in_transaction() as connection:
            staff = await StaffUser.create(
                username=username,
                password_hash=password_hash,
                role=role,
                created_at=now,
                using_db=connection,
            )
            await audit.record(
                actor,
                "staff.create",
                "staff",
                staff.id,
                at=now,
                label=username,
                after={"username": username, "role": role},
                connection=connection,
            )
    except IntegrityError:
        raise StaffError(f"'{username}' is already taken", "username") from None
    return staff


async def sign_in(
    username: str,
    password: str,
    *,
    address: str,
    now: datetime,
    ttl: int,
    threshold: int,
    throttle: Throttle,
) -> IssuedToken:
    """Check credentials and issue a token; every attempt is audited.

    Attempts are counted before the password is checked (see ``security.lockout``), so concurrent
    guesses cannot get past the lock, and attempts while locked neither count nor extend it.
    """
    name = username.strip()
    attempt_actor = Actor(kind="staff", name=name or "?", address=address)
    verdict = await throttle.begin("staff_sign_in", address=address, subject=name, now=now)
    staff = None
    if verdict.allowed and name and len(name) <= USERNAME_LENGTH:
        staff = await StaffUser.get_or_none(username=name)
    reservation = None
    if staff is not None:
        reservation = await lockout.reserve(StaffUser, staff.id, now=now, threshold=threshold)
    ok = await verify_password(staff.password_hash if staff else None, password)
    reason = None
    if not verdict.allowed:
        reason = "address throttled"
    elif staff is None:
        reason = "unknown user"
    elif reservation is None:
        reason = "locked"
    elif not ok:
        reason = "wrong password"
    elif not staff.is_active:
        reason = "disabled"
    if reason is not None:
        if verdict.allowed:
            await verdict.settle("failed")
        if staff is not None and ok and reservation is not None:
            await lockout.succeeded(StaffUser, staff.id)
        await audit.record(
            attempt_actor,
            "staff.sign_in_failed",
            "staff",
            staff.id if staff else None,
            at=now,
            label=name,
            after={"reason": reason},
        )
        raise SignInRefused
    assert staff is not None
    await verdict.settle("ok")
    token, digest = new_token()
    async with in_transaction() as connection:
        changes: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        if needs_rehash(staff.password_hash):
            changes["password_hash"] = await hash_password(password)
        await StaffUser.filter(id=staff.id).using_db(connection).update(**changes)
        await StaffToken.create(
            token_hash=digest,
            staff=staff,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
            address=address[:64],
            using_db=connection,
        )
        await audit.record(
            Actor(kind="staff", name=staff.username, id=staff.id, address=address),
            "staff.sign_in",
            "staff",
            staff.id,
            at=now,
            label=staff.username,
            connection=connection,
        )
    return IssuedToken(token=token, expires_in=ttl, staff=staff)


async def actor_for_token(token: str, *, address: str, now: datetime) -> Actor | None:
    """Return the actor a live token belongs to, or None."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    row = await StaffToken.get_or_none(token_hash=token_digest(token)).select_related("staff")
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.staff.is_active:
        return None
    return Actor(
        kind="staff",
        name=row.staff.username,
        id=row.staff.id,
        address=address,
        permissions=permissions_for(row.staff.role),
    )


async def revoke(token: str, *, actor: Actor, now: datetime) -> None:
    """Revoke a token so it is refused from now on."""
    async with in_transaction() as connection:
        updated = (
            await StaffToken.filter(token_hash=token_digest(token), revoked_at=None)
            .using_db(connection)
            .update(revoked_at=now)
        )
        if updated:
            await audit.record(
                actor,
                "staff.sign_out",
                "staff",
                actor.id,
                at=now,
                label=actor.name,
                connection=connection,
            )


def has(actor: Actor, permission: Permission) -> bool:
    """Tell whether an actor holds a permission."""
    return permission in actor.permissions
