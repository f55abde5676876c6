"""One-time links sent by mail (verify, reset, invite): issued, checked, used once."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from portal_server.portal_users.models import OneTimeLink, PortalUser
from portal_server.security.tokens import MAX_TOKEN_LENGTH, new_token, token_digest


class LinkProblem(Exception):
    """A one-time link is unknown, used or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def issue_link(
    user: PortalUser,
    purpose: str,
    ttl: timedelta,
    now: datetime,
    connection: BaseDBAsyncClient | None = None,
) -> str:
    """Issue a link for a purpose, replacing any earlier unused one, and return its token."""
    token, digest = new_token()
    await (
        OneTimeLink.filter(user_id=user.id, purpose=purpose, used_at=None)
        .using_db(connection)
        .update(used_at=now)
    )
    await OneTimeLink.create(
        token_hash=digest,
        purpose=purpose,
        user=user,
        created_at=now,
        expires_at=now + ttl,
        using_db=connection,
    )
    return token


async def open_link(token: str, purpose: str, now: datetime) -> OneTimeLink:
    """Return the live link behind a token, or raise LinkProblem saying why it cannot be used."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkProblem("unknown")
    link = await OneTimeLink.get_or_none(token_hash=token_digest(token), purpose=purpose).select_related(
        "user"
    )
    if link is None:
        raise LinkProblem("unknown")
    if link.used_at is not None:
        raise LinkProblem("used")
    if link.expires_at <= now:
        raise LinkProblem("expired")
    return link


async def consume(link: OneTimeLink, now: datetime, connection: BaseDBAsyncClient) -> None:
    """Mark a link used; raise LinkProblem when another request used it first."""
    updated = await OneTimeLink.filter(id=link.id, used_at=None).using_db(connection).update(used_at=now)
    if not updated:
        raise LinkProblem("used")


async def check_link(token: str, purpose: str, now: datetime) -> PortalUser:
    """Return the user of a live link without using it (to show its page)."""
    return (await open_link(token, purpose, now)).user
