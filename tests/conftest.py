"""Fixtures shared by the whole suite: a migrated database per test, the app, a client."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from sanic import Sanic

from portal_server import db
from portal_server.actor import Actor
from portal_server.app import create_app
from portal_server.clock import FakeClock
from portal_server.config import ServerConfig

Sanic.test_mode = True

STAFF_PASSWORDS = {"admin": "admin-password-1", "rep": "rep-password-22"}
STAFF_ROLES = {"admin": "administrator", "rep": "care-rep"}
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


async def _seed(url: str) -> None:
    """Migrate and add the staff users every test may sign in as."""
    from portal_server.staff.service import create_staff

    await db.migrate(url)
    await db.open_database(url)
    try:
        for username, password in STAFF_PASSWORDS.items():
            await create_staff(
                username,
                password,
                STAFF_ROLES[username],
                actor=Actor.system("tests"),
                now=FakeClock().now(),
            )
    finally:
        await db.close_database()


def _pg_admin_dsn() -> str:
    return PG_URL.replace("postgres://", "postgresql://", 1)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, seeded database that each test copies."""
    if PG_URL:
        name = f"portal_tpl_{uuid.uuid4().hex[:8]}"

        async def create() -> None:
            conn = await asyncpg.connect(_pg_admin_dsn())
            try:
                await conn.execute(f'CREATE DATABASE "{name}"')
            finally:
                await conn.close()
            await _seed(_with_database(PG_URL, name))

        asyncio.run(create())
        yield name

        async def drop() -> None:
            conn = await asyncpg.connect(_pg_admin_dsn())
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await conn.close()

        asyncio.run(drop())
    else:
        path = tmp_path_factory.mktemp("template") / "portal.db"
        asyncio.run(_seed(f"sqlite://{path}"))
        yield str(path)


@pytest.fixture
async def database_url(database_template: str, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh copy of the seeded database for one test."""
    if PG_URL:
        name = f"portal_t_{uuid.uuid4().hex[:10]}"
        conn = await asyncpg.connect(_pg_admin_dsn())
        try:
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{database_template}"')
        finally:
            await conn.close()
        yield _with_database(PG_URL, name)
        conn = await asyncpg.connect(_pg_admin_dsn())
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
    else:
        target = tmp_path / "portal.db"
        shutil.copyfile(database_template, target)
        yield f"sqlite://{target}"


@pytest.fixture
def clock() -> FakeClock:
    """A clock the test moves by hand."""
    return FakeClock()


@pytest.fixture
def config(database_url: str, tmp_path: Path, clock: FakeClock) -> ServerConfig:
    """Server settings for one test."""
    # Housekeeping runs at once at start, before the test moves the clock (the app fixture
    # waits for that run), and not again within a test unless the test asks for it.
    return ServerConfig(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="test-secret",
        clock=clock,
        housekeeping_start_jitter_seconds=0,
    )


@pytest.fixture
async def app(config: ServerConfig) -> AsyncIterator[Sanic]:
    """A started application with its own database."""
    application = create_app(config)
    application.asgi = True
    await application._startup()
    await application._server_event("init", "before")
    await application._server_event("init", "after")
    await asyncio.wait_for(application.ctx.housekeeping.task.wait_passes(1), 30)
    yield application
    await application._server_event("shutdown", "before")
    await application._server_event("shutdown", "after")


@pytest.fixture
async def client(app: Sanic) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        yield http


@dataclass
class Session:
    """A signed-in staff member's headers."""

    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        """Return the Authorization header."""
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def login_as(client: httpx.AsyncClient):
    """Sign in as 'admin' or 'rep' and return the session."""

    async def sign_in(username: str) -> Session:
        response = await client.post(
            "/api/v1/admin/auth/token",
            json={"username": username, "password": STAFF_PASSWORDS[username]},
        )
        assert response.status_code == 200, response.text
        return Session(username, response.json()["access_token"])

    return sign_in


@pytest.fixture
async def admin(login_as) -> Session:
    """An administrator's session."""
    return await login_as("admin")


@pytest.fixture
async def rep(login_as) -> Session:
    """A care rep's session."""
    return await login_as("rep")
