"""Throttles for guessable and mail-sending forms, per subject and per address, counted in the database.

Each attempt is a row written *before* the check it guards, so concurrent attempts all count and
none is lost. A per-address limit must not lock out a carrier-grade NAT, where thousands of real
subscribers share one address: its allowance grows with the number of distinct logins that signed
in successfully from that address in the last day (``per_known_login``). A credential-stuffing
address earns almost nothing (a few successes per thousand guesses); a busy NAT earns room for
everyone behind it. The rules and their numbers are listed in the README.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.functions import Count

from portal_server.security.models import Attempt

KNOWN_LOGIN_WINDOW = timedelta(days=1)
MAX_KNOWN_LOGINS = 10_000
COUNTED = ("open", "failed")


@dataclass(frozen=True)
class Rule:
    """How many attempts a form allows in a window, per subject and per address."""

    window: timedelta
    per_subject: int | None
    per_address: int
    per_known_login: int
    known_login_scope: str
    # Mail-sending forms count every request; guessable forms count failures only.
    count_all: bool = False


RULES: dict[str, Rule] = {
    "sign_in": Rule(timedelta(minutes=15), None, 30, 10, "sign_in"),
    "staff_sign_in": Rule(timedelta(minutes=15), None, 20, 10, "staff_sign_in"),
    "register": Rule(timedelta(hours=1), 5, 20, 5, "sign_in"),
    "forgot_password": Rule(timedelta(hours=1), 3, 20, 5, "sign_in", count_all=True),
    "verify_resend": Rule(timedelta(hours=1), 3, 20, 5, "sign_in", count_all=True),
}


def longest_look_back(rules: Mapping[str, Rule]) -> timedelta:
    """Return how far back any throttle looks: attempts younger than this must be kept."""
    return max([KNOWN_LOGIN_WINDOW, *(rule.window for rule in rules.values())])


def subject_text(value: str) -> str:
    """Normalise what was typed so that case, width and spacing do not make a new subject."""
    return "".join(unicodedata.normalize("NFKC", value).casefold().split())


@dataclass
class Verdict:
    """The answer to one attempt: allowed or not, why, and the row to settle afterwards."""

    attempt: Attempt
    allowed: bool
    limited_by: str | None = None  # "subject" or "address"
    retry_after: timedelta | None = None

    async def settle(self, outcome: str) -> None:
        """Record how the attempt went: failed or ok (an ok sign-in widens its address's allowance)."""
        self.attempt.outcome = outcome
        await Attempt.filter(id=self.attempt.id).update(outcome=outcome)


class Throttle:
    """Counts attempts per scope; the key makes subjects unreadable digests."""

    def __init__(self, secret: str, rules: Mapping[str, Rule] | None = None) -> None:
        self._key = hashlib.sha256(f"throttle:{secret}".encode()).digest()
        self.rules = dict(rules or RULES)

    def subject(self, value: str) -> str | None:
        """Return the stored digest of a typed identifier (None when nothing was typed)."""
        text = subject_text(value)
        if not text:
            return None
        raw = text.encode("utf-8", "surrogatepass")
        return hmac.new(self._key, raw, hashlib.sha256).hexdigest()

    async def begin(self, scope: str, *, address: str, subject: str | None, now: datetime) -> Verdict:
        """Count an attempt and tell whether it may go ahead; settle the verdict afterwards."""
        rule = self.rules[scope]
        digest = self.subject(subject) if subject is not None else None
        attempt = await Attempt.create(scope=scope, address=address[:64], subject=digest, at=now)
        since = now - rule.window
        outcomes = ("open", "failed", "ok") if rule.count_all else COUNTED
        if rule.per_subject is not None and digest is not None:
            by_subject = await Attempt.filter(
                scope=scope, subject=digest, at__gt=since, outcome__in=outcomes
            ).count()
            if by_subject > rule.per_subject:
                return await self._refuse(attempt, "subject", rule, scope, now, subject=digest)
        by_address = await Attempt.filter(
            scope=scope, address=attempt.address, at__gt=since, outcome__in=outcomes
        ).count()
        if by_address > rule.per_address + rule.per_known_login * await self._known_logins(
            rule, attempt.address, now
        ):
            return await self._refuse(attempt, "address", rule, scope, now)
        return Verdict(attempt, True)

    async def _known_logins(self, rule: Rule, address: str, now: datetime) -> int:
        rows = (
            await Attempt.filter(
                scope=rule.known_login_scope,
                address=address,
                at__gt=now - KNOWN_LOGIN_WINDOW,
                outcome="ok",
            )
            .annotate(logins=Count("subject", distinct=True))
            .values_list("logins", flat=True)
        )
        known = rows[0] if rows else 0
        return min(int(known or 0), MAX_KNOWN_LOGINS)  # type: ignore[arg-type]

    async def _refuse(
        self,
        attempt: Attempt,
        limited_by: str,
        rule: Rule,
        scope: str,
        now: datetime,
        subject: str | None = None,
    ) -> Verdict:
        await Attempt.filter(id=attempt.id).update(outcome="refused")
        attempt.outcome = "refused"
        # The oldest counted attempt in the window leaves it first: that is when to come back.
        counted = ("open", "failed", "ok") if rule.count_all else COUNTED
        scope_filter = Attempt.filter(scope=scope, at__gt=now - rule.window, outcome__in=counted)
        scope_filter = (
            scope_filter.filter(subject=subject)
            if limited_by == "subject"
            else scope_filter.filter(address=attempt.address)
        )
        oldest = await scope_filter.order_by("at").only("id", "at").first()
        retry = (oldest.at + rule.window - now) if oldest is not None else rule.window
        return Verdict(attempt, False, limited_by, max(retry, timedelta(seconds=1)))
