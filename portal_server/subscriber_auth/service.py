"""Subscriber accounts: registration, one-time links, sign-in with lockout, sessions, passwords.

Everything lives in the database (sessions, counters, links), so any worker on any host can
serve the next request.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from portal_server.accounts.models import Account
from portal_server.accounts.service import account_by_number, proves_account
from portal_server.actor import Actor
from portal_server.audit import service as audit
from portal_server.portal_users.models import OneTimeLink, PortalUser
from portal_server.security.lockout import lockout_after
from portal_server.security.passwords import hash_password, password_problem, verify_password
from portal_server.security.tokens import new_token, token_digest
from portal_server.subscriber_auth.models import PortalSession, SignInAttempt

ADDRESS_WINDOW = timedelta(minutes=15)
ADDRESS_LIMIT = 30
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")


@dataclass(frozen=True)
class Timeouts:
    """How long sessions and links live."""

    session_idle: timedelta = timedelta(minutes=30)
    session_absolute: timedelta = timedelta(hours=12)
    verify_link: timedelta = timedelta(days=5)
    reset_link: timedelta = timedelta(hours=1)
    invite_link: timedelta = timedelta(hours=72)


class FormProblem(Exception):
    """A form was refused; ``fields`` maps each field to the reason ('_form' for the whole form)."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(next(iter(fields.values())))
        self.fields = fields


