"""Self-registration: prove an account with two facts from the bill, then verify the email."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from common.email_rules import normalise_email
from common.profile import ProfileContent
from portal_server.accounts.service import account_by_number, proves_account
from portal_server.actor import Actor
from portal_server.audit import service as audit
from portal_server.portal_users import service as portal_users
from portal_server.portal_users.models import PortalUser
from portal_server.profiles.service import profile_for_market
from portal_server.security.passwords import hash_password, password_problem
from portal_server.security.throttle import Throttle
from portal_server.subscriber_auth.service import FormProblem, Timeouts, subscriber, throttled
from portal_server.subscriber_auth.service.links import consume, issue_link, open_link

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")
USERNAME_REASON = "must be 3 to 64 letters, digits, dots, dashes or underscores"


class RegistrationClosed(Exception):
    """The account's profile does not let subscribers register online (or signs them in by SSO)."""

    def __init__(self, profile: ProfileContent) -> None:
        super().__init__(profile.name)
        self.profile = profile


@dataclass(frozen=True)
class Registration:
    """What a subscriber typed on the registration form."""

    account_number: str
    fact: str
    email: str
    username: str
    password: str
    password_confirm: str


def _form_problems(form: Registration) -> tuple[dict[str, str], str]:
    problems: dict[str, str] = {}
    email = ""
    if not form.account_number.strip():
        problems["account_number"] = "is required"
    if not form.fact.strip():
        problems["last_name"] = "is required"
    try:
        email = normalise_email(form.email)
    except ValueError as exc:
        problems["email"] = str(exc)
    username = form.username.strip()
    if username and not USERNAME.match(username):
        problems["username"] = USERNAME_REASON
    if problem := password_problem(form.password):
        problems["password"] = problem
    elif form.password != form.password_confirm:
        problems["password_confirm"] = "does not match the password"  # noqa: S105 (a message)
    return problems, email


async def register(
    form: Registration,
    *,
    address: str,
    now: datetime,
    timeouts: Timeouts,
    throttle: Throttle,
    notify: portal_users.LoginMail | None = None,
) -> tuple[PortalUser, str]:
    """Create a pending portal user for a proven account and return it with its verification token.

    ``notify`` queues the verification mail in the transaction that creates the login.
    """
    problems, email = _form_problems(form)
    if problems:
        raise FormProblem(problems)
    username = form.username.strip()
    verdict = await throttle.begin(
        "register", address=address, subject=_account_subject(form.account_number), now=now
    )
    if not verdict.allowed:
        raise throttled(verdict, "account number")
    account = await account_by_number(form.account_number)
    proven = account is not None and proves_account(account, form.fact)
    await verdict.settle("ok" if proven else "failed")
    if account is None or not proven:
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
    # The rules of the profile the account belongs to apply, whatever page the form came from.
    profile = await profile_for_market(account.market)
    if not profile.settings.registration_enabled or profile.settings.force_sso:
        await audit.record(
            Actor(kind="anonymous", name=email, address=address),
            "subscriber.register_refused",
            "account",
            account.id,
            at=now,
            after={"reason": "registration is off for the account's profile", "profile": profile.name},
        )
        raise RegistrationClosed(profile)
    if await PortalUser.exists(account_id=account.id):
        raise FormProblem(
            {
                "_form": "This account already has a portal login. "
                "Sign in, or reset your password if you forgot it."
            }
        )
    if await portal_users.email_taken(email):
        raise FormProblem({"email": "is already registered: sign in or reset your password"})
    if username and await portal_users.username_taken(username):
        raise FormProblem({"username": "is taken: choose another or leave it empty"})
    password_hash = await hash_password(form.password)
    return await portal_users.create_login(
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
        notify=notify,
    )


def _account_subject(number: str) -> str:
    # Spaces and dashes in a typed account number do not make a new subject.
    return "".join(ch for ch in number if ch.isalnum())


async def verify_email(token: str, *, address: str, now: datetime) -> PortalUser:
    """Use a verification link: the user becomes active."""
    link = await open_link(token, "verify", now)
    user = link.user
    async with in_transaction() as connection:
        await consume(link, now, connection)
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


async def new_verification_link(
    email: str, *, address: str, now: datetime, timeouts: Timeouts, throttle: Throttle
) -> tuple[PortalUser, str] | None:
    """Issue a fresh verification link for a pending user; None when there is nothing to verify.

    A throttle turning the request away by its network raises FormProblem; one turning it away by
    its recipient sends nothing and says nothing, like an unknown address.
    """
    verdict = await throttle.begin("verify_resend", address=address, subject=email, now=now)
    if not verdict.allowed:
        if verdict.limited_by == "address":
            raise throttled(verdict, "email address")
        return None
    user = await portal_users.user_by_email(email)
    if user is None or user.status != "pending":
        return None
    return user, await issue_link(user, "verify", timeouts.verify_link, now)
