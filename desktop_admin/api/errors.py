"""The one error the console shows when a call to the server does not work out."""

from __future__ import annotations

NETWORK = "network"
TIMEOUT = "timeout"
BAD_RESPONSE = "bad_response"
INVALID_URL = "invalid_url"
INVALID = "invalid"


class ApiError(Exception):
    """A failed call, described in words a care rep can act on.

    ``status`` is the HTTP status, or None when no answer arrived; ``code`` is the server's
    error code, or one of ``network``, ``timeout``, ``bad_response``, ``invalid_url`` and
    ``invalid`` for failures found on this side.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        fields: dict[str, str] | None = None,
        current_version: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.fields: dict[str, str] = dict(fields or {})
        self.current_version = current_version

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ApiError(status={self.status!r}, code={self.code!r}, message={self.message!r})"

    @property
    def is_conflict(self) -> bool:
        """Whether someone saved the object in between (409 ``version_conflict``)."""
        return self.code == "version_conflict"

    @property
    def is_auth(self) -> bool:
        """Whether the sign-in was refused or the session is over, so the user must sign in."""
        return self.status == 401

    @property
    def is_network(self) -> bool:
        """Whether no usable answer arrived (unreachable server or timeout)."""
        return self.code in (NETWORK, TIMEOUT)
