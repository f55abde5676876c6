"""Locking a login after repeated wrong passwords, shared by staff and subscriber sign-in.

An attempt is counted *before* its password is checked, with one ``UPDATE … SET failed_logins =
failed_logins + 1`` that only matches while the login is not locked. The attempt that reaches the
threshold sets the lock at once, so concurrent guesses cannot get past it; a correct password
then clears it again. Attempts while locked are refused without counting and without moving the
lock's end: a lock runs out on its own schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import F, Q
from tortoise.models import Model

LOCKOUT_THRESHOLD = 5
LOCKOUT_BASE = timedelta(minutes=1)
LOCKOUT_MAX = timedelta(hours=1)


def lockout_after(failures: int, threshold: int = LOCKOUT_THRESHOLD) -> timedelta | None:
    """Return how long to lock after this many failures in a row: 1, 2, 4 … minutes, at most an hour."""
    if failures < threshold:
        return None
    # Cap the exponent so a very long run of failures cannot overflow.
    return min(LOCKOUT_BASE * (2 ** min(failures - threshold, 10)), LOCKOUT_MAX)


def _unlocked(now: datetime) -> Q:
    return Q(locked_until__isnull=True) | Q(locked_until__lte=now)


@dataclass(frozen=True)
class Reservation:
    """One counted attempt on a login: its number in the run of failures and any lock it set."""

    failures: int
    locked_until: datetime | None

    @property
    def started_lock(self) -> bool:
        """Tell whether this attempt is the one that locked the login."""
        return self.locked_until is not None


async def reserve(model: type[Model], pk: int, *, now: datetime, threshold: int) -> Reservation | None:
    """Count an attempt on a login before checking its password; None when the login is locked."""
    counted = await model.filter(Q(id=pk) & _unlocked(now)).update(failed_logins=F("failed_logins") + 1)
    if not counted:
        return None
    row = await model.filter(id=pk).only("id", "failed_logins").first()
    failures = int(getattr(row, "failed_logins", 0))
    wait = lockout_after(failures, threshold)
    if wait is None:
        return Reservation(failures, None)
    until = now + wait
    locked = await model.filter(Q(id=pk) & _unlocked(now)).update(locked_until=until)
    return Reservation(failures, until if locked else None)


async def succeeded(model: type[Model], pk: int, **changes: object) -> None:
    """Clear the run of failures (and any lock this attempt set) after a correct password."""
    await model.filter(id=pk).update(failed_logins=0, locked_until=None, **changes)
