"""Portal user administration by staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sanic import Request
from tortoise.expressions import Case, Q, When
from tortoise.functions import Lower
from tortoise.queryset import QuerySet

from common.schemas.admin import LOCKED, PORTAL_USERS_PAGE_SIZE
from portal_server.notifications import service as notifications
from portal_server.portal.web import logo_urls
from portal_server.portal_users.models import PortalUser
from portal_server.profiles.service import profile_for_market
from portal_server.subscriber_auth import service as auth
from portal_server.subscriber_auth.service import FormProblem

__all__ = [
    "FormProblem",
    "PortalUserQuery",
    "change_email_and_notify",
    "invite_and_notify",
    "locked_until",
    "search",
    "serialise",
]


async def invite_and_notify(request: Request, account_number: str, email: str) -> PortalUser:
    """Create an invited login for an account and email the subscriber a set-password link."""
    now = request.app.ctx.clock.now()
    user, token = await auth.invite(
        account_number, email, actor=request.ctx.actor, now=now, timeouts=request.app.ctx.timeouts
    )
    account = await user.account
    profile = await profile_for_market(account.market)
    config = request.app.ctx.config
    hours = int(request.app.ctx.timeouts.invite_link.total_seconds() // 3600)
    await notifications.send_to(
        profile,
        "invite",
        notifications.Recipient(user.email, user.display_name),
        mailer=request.app.ctx.mailer,
        base_url=config.base_url,
        sender=config.mail_sender,
        logo_url=f"{config.base_url}{logo_urls(profile)['login']}",
        when=now.strftime("%-d %B %Y, %H:%M UTC"),
        link=f"{config.base_url}/invite/{token}",
        link_hours=hours,
    )
    return user


async def change_email_and_notify(request: Request, user_id: int, email: str) -> PortalUser:
    """Change a login's email and tell both the old and the new address."""
    now = request.app.ctx.clock.now()
    user, old = await auth.change_email(user_id, email, actor=request.ctx.actor, now=now)
    if old == user.email:
        return user
    profile = await profile_for_market(user.account.market)
    config = request.app.ctx.config
    change = f"Email address: {old} → {user.email}"
    for address in (old, user.email):
        await notifications.send_to(
            profile,
            "account_changed",
            notifications.Recipient(address, user.display_name),
            mailer=request.app.ctx.mailer,
            base_url=config.base_url,
            sender=config.mail_sender,
            logo_url=f"{config.base_url}{logo_urls(profile)['login']}",
            when=now.strftime("%-d %B %Y, %H:%M UTC"),
            changes=[change],
        )
    return user


def serialise(user: PortalUser) -> dict[str, Any]:
    """Return a portal user as the admin API shows it (account must be loaded)."""
    return {
        "id": user.id,
        "account_number": user.account.number,
        "email": user.email,
        "display_name": user.display_name,
        "status": user.status,
        "bill_notifications": user.bill_notifications,
        "email_verified": user.email_verified_at is not None,
    }


@dataclass(frozen=True)
class PortalUserQuery:
    """Filters and the page of the portal-user list (the CSV export honours the same filters)."""

    q: str = ""
    status: str = ""
    page: int = 1
    page_size: int = PORTAL_USERS_PAGE_SIZE


def _matching(query: PortalUserQuery, now: datetime) -> QuerySet[PortalUser]:
    users = PortalUser.all()
    if query.q:
        users = users.filter(
            Q(username__icontains=query.q)
            | Q(email__icontains=query.q)
            | Q(account__number__icontains=query.q)
        )
    if query.status == LOCKED:
        users = users.filter(locked_until__gt=now)
    elif query.status:
        users = users.filter(status=query.status)
    return users


async def search(query: PortalUserQuery, now: datetime) -> tuple[list[PortalUser], int]:
    """Return one page of the matching portal users with their accounts, and how many match.

    Sorted by username without regard to case; logins without a username come after the others,
    by email address; the id breaks any tie, so paging never shows a row twice.
    """
    users = _matching(query, now)
    total = await users.count()
    rows = (
        await users.annotate(
            # "0" before "1": logins with a username come first, on every database.
            no_username=Case(When(username__isnull=True, then="1"), default="0"),
            username_key=Lower("username"),
        )
        .order_by("no_username", "username_key", "email", "id")
        .offset((query.page - 1) * query.page_size)
        .limit(query.page_size)
        .select_related("account")
    )
    return list(rows), total


def locked_until(user: PortalUser, now: datetime) -> datetime | None:
    """Return when the login's sign-in lockout ends, or None when it is not locked now."""
    if user.locked_until is not None and user.locked_until > now:
        return user.locked_until
    return None
