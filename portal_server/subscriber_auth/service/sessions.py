"""Server-side sessions: a random id in the cookie, its digest in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from portal_server.accounts.models import Account
from portal_server.audit import service as audit
from portal_server.portal_users.models import PortalUser
from portal_server.prepared import Column, PreparedQuery
from portal_server.security.tokens import MAX_TOKEN_LENGTH, new_token, token_digest
from portal_server.subscriber_auth.models import PortalSession
from portal_server.subscriber_auth.service import Timeouts, subscriber

# The idle timer is written at most this often, so reads stay reads.
IDLE_WRITE_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SignedInAccount:
    """The account a session's login belongs to, as signed-in pages show it."""

    id: int
    number: str
    holder_name: str
    market: str
    status: str
    balance: Decimal
    due_date: date | None


@dataclass(frozen=True)
class SignedIn:
    """A live session as pages read it: who is signed in, to which account, and on whose behalf."""

    session_id: int
    user_id: int
    display_name: str
    email: str
    account: SignedInAccount
    impersonated_by: str | None


def _columns(model: type, alias: str, *names: str, prefix: str = "") -> list[Column]:
    return [Column(f"{prefix}{name}", model, alias, name) for name in names]


# Every signed-in page starts with this lookup: its SQL is written once, with only what pages read.
_SESSION_BY_DIGEST = PreparedQuery(
    [
        *_columns(PortalSession, "s", "id", "expires_at", "last_seen_at", "revoked_at", "impersonated_by"),
        *_columns(PortalUser, "u", "id", "status", "display_name", "email", prefix="user_"),
        *_columns(
            Account,
            "a",
            "id",
            "number",
            "holder_name",
            "market",
            "status",
            "balance",
            "due_date",
            prefix="account_",
        ),
    ],
    tables='"portal_session" s JOIN "portal_user" u ON u."id" = s."user_id" '
    'JOIN "account" a ON a."id" = u."account_id"',
    where='s."token_hash" = {0}',
)


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


async def session_for(token: str | None, *, now: datetime, timeouts: Timeouts) -> SignedIn | None:
    """Return the live session behind a cookie value, refreshing its idle timer."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    rows = await _SESSION_BY_DIGEST.rows(PortalSession, token_digest(token))
    if not rows:
        return None
    row = rows[0]
    if row["revoked_at"] is not None:
        return None
    if row["expires_at"] <= now or row["last_seen_at"] + timeouts.session_idle <= now:
        await PortalSession.filter(id=row["id"], revoked_at=None).update(revoked_at=now)
        return None
    if row["user_status"] != "active":
        return None
    if now - row["last_seen_at"] >= IDLE_WRITE_EVERY:
        await PortalSession.filter(id=row["id"]).update(last_seen_at=now)
    return SignedIn(
        session_id=row["id"],
        user_id=row["user_id"],
        display_name=row["user_display_name"],
        email=row["user_email"],
        account=SignedInAccount(
            id=row["account_id"],
            number=row["account_number"],
            holder_name=row["account_holder_name"],
            market=row["account_market"],
            status=row["account_status"],
            balance=row["account_balance"],
            due_date=row["account_due_date"],
        ),
        impersonated_by=row["impersonated_by"],
    )


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
