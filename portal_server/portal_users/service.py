"""Portal logins: finding them, creating them, and what staff do to them (invite, change email)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Case, Q, When
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from common.email_rules import MAX_EMAIL_LENGTH, email_key, normalise_email
from common.schemas.admin import LOCKED, PORTAL_USERS_PAGE_SIZE
from portal_server.accounts.models import Account
from portal_server.accounts.service import account_by_number
from portal_server.actor import Actor
from portal_server.audit import service as audit
from portal_server.notifications.notifier import Notifier, Recipient
from portal_server.portal_users.models import PortalUser, username_key
from portal_server.profiles.service import profile_for_market
from portal_server.subscriber_auth.service import FormProblem, Timeouts
from portal_server.subscriber_auth.service.links import issue_link

MAX_USERNAME_LENGTH = 64
MAX_ID = 2**31 - 1

# Queues the mail that carries a new login's first link, inside the transaction that creates it.
LoginMail = Callable[[PortalUser, str, BaseDBAsyncClient], Awaitable[object]]
# Queues the mails about a changed address (the user, the old address), inside the change's transaction.
ChangeMail = Callable[[PortalUser, str, BaseDBAsyncClient], Awaitable[object]]

__all__ = [
    "ChangeMail",
    "FormProblem",
    "LoginMail",
    "PortalUserQuery",
    "change_email_and_notify",
    "create_login",
    "invite_and_notify",
    "locked_until",
    "search",
    "serialise",
    "user_by_email",
    "user_by_identifier",
]


# --- finding logins -----------------------------------------------------------------------------


async def user_by_email(email: str) -> PortalUser | None:
    """Return the portal user with this email address (any case), with its account."""
    try:
        normalised = normalise_email(email)
    except ValueError:
        return None
    return await PortalUser.get_or_none(email_key=email_key(normalised)).select_related("account")


async def user_by_identifier(identifier: str) -> PortalUser | None:
    """Return the portal user whose email or username this is (any case), with its account."""
    ident = identifier.strip()
    if not ident or len(ident) > MAX_EMAIL_LENGTH:
        return None
    if "@" in ident:
        return await user_by_email(ident)
    key = username_key(ident)
    if key is None or len(key) > MAX_USERNAME_LENGTH:
        return None
    return await PortalUser.get_or_none(username_key=key).select_related("account")


async def email_taken(email: str, *, other_than: int | None = None) -> bool:
    """Tell whether a normalised address already belongs to a login (but ``other_than``)."""
    users = PortalUser.filter(email_key=email_key(email))
    if other_than is not None:
        users = users.exclude(id=other_than)
    return await users.exists()


async def username_taken(username: str) -> bool:
    """Tell whether a username (any case) already belongs to a login."""
    return await PortalUser.exists(username_key=username_key(username))


# --- creating logins ----------------------------------------------------------------------------


async def create_login(
    account: Account,
    email: str,
    *,
    status: str,
    link: tuple[str, timedelta],
    actor: Callable[[PortalUser], Actor],
    action: str,
    taken: str,
    now: datetime,
    password_hash: str | None = None,
    username: str | None = None,
    notify: LoginMail | None = None,
) -> tuple[PortalUser, str]:
    """Create a portal login with its first one-time link, audited, in one transaction.

    ``notify`` queues the mail carrying the link in that transaction: no login without its mail.
    """
    purpose, ttl = link
    try:
        async with in_transaction() as connection:
            user = await PortalUser.create(
                account=account,
                email=email,
                username=username,
                display_name=account.holder_name,
                password_hash=password_hash,
                status=status,
                created_at=now,
                using_db=connection,
            )
            token = await issue_link(user, purpose, ttl, now, connection)
            await audit.record(
                actor(user),
                action,
                "portal_user",
                user.id,
                at=now,
                label=email,
                after={"account": account.number, "email": email},
                connection=connection,
            )
            if notify is not None:
                await notify(user, token, connection)
    except IntegrityError:
        raise FormProblem({"email": taken}) from None
    return user, token


async def invite(
    account_number: str,
    email: str,
    *,
    actor: Actor,
    now: datetime,
    timeouts: Timeouts,
    notify: LoginMail | None = None,
) -> tuple[PortalUser, str]:
    """Create an invited portal user for an account (by a rep) and return the invitation token."""
    problems: dict[str, str] = {}
    normalised = ""
    try:
        normalised = normalise_email(email)
    except ValueError as exc:
        problems["email"] = str(exc)
    account: Account | None = await account_by_number(account_number) if account_number.strip() else None
    if account is None:
        problems["account_number"] = (
            "is not an account number we know" if account_number.strip() else "is required"
        )
    if problems:
        raise FormProblem(problems)
    assert account is not None
    if await PortalUser.exists(account_id=account.id):
        raise FormProblem({"account_number": "already has a portal login"})
    if await email_taken(normalised):
        raise FormProblem({"email": "is already used by another portal login"})
    return await create_login(
        account,
        normalised,
        status="invited",
        link=("invite", timeouts.invite_link),
        actor=lambda _user: actor,
        action="portal_user.invite",
        taken="is already used by another portal login",
        now=now,
        notify=notify,
    )


async def invite_and_notify(
    notifier: Notifier, account_number: str, email: str, *, actor: Actor, timeouts: Timeouts
) -> PortalUser:
    """Create an invited login for an account and email the subscriber a set-password link."""

    async def mail_invitation(user: PortalUser, token: str, connection: BaseDBAsyncClient) -> None:
        account = await user.account
        await notifier.send(
            await profile_for_market(account.market),
            "invite",
            Recipient(user.email, user.display_name),
            connection=connection,
            link=notifier.url(f"/invite/{token}"),
            link_hours=int(timeouts.invite_link.total_seconds() // 3600),
        )

    user, _token = await invite(
        account_number,
        email,
        actor=actor,
        now=notifier.clock.now(),
        timeouts=timeouts,
        notify=mail_invitation,
    )
    return user


# --- changing logins ----------------------------------------------------------------------------


async def change_email(
    user_id: int, email: str, *, actor: Actor, now: datetime, notify: ChangeMail | None = None
) -> tuple[PortalUser, str]:
    """Change a portal user's email address (by a rep); return the user and the old address.

    ``notify`` queues the mails about the change in its transaction.
    """
    try:
        cleaned = normalise_email(email)
    except ValueError as exc:
        raise FormProblem({"email": str(exc)}) from None
    user = None
    if 1 <= user_id <= MAX_ID:
        user = await PortalUser.get_or_none(id=user_id).select_related("account")
    if user is None:
        raise LookupError("portal user")
    old = user.email
    if old == cleaned:
        return user, old
    if await email_taken(cleaned, other_than=user.id):
        raise FormProblem({"email": "is already used by another portal login"})
    try:
        async with in_transaction() as connection:
            user.email = cleaned
            await user.save(update_fields=["email"], using_db=connection)
            await audit.record(
                actor,
                "portal_user.email_change",
                "portal_user",
                user.id,
                at=now,
                label=cleaned,
                before={"email": old},
                after={"email": cleaned},
                connection=connection,
            )
            if notify is not None:
                await notify(user, old, connection)
    except IntegrityError:
        raise FormProblem({"email": "is already used by another portal login"}) from None
    return user, old


async def change_email_and_notify(
    notifier: Notifier, user_id: int, email: str, *, actor: Actor
) -> PortalUser:
    """Change a login's email and tell both the old and the new address."""

    async def mail_both(user: PortalUser, old: str, connection: BaseDBAsyncClient) -> None:
        profile = await profile_for_market(user.account.market)
        change = f"Email address: {old} → {user.email}"
        for address in (old, user.email):
            await notifier.send(
                profile,
                "account_changed",
                Recipient(address, user.display_name),
                connection=connection,
                changes=[change],
            )

    user, _old = await change_email(user_id, email, actor=actor, now=notifier.clock.now(), notify=mail_both)
    return user


# --- the staff list ------------------------------------------------------------------------------


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
