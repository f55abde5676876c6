"""argon2id password hashing, run in a thread so the event loop keeps serving."""

from __future__ import annotations

import asyncio
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP floor is m >= 19 MiB, t >= 2, p = 1; we go above it.
_HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


async def hash_password(password: str) -> str:
    """Return the argon2id hash of password."""
    return await asyncio.get_running_loop().run_in_executor(None, _HASHER.hash, password)


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("not-a-real-password-used-for-timing")


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Tell whether password matches; with no hash, spend the same time and say no."""

    def check() -> bool:
        try:
            return _HASHER.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await asyncio.get_running_loop().run_in_executor(None, check)


def password_problem(password: str) -> str | None:
    """Return why a new password is not acceptable, or None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if password.strip() == "" or len(set(password)) < 4:
        return "is too easy to guess"
    return None
