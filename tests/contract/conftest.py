"""Fixtures for the console's API client against a real server."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from desktop_admin.api import ApiClient
from tests.desktop_admin.server_fixture import LiveServer, live_server

__all__ = ["LiveServer", "admin_client", "client_for", "live_server", "rep_client", "unique"]


@pytest.fixture
def client_for(live_server: LiveServer) -> Iterator[Callable[[str], ApiClient]]:
    """Return a function that signs in 'admin' or 'rep' on the live server; each client is closed."""
    clients: list[ApiClient] = []

    def sign_in(username: str) -> ApiClient:
        client = ApiClient(live_server.base_url, timeout=10)
        clients.append(client)
        client.sign_in(username, live_server.password(username))
        return client

    yield sign_in
    for client in clients:
        client.close()


@pytest.fixture
def admin_client(client_for: Callable[[str], ApiClient]) -> ApiClient:
    """An administrator signed in on the live server."""
    return client_for("admin")


@pytest.fixture
def rep_client(client_for: Callable[[str], ApiClient]) -> ApiClient:
    """A care rep signed in on the live server."""
    return client_for("rep")


@pytest.fixture
def unique() -> str:
    """A short tag that keeps this test's profile names and markets apart from the others'."""
    return uuid.uuid4().hex[:8]
