"""Subscriber sign-in: credentials checked with lockout and a per-address throttle, every attempt audited."""

from __future__ import annotations

from datetime import datetime

from common.formats import format_datetime
from portal_server.actor import Actor
from portal_server.audit import service as audit
from portal_server.notifications.notifier import Notifier, Recipient
from portal_server.portal_users import service as portal_users
from portal_server.portal_users.models import PortalUser
from portal_server.profiles.service import profile_for_market
from portal_server.security import lockout
from portal_server.security.lockout import LOCKOUT_THRESHOLD, Reservation
from portal_server.security.passwords import hash_password, needs_rehash, verify_password
from portal_server.security.throttle import Throttle
from portal_server.subscriber_auth.service import Timeouts, subscriber
from portal_server.subscriber_auth.service.links import issue_link


class SignInRefused(Exception):
    """Sign-in failed. ``reason`` is for the audit trail; the page shows one message for most."""

    def __init__(self, reason: str, user: PortalUser | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user


def _refusal(user: PortalUser | None, ok: bool) -> str | None:
    if user is None:
        return "unknown user"
    if not ok:
        return "wrong password"
    return {
        "disabled": "disabled",
        "invited": "invitation not accepted",
        "pending": "email not verified",
    }.get(user.status)


async def sign_in(
    identifier: str,
    password: str,
    *,
    address: str,
    now: datetime,
    throttle: Throttle,
    notifier: Notifier,
    timeouts: Timeouts,
) -> PortalUser:
    """Check credentials; raise SignInRefused (audited) or return the user."""
    ident = identifier.strip()
    anonymous = Actor(kind="anonymous", name=ident or "?", address=address)
    verdict = await throttle.begin("sign_in", address=address, subject=ident, now=now)
    if not verdict.allowed:
        await _refused(anonymous, None, ident, "address throttled", now)
        raise SignInRefused("throttled")
    user = await portal_users.user_by_identifier(ident)
    reservation = None
    if user is not None:
        reservation = await lockout.reserve(PortalUser, user.id, now=now, threshold=LOCKOUT_THRESHOLD)
    # The password is checked even for unknown or locked logins, so timing reveals neither.
    ok = await verify_password(user.password_hash if user else None, password)
    if user is not None and reservation is None:
        await verdict.settle("failed")
        await _refused(subscriber(user, address), user, ident, "locked", now)
        raise SignInRefused("locked", user)
    reason = _refusal(user, ok)
    if reason is not None:
        await verdict.settle("failed")
        if user is not None and ok:
            # The password was right: this is not a guess, so it does not count towards a lock.
            await lockout.succeeded(PortalUser, user.id)
        await _refused(subscriber(user, address) if user else anonymous, user, ident, reason, now)
        if user is not None and reservation is not None and reservation.started_lock:
            await _tell_owner_of_lock(user, reservation, notifier=notifier, timeouts=timeouts, now=now)
        raise SignInRefused(reason, user)
    assert user is not None
    await verdict.settle("ok")
    changes: dict[str, object] = {"last_login_at": now}
    if needs_rehash(str(user.password_hash)):
        # A change of argon2 parameters reaches stored hashes at the next sign-in.
        changes["password_hash"] = await hash_password(password)
    await lockout.succeeded(PortalUser, user.id, **changes)
    user.last_login_at = now
    await audit.record(
        subscriber(user, address), "subscriber.sign_in", "portal_user", user.id, at=now, label=user.email
    )
    return user


async def _refused(actor: Actor, user: PortalUser | None, ident: str, reason: str, now: datetime) -> None:
    await audit.record(
        actor,
        "subscriber.sign_in_failed",
        "portal_user",
        user.id if user else None,
        at=now,
        label=ident,
        after={"reason": reason},
    )


async def _tell_owner_of_lock(
    user: PortalUser, reservation: Reservation, *, notifier: Notifier, timeouts: Timeouts, now: datetime
) -> None:
    """Mail the owner when a lock starts: how many tries, until when, and a way back in."""
    assert reservation.locked_until is not None
    token = await issue_link(user, "reset", timeouts.reset_link, now)
    profile = await profile_for_market(user.account.market)
    await notifier.send(
        profile,
        "account_locked",
        Recipient(user.email, user.display_name),
        failures=reservation.failures,
        locked_until=f"{format_datetime(reservation.locked_until, profile.settings.locale)} UTC",
        link=notifier.url(f"/reset-password/{token}"),
        link_hours=int(timeouts.reset_link.total_seconds() // 3600),
    )
    await audit.record(
        Actor.system("sign-in"),
        "subscriber.locked",
        "portal_user",
        user.id,
        at=now,
        label=user.email,
        after={"failures": reservation.failures, "until": reservation.locked_until.isoformat()},
    )
