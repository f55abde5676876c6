"""Portal user administration by staff."""

from __future__ import annotations

from typing import Any

from sanic import Request

from portal_server.notifications import service as notifications
from portal_server.portal.web import logo_urls
from portal_server.portal_users.models import PortalUser
from portal_server.profiles.service import profile_for_market
from portal_server.subscriber_auth import service as auth
from portal_server.subscriber_auth.service import FormProblem

__all__ = ["FormProblem", "change_email_and_notify", "invite_and_notify", "serialise"]


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
