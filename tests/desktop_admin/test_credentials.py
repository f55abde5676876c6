"""Remembered sign-ins: kept in the keyring backend, per server, and never in a file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import chainer, fail

from desktop_admin.credentials import UNAVAILABLE_MESSAGE, CredentialStore, CredentialsUnavailable
from tests.desktop_admin.conftest import MemoryKeyring

SERVER = "http://127.0.0.1:8000"
OTHER_SERVER = "https://portal.example.net"


class BrokenKeyring(MemoryKeyring):
    """A keyring whose every operation fails, like a locked collection that refuses to open."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringError("the collection is locked")


class LowPriorityKeyring(MemoryKeyring):
    """A backend that admits it is not a real keyring."""

    priority = 0.5  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point HOME and the XDG directories at an empty temporary tree, and check it stays empty."""
    root = tmp_path / "home"
    root.mkdir()
    monkeypatch.setenv("HOME", str(root))
    for name, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        monkeypatch.setenv(name, str(root / sub))
    yield root
    written = sorted(str(path.relative_to(root)) for path in root.rglob("*"))
    assert written == [], f"files were written: {written}"


def test_remember_recall_forget_round_trip() -> None:
    backend = MemoryKeyring()
    store = CredentialStore(backend=backend)
    assert store.available()
    assert store.recall(SERVER) is None

    store.remember(SERVER, "admin", "s3cret-Pass")
    assert store.recall(SERVER) == ("admin", "s3cret-Pass")
    assert store.recall(f"{SERVER}/") == ("admin", "s3cret-Pass")

    store.remember(SERVER, "rep", "another-secret")
    assert store.recall(SERVER) == ("rep", "another-secret")

    store.forget(SERVER)
    assert store.recall(SERVER) is None
    store.forget(SERVER)  # forgetting twice is fine
    assert backend.entries == {}


def test_each_server_has_its_own_sign_in() -> None:
    backend = MemoryKeyring()
    store = CredentialStore(backend=backend)
    store.remember(SERVER, "admin", "first-secret")
    store.remember(OTHER_SERVER, "rep", "second-secret")

    assert store.recall(SERVER) == ("admin", "first-secret")
    assert store.recall(OTHER_SERVER) == ("rep", "second-secret")
    store.forget(SERVER)
    assert store.recall(SERVER) is None
    assert store.recall(OTHER_SERVER) == ("rep", "second-secret")

    # One entry per server under the console's service name, holding the username and the secret.
    assert list(backend.entries) == [("portal-console", OTHER_SERVER)]
    assert json.loads(backend.entries[("portal-console", OTHER_SERVER)]) == {
        "username": "rep",
        "secret": "second-secret",
    }


def test_service_names_keep_stores_apart() -> None:
    backend = MemoryKeyring()
    CredentialStore("portal-console", backend).remember(SERVER, "admin", "one")
    assert CredentialStore("portal-console-test", backend).recall(SERVER) is None


def test_an_entry_not_written_by_the_console_is_ignored() -> None:
    backend = MemoryKeyring()
    backend.set_password("portal-console", SERVER, "plain text, not ours")
    assert CredentialStore(backend=backend).recall(SERVER) is None
    backend.set_password("portal-console", SERVER, json.dumps({"username": "admin"}))
    assert CredentialStore(backend=backend).recall(SERVER) is None


def test_the_fail_keyring_is_not_available() -> None:
    store = CredentialStore(backend=fail.Keyring())
    assert not store.available()
    with pytest.raises(CredentialsUnavailable) as unavailable:
        store.remember(SERVER, "admin", "secret")
    assert unavailable.value.message == UNAVAILABLE_MESSAGE
    assert str(unavailable.value) == UNAVAILABLE_MESSAGE
    assert store.recall(SERVER) is None
    store.forget(SERVER)


def test_a_backend_below_priority_one_is_not_available() -> None:
    store = CredentialStore(backend=LowPriorityKeyring())
    assert not store.available()
    with pytest.raises(CredentialsUnavailable):
        store.remember(SERVER, "admin", "secret")


def test_keyring_errors_become_credentials_unavailable() -> None:
    store = CredentialStore(backend=BrokenKeyring())
    assert store.available()
    with pytest.raises(CredentialsUnavailable) as on_remember:
        store.remember(SERVER, "admin", "secret")
    assert "keyring" in on_remember.value.message
    assert "secret" not in on_remember.value.message
    with pytest.raises(CredentialsUnavailable):
        store.recall(SERVER)
    with pytest.raises(CredentialsUnavailable):
        store.forget(SERVER)


def test_without_a_backend_the_active_keyring_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    store = CredentialStore()
    store.remember(SERVER, "admin", "secret")
    assert backend.entries
    assert store.recall(SERVER) == ("admin", "secret")

    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    assert not store.available()
    with pytest.raises(CredentialsUnavailable):
        store.remember(SERVER, "admin", "secret")


def test_a_chainer_with_nothing_to_chain_is_not_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring.backend, "get_all_keyring", list)
    store = CredentialStore(backend=chainer.ChainerBackend())
    assert not store.available()
    with pytest.raises(CredentialsUnavailable):
        store.remember(SERVER, "admin", "secret")
