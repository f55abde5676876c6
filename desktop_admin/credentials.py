"""Remembered sign-ins, kept only in the operating system's keyring."""

from __future__ import annotations

import json

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail

UNAVAILABLE_MESSAGE = (
    "No system keyring is available here, so the console cannot remember your password; "
    "it will ask each time."
)


class CredentialsUnavailable(Exception):
    """The keyring cannot be used; ``message`` says so in words the UI can show."""

    def __init__(self, message: str = UNAVAILABLE_MESSAGE) -> None:
        super().__init__(message)
        self.message = message


def _failed(exc: Exception) -> CredentialsUnavailable:
    return CredentialsUnavailable(
        f"The system keyring did not work ({exc or type(exc).__name__}), so the console cannot "
        "remember your password; it will ask each time."
    )


def _key(server_url: str) -> str:
    """One entry per server: the address as typed, without spaces or a trailing slash."""
    return server_url.strip().rstrip("/")


class CredentialStore:
    """Username and secret per server address, in the keyring and nowhere else.

    With no ``backend`` the keyring library's active backend is used, looked up on each call.
    There is deliberately no file fallback: without a keyring the console asks every time.
    """

    def __init__(
        self,
        service: str = "portal-console",
        backend: keyring.backend.KeyringBackend | None = None,
    ) -> None:
        self.service = service
        self._backend = backend

    def _active(self) -> keyring.backend.KeyringBackend:
        return self._backend if self._backend is not None else keyring.get_keyring()

    def available(self) -> bool:
        """Whether there is a real keyring to keep secrets in."""
        try:
            backend = self._active()
            if isinstance(backend, fail.Keyring):
                return False
            if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
                return False
            return float(backend.priority) >= 1
        except Exception:  # a backend that cannot even say its priority is no use
            return False

    def remember(self, server_url: str, username: str, secret: str) -> None:
        """Keep the username and secret for a server, replacing what was kept before."""
        if not self.available():
            raise CredentialsUnavailable()
        entry = json.dumps({"username": username, "secret": secret})
        try:
            self._active().set_password(self.service, _key(server_url), entry)
        except keyring.errors.KeyringError as exc:
            raise _failed(exc) from None

    def recall(self, server_url: str) -> tuple[str, str] | None:
        """Return the (username, secret) kept for a server, or None when there is none."""
        if not self.available():
            return None
        try:
            stored = self._active().get_password(self.service, _key(server_url))
        except keyring.errors.KeyringError as exc:
            raise _failed(exc) from None
        if not stored:
            return None
        try:
            entry = json.loads(stored)
        except ValueError:
            return None
        if not isinstance(entry, dict):
            return None
        username, secret = entry.get("username"), entry.get("secret")
        if not isinstance(username, str) or not isinstance(secret, str):
            return None
        return username, secret

    def forget(self, server_url: str) -> None:
        """Remove what is kept for a server; nothing kept is fine."""
        if not self.available():
            return
        try:
            self._active().delete_password(self.service, _key(server_url))
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            raise _failed(exc) from None
