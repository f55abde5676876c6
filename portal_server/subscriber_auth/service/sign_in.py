"""Subscriber sign-in: credentials checked with lockout and a per-address limit, every attempt audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal_server.actor import Actor
from portal_server.audit import service as audit
from portal_server.portal_users import service as portal_users
from portal_server.portal_users.models import PortalUser
from portal_server.security.lockout import lockout_after
from portal_server.security.passwords import verify_password
from portal_server.subscriber_auth.models import SignInAttempt
from portal_server.subscriber_auth.service import subscriber

ADDRESS_WINDOW = timedelta(minutes=15)
ADDRESS_LIMIT = 30


class SignInRefused(Exception):
    """Sign-in failed. ``reason`` is for the audit trail; the page shows one message for most."""

    def __init__(self, reason: str, user: PortalUser | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user


async def address_is_throttled(address: str, now: datetime) -> bool:
    """Tell whether an address made too many failed sign-in attempts lately."""
    recent = await SignInAttempt.filter(address=address, at__gt=now - ADDRESS_WINDOW, succeeded=False).count()
    return recent >= ADDRESS_LIMIT


async def sign_in(identifier: str, password: str, *, address: str, now: datetime) -> PortalUser:
    """Check credentials; raise SignInRefused (audited) or return the user."""
    ident = identifier.strip()
    if await address_is_throttled(address, now):
        await audit.record(
            Actor(kind="anonymous", name=ident or "?", address=address),
            "subscriber.sign_in_failed",
            "portal_user",
            None,
            at=now,
            after={"reason": "address throttled"},
        )
        raise SignInRefused("throttled")
    user = await portal_users.user_by_identifier(ident)
    locked = user is not None and user.locked_until is not None and user.locked_until > now
    ok = await verify_password(user.password_hash if user else None, password)
    reason = None
    if user is None:
        reason = "unknown user"
    elif locked:
        reason = "locked"
    elif not ok:
        reason = "wrong password"
    elif user.status == "disabled":
        reason = "disabled"
    elif user.status == "invited":
        reason = "invitation not accepted"
    elif user.status == "pending":
        reason = "email not verified"
    await SignInAttempt.create(address=address, at=now, succeeded=reason is None)
    actor = subscriber(user, address) if user else Actor(kind="anonymous", name=ident or "?", address=address)
    if reason is not None:
        if user is not None and reason == "wrong password":
            user.failed_logins += 1
            wait = lockout_after(user.failed_logins)
            if wait is not None:
                user.locked_until = now + wait
            await user.save(update_fields=["failed_logins", "locked_until"])
        await audit.record(
            actor,
            "subscriber.sign_in_failed",
            "portal_user",
            user.id if user else None,
            at=now,
            label=ident,
            after={"reason": reason},
        )
        raise SignInRefused(reason, user)
    assert user is not None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    await user.save(update_fields=["failed_logins", "locked_until", "last_login_at"])
    await audit.record(actor, "subscriber.sign_in", "portal_user", user.id, at=now, label=user.email)
    return user
