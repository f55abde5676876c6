"""Random bearer tokens; only their digests are stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Tokens we issue are 43 characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 100


def new_token() -> tuple[str, str]:
    """Return a fresh 256-bit token and the digest to store for it."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    """Return the SHA-256 hex digest under which a token is stored (any text, even lone surrogates)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same_text(a: str, b: str) -> bool:
    """Compare two texts in constant time; any Unicode is fine (compare_digest takes only ASCII str)."""
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))
