"""How long each kind of stored row is kept once it is of no more use (the README's table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Retention:
    """Time kept after each row's own moment (expiry, attempt, delivery…); None keeps it for ever."""

    # After expires_at. Sign-out, idle time-out and password changes revoke a session well
    # before its absolute expiry (12 hours after sign-in), so expiry covers revoked ones too.
    sessions: timedelta = timedelta(days=7)
    # After expires_at, used or not: for a month a late click still hears "expired" or
    # "already used" rather than "not valid", which reads like a mistyped address.
    links: timedelta = timedelta(days=30)
    # After the attempt. Never shorter than the longest throttle window or the known-login
    # window (the task makes sure of it, whatever the throttle rules are).
    attempts: timedelta = timedelta(days=2)
    # After expires_at (a token lives 8 hours, so a revoked one goes at most 8 hours later).
    staff_tokens: timedelta = timedelta(days=7)
    # After sent_at: support looks up what a subscriber was sent.
    sent_mail: timedelta | None = timedelta(days=30)
    # After created_at: failures are rare and worth looking into for longer.
    failed_mail: timedelta | None = timedelta(days=90)
    # After the event: 13 months, enough to compare a month with the same month a year ago.
    audit: timedelta | None = timedelta(days=400)
