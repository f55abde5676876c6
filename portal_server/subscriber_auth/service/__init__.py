"""Subscriber sign-in flows, one module each: registration, sign-in, sessions, passwords, links.

Everything lives in the database (sessions, counters, links), so any worker on any host can
serve the next request. The types every flow shares live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from portal_server.actor import Actor
from portal_server.portal_users.models import PortalUser
from portal_server.security.throttle import Verdict


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

    def __init__(self, fields: dict[str, str], status: int = 422) -> None:
        super().__init__(next(iter(fields.values())))
        self.fields = fields
        self.status = status


def subscriber(user: PortalUser, address: str | None = None) -> Actor:
    """Return the audit actor for a subscriber."""
    return Actor(kind="subscriber", name=user.email, id=user.id, address=address)


def throttled(verdict: Verdict, what: str) -> FormProblem:
    """Return the form problem for an attempt a throttle turned away."""
    assert verdict.retry_after is not None
    minutes = max(1, round(verdict.retry_after.total_seconds() / 60))
    wait = f"Wait {minutes} minute{'s' if minutes != 1 else ''} and try again"
    if verdict.limited_by == "subject":
        return FormProblem({"_form": f"Too many tries for this {what}. {wait}, or contact support."}, 429)
    return FormProblem({"_form": f"Too many tries from your network. {wait}."}, 429)
