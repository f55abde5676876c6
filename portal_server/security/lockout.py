"""Growing waits after repeated wrong passwords, shared by staff and subscriber sign-in."""

from __future__ import annotations

from datetime import timedelta

LOCKOUT_THRESHOLD = 5
LOCKOUT_BASE = timedelta(minutes=1)
LOCKOUT_MAX = timedelta(hours=1)


def lockout_after(failures: int, threshold: int = LOCKOUT_THRESHOLD) -> timedelta | None:
    """Return how long to lock after this many failures in a row: 1, 2, 4 … minutes, at most an hour."""
    if failures < threshold:
        return None
    # Cap the exponent so a very long run of failures cannot overflow.
    return min(LOCKOUT_BASE * (2 ** min(failures - threshold, 10)), LOCKOUT_MAX)
