"""argon2id password hashing on a small, bounded thread pool, so the event loop keeps serving.

Each hash holds 64 MiB while it runs. A pool that grows with the cores, fed by an unbounded queue,
let twelve concurrent sign-ins take a worker from 216 MB to 479 MB; here at most ``HASH_THREADS``
hashes run at once per worker process and at most ``HASH_QUEUE`` wait, so a worker needs about
its base memory plus ``HASH_THREADS`` times 64 MiB (see the README).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP floor is m >= 19 MiB, t >= 2, p = 1; we go above it.
_HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


def _setting(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


HASH_THREADS = _setting("PORTAL_HASH_THREADS", 2)
HASH_QUEUE = _setting("PORTAL_HASH_QUEUE", 64)


class HashingBusy(Exception):
    """More password checks are waiting than a worker accepts; the caller asks to retry shortly."""


class _Pool:
    """A fixed pool of hashing threads with a bounded number of waiting calls."""

    def __init__(self, threads: int, queue: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="argon2")
        self._limit = threads + queue
        self._pending = 0

    async def run(self, work: Callable[..., Any], *args: Any) -> Any:
        if self._pending >= self._limit:
            raise HashingBusy
        self._pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, work, *args)
        finally:
            self._pending -= 1


_POOL = _Pool(HASH_THREADS, HASH_QUEUE)


async def hash_password(password: str) -> str:
    """Return the argon2id hash of password."""
    result: str = await _POOL.run(_HASHER.hash, password)
    return result


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("not-a-real-password-used-for-timing")


def _check(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Tell whether password matches; with no hash, spend the same time and say no."""
    result: bool = await _POOL.run(_check, password_hash, password)
    return result


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a stored hash was made with other parameters than today's."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


def password_problem(password: str) -> str | None:
    """Return why a new password is not acceptable, or None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if password.strip() == "" or len(set(password)) < 4:
        return "is too easy to guess"
    return None
