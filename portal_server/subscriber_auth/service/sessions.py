"""Server-side sessions: a random id in the cookie, its digest in the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal_server.audit import service as audit
from portal_server.portal_users.models import PortalUser
from portal_server.security.tokens import MAX_TOKEN_LENGTH, new_token, token_digest
from portal_server.subscriber_auth.models import PortalSession
from portal_server.subscriber_auth.service import Timeouts, subscriber

# The idle timer is written at most this often, so reads stay reads.
IDLE_WRITE_EVERY = timedelta(minutes=1)


async def start_session(
    user: PortalUser,
    *,
    address: str,
    user_agent: str,
    now: datetime,
    timeouts: Timeouts,
    impersonated_by: str | None = None,
) -> str:
    """Create a server-side session and return the cookie value (never stored as such)."""
    token, digest = new_token()
    await PortalSession.create(
        token_hash=digest,
        user=user,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timeouts.session_absolute,
        address=address[:64],
        user_agent=user_agent[:200],
        impersonated_by=impersonated_by,
    )
    return token


async def session_for(token: str | None, *, now: datetime, timeouts: Timeouts) -> PortalSession | None:
    """Return the live session behind a cookie value, refreshing its idle timer."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    session = await PortalSession.get_or_none(token_hash=token_digest(token)).select_related(
        "user", "user__account"
    )
    if session is None or session.revoked_at is not None:
        return None
    if session.expires_at <= now or session.last_seen_at + timeouts.session_idle <= now:
        session.revoked_at = now
        await session.save(update_fields=["revoked_at"])
        return None
    if session.user.status != "active":
        return None
    if now - session.last_seen_at >= IDLE_WRITE_EVERY:
        session.last_seen_at = now
        await session.save(update_fields=["last_seen_at"])
    return session


async def end_session(token: str | None, *, now: datetime) -> PortalSession | None:
    """Revoke the session behind a cookie value; return it when there was one."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    session = await PortalSession.get_or_none(token_hash=token_digest(token), revoked_at=None).select_related(
        "user"
    )
    if session is None:
        return None
    await PortalSession.filter(id=session.id).update(revoked_at=now)
    if session.impersonated_by is None:
        await audit.record(
            subscriber(session.user, session.address),
            "subscriber.sign_out",
            "portal_user",
            session.user.id,
            at=now,
            label=session.user.email,
        )
    return session


async def end_all_sessions(user: PortalUser, *, now: datetime, keep: int | None = None) -> int:
    """Revoke every session of a user (but ``keep``); return how many ended."""
    sessions = PortalSession.filter(user_id=user.id, revoked_at=None)
    if keep is not None:
        sessions = sessions.exclude(id=keep)
    return await sessions.update(revoked_at=now)