class SignInRefused(Exception):
    """Sign-in failed. ``reason`` is for the audit trail; the page shows one message for most."""

    def __init__(self, reason: str, user: PortalUser | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user


class LinkProblem(Exception):
    """A one-time link is unknown, used or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def subscriber(user: PortalUser, address: str | None = None) -> Actor:
    """Return the audit actor for a subscriber."""
    return Actor(kind="subscriber", name=user.email, id=user.id, address=address)


def email_problem(email: str) -> str | None:
    """Return why an email address is not acceptable, or None."""
    if not email:
        return "is required"
    if len(email) > 254 or not _EMAIL.match(email):
        return "must be an email address such as name@example.com"
    return None


async def _issue_link(user: PortalUser, purpose: str, ttl: timedelta, now: datetime, connection=None) -> str:
    token, digest = new_token()
    # A new link replaces any earlier unused link for the same purpose.
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


async def _open_link(token: str, purpose: str, now: datetime) -> OneTimeLink:
    if not token or len(token) > 100:
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


async def _consume(link: OneTimeLink, now: datetime, connection) -> None:
    updated = await OneTimeLink.filter(id=link.id, used_at=None).using_db(connection).update(used_at=now)
    if not updated:
        raise LinkProblem("used")


@dataclass(frozen=True)
class Registration:
    """What a subscriber typed on the registration form."""

    account_number: str
    fact: str
    email: str
    username: str
    password: str
    password_confirm: str


async def register(
    form: Registration, *, address: str, now: datetime, timeouts: Timeouts
) -> tuple[PortalUser, str]:
    """Create a pending portal user for a proven account and return it with its verification token."""
    problems: dict[str, str] = {}
    email = form.email.strip().lower()
    username = form.username.strip()
    if not form.account_number.strip():
        problems["account_number"] = "is required"
    if not form.fact.strip():
        problems["last_name"] = "is required"
    if problem := email_problem(email):
        problems["email"] = problem
    if username and not _USERNAME.match(username):
        problems["username"] = "must be 3 to 64 letters, digits, dots, dashes or underscores"
    if problem := password_problem(form.password):
        problems["password"] = problem
    elif form.password != form.password_confirm:
        problems["password_confirm"] = "does not match the password"  # noqa: S105 (a message)
    if problems:
        raise FormProblem(problems)
    account = await account_by_number(form.account_number)
    if account is None or not proves_account(account, form.fact):
        # One answer whichever fact was wrong, so the form cannot be used to probe accounts.
        await audit.record(
            Actor(kind="anonymous", name=email, address=address),
            "subscriber.register_refused",
            "account",
            account.id if account else None,
            at=now,
            after={"reason": "facts do not match"},
        )
        raise FormProblem(
            {"_form": "We could not match those details to an account. Check your bill and try again."}
        )
    if account.status != "active":
        raise FormProblem({"_form": "This account cannot be registered online. Please contact support."})
    if await PortalUser.exists(account_id=account.id):
        raise FormProblem(
            {
                "_form": "This account already has a portal login. "
                "Sign in, or reset your password if you forgot it."
            }
        )
    if await PortalUser.exists(email=email):
        raise FormProblem({"email": "is already registered: sign in or reset your password"})
    if username and await PortalUser.filter(username__iexact=username).exists():
        raise FormProblem({"username": "is taken: choose another or leave it empty"})
    password_hash = await hash_password(form.password)
    return await _create_login(
        account,
        email,
        status="pending",
        password_hash=password_hash,
        username=username or None,
        link=("verify", timeouts.verify_link),
        actor=lambda user: subscriber(user, address),
        action="subscriber.register",
        taken="is already registered: sign in or reset your password",
        now=now,
    )


async def _create_login(
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
) -> tuple[PortalUser, str]:
    """Create a portal login with its first one-time link, audited, in one transaction."""
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
            token = await _issue_link(user, purpose, ttl, now, connection)
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
    except IntegrityError:
        raise FormProblem({"email": taken}) from None
    return user, token


async def verify_email(token: str, *, address: str, now: datetime) -> PortalUser:
    """Use a verification link: the user becomes active."""
    link = await _open_link(token, "verify", now)
    user = link.user
    async with in_transaction() as connection:
        await _consume(link, now, connection)
        user.email_verified_at = now
        if user.status == "pending":
            user.status = "active"
        await user.save(update_fields=["email_verified_at", "status"], using_db=connection)
        await audit.record(
            subscriber(user, address),
            "subscriber.verify_email",
            "portal_user",
            user.id,
            at=now,
            label=user.email,
            connection=connection,
        )
    return user


async def user_by_email(email: str) -> PortalUser | None:
    """Return the portal user with this email address."""
    cleaned = email.strip().lower()
    if email_problem(cleaned):
        return None
    return await PortalUser.get_or_none(email=cleaned).select_related("account")


async def new_verification_link(
    email: str, *, now: datetime, timeouts: Timeouts
) -> tuple[PortalUser, str] | None:
    """Issue a fresh verification link for a pending user; None when there is nothing to verify."""
    user = await user_by_email(email)
    if user is None or user.status != "pending":
        return None
    return user, await _issue_link(user, "verify", timeouts.verify_link, now)


async def address_is_throttled(address: str, now: datetime) -> bool:
    """Tell whether an address made too many failed sign-in attempts lately."""
    recent = await SignInAttempt.filter(address=address, at__gt=now - ADDRESS_WINDOW, succeeded=False).count()
    return recent >= ADDRESS_LIMIT


async def sign_in(identifier: str, password: str, *, address: str, now: datetime) -> PortalUser:
    """Check credentials; raise SignInRefused (audited) or return the user."""
    ident = identifier.strip()
    if await address_is_throttled(address, now):
        await audit.record(
            Actor(kind="anonymous", name=ident[:100] or "?", address=address),
            "subscriber.sign_in_failed",
            "portal_user",
            None,
            at=now,
            after={"reason": "address throttled"},
        )
        raise SignInRefused("throttled")
    user = None
    if ident:
        user = (
            await PortalUser.filter(Q(email=ident.lower()) | Q(username__iexact=ident))
            .select_related("account")
            .first()
        )
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
    actor = (
        subscriber(user, address)
        if user
        else Actor(kind="anonymous", name=ident[:100] or "?", address=address)
    )
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
            label=ident[:100],
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
        address=address,
        user_agent=user_agent[:200],
        impersonated_by=impersonated_by,
    )
    return token


async def session_for(token: str | None, *, now: datetime, timeouts: Timeouts) -> PortalSession | None:
    """Return the live session behind a cookie value, refreshing its idle timer."""
    if not token or len(token) > 100:
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
    # Write the idle timer at most once a minute: reads stay reads.
    if now - session.last_seen_at >= timedelta(minutes=1):
        session.last_seen_at = now
        await session.save(update_fields=["last_seen_at"])
    return session


async def end_session(token: str | None, *, now: datetime) -> PortalSession | None:
    """Revoke the session behind a cookie value; return it when there was one."""
    if not token or len(token) > 100:
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


async def request_password_reset(
    email: str, *, now: datetime, timeouts: Timeouts
) -> tuple[PortalUser, str] | None:
    """Issue a reset link when the address belongs to a user who may reset; else None."""
    user = await user_by_email(email)
    if user is None or user.status in ("disabled", "invited"):
        return None
    token = await _issue_link(user, "reset", timeouts.reset_link, now)
    await audit.record(
        subscriber(user),
        "subscriber.reset_requested",
        "portal_user",
        user.id,
        at=now,
        label=user.email,
    )
    return user, token


async def check_link(token: str, purpose: str, now: datetime) -> PortalUser:
    """Return the user of a live link without using it (to show the form)."""
    return (await _open_link(token, purpose, now)).user


async def set_password_by_link(
    token: str, purpose: str, password: str, password_confirm: str, *, address: str, now: datetime
) -> PortalUser:
    """Use a reset or invitation link to set a new password; every session of the user ends."""
    problem = password_problem(password)
    if problem:
        raise FormProblem({"password": problem})
    if password != password_confirm:
        raise FormProblem({"password_confirm": "does not match the password"})
    link = await _open_link(token, purpose, now)
    user = link.user
    password_hash = await hash_password(password)
    async with in_transaction() as connection:
        await _consume(link, now, connection)
        user.password_hash = password_hash
        user.failed_logins = 0
        user.locked_until = None
        if user.status in ("invited", "pending"):
            # The link arrived by email, which proves the address.
            user.status = "active"
            user.email_verified_at = user.email_verified_at or now
        await user.save(
            update_fields=[
                "password_hash",
                "failed_logins",
                "locked_until",
                "status",
                "email_verified_at",
            ],
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
    return user


async def invite(
    account_number: str, email: str, *, actor: Actor, now: datetime, timeouts: Timeouts
) -> tuple[PortalUser, str]:
    """Create an invited portal user for an account (by a rep) and return the invitation token."""
    cleaned = email.strip().lower()
    problems: dict[str, str] = {}
    if problem := email_problem(cleaned):
        problems["email"] = problem
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
    if await PortalUser.exists(email=cleaned):
        raise FormProblem({"email": "is already used by another portal login"})
    return await _create_login(
        account,
        cleaned,
        status="invited",
        link=("invite", timeouts.invite_link),
        actor=lambda _user: actor,
        action="portal_user.invite",
        taken="is already used by another portal login",
        now=now,
    )


async def change_email(user_id: int, email: str, *, actor: Actor, now: datetime) -> tuple[PortalUser, str]:
    """Change a portal user's email address (by a rep); return the user and the old address."""
    cleaned = email.strip().lower()
    if problem := email_problem(cleaned):
        raise FormProblem({"email": problem})
    user = (
        await PortalUser.get_or_none(id=user_id).select_related("account")
        if 1 <= user_id <= 2**31 - 1
        else None
    )
    if user is None:
        raise LookupError("portal user")
    old = user.email
    if old == cleaned:
        return user, old
    if await PortalUser.filter(email=cleaned).exclude(id=user.id).exists():
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
    except IntegrityError:
        raise FormProblem({"email": "is already used by another portal login"}) from None
    return user, old
