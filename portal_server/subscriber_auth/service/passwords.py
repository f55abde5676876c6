"""Forgotten passwords and first passwords: a reset or invitation link sets a new one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from portal_server.audit import service as audit
from portal_server.portal_users import service as portal_users
from portal_server.portal_users.models import PortalUser
from portal_server.security.passwords import hash_password, password_problem
from portal_server.security.throttle import Throttle
from portal_server.subscriber_auth.models import PortalSession
from portal_server.subscriber_auth.service import FormProblem, Timeouts, subscriber, throttled
from portal_server.subscriber_auth.service.links import consume, issue_link, open_link

# Queues the "your password was changed" mail inside the transaction that changes it.
PasswordMail = Callable[[PortalUser, BaseDBAsyncClient], Awaitable[object]]


async def reset_allowed(email: str, *, address: str, now: datetime, throttle: Throttle) -> bool:
    """Count a reset request; False (send nothing, say nothing) when its recipient had enough.

    A request turned away by its network raises FormProblem, which the page shows.
    """
    verdict = await throttle.begin("forgot_password", address=address, subject=email, now=now)
    if not verdict.allowed and verdict.limited_by == "address":
        raise throttled(verdict, "email address")
    return verdict.allowed


async def request_password_reset(
    email: str, *, now: datetime, timeouts: Timeouts
) -> tuple[PortalUser, str] | None:
    """Issue a reset link when the address belongs to a user who may reset; else None."""
    user = await portal_users.user_by_email(email)
    if user is None or user.status in ("disabled", "invited"):
        return None
    token = await issue_link(user, "reset", timeouts.reset_link, now)
    await audit.record(
        subscriber(user),
        "subscriber.reset_requested",
        "portal_user",
        user.id,
        at=now,
        label=user.email,
    )
    return user, token


async def set_password_by_link(
    token: str,
    purpose: str,
    password: str,
    password_confirm: str,
    *,
    address: str,
    now: datetime,
    notify: PasswordMail | None = None,
) -> PortalUser:
    """Use a reset or invitation link to set a new password; every session of the user ends.

    ``notify`` queues the mail telling the subscriber, in the same transaction.
    """
    problem = password_problem(password)
    if problem:
        raise FormProblem({"password": problem})
    if password != password_confirm:
        raise FormProblem({"password_confirm": "does not match the password"})
    link = await open_link(token, purpose, now)
    user = link.user
    password_hash = await hash_password(password)
    async with in_transaction() as connection:
        await consume(link, now, connection)
        user.password_hash = password_hash
        user.failed_logins = 0
        user.locked_until = None
        if user.status in ("invited", "pending"):
            # The link arrived by email, which proves the address.
            user.status = "active"
            user.email_verified_at = user.email_verified_at or now
        await user.save(
            update_fields=["password_hash", "failed_logins", "locked_until", "status", "email_verified_at"],
            using_db=connection,
        )
        await (
            PortalSession.filter(user_id=user.id, revoked_at=None).using_db(connection).update(revoked_at=now)
        )
        action = "subscriber.password_reset" if purpose == "reset" else "subscriber.invitation_accepted"
        await audit.record(
            subscriber(user, address),
            action,
            "portal_user",
            user.id,
            at=now,
            label=user.email,
            connection=connection,
        )
        if notify is not None:
            await notify(user, connection)
    return user
