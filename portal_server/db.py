"""Database registration (Tortoise ORM) and schema migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sanic import Sanic
from tortoise import Tortoise
from tortoise.migrations.api import migrate as run_migrations

MODEL_MODULES = [
    "portal_server.staff.models",
    "portal_server.profiles.models",
    "portal_server.audit.models",
    "portal_server.accounts.models",
    "portal_server.portal_users.models",
    "portal_server.subscriber_auth.models",
    "portal_server.security.models",
    "portal_server.notifications.models",
]
APP_LABEL = "portal"


def tortoise_config(database_url: str) -> dict[str, Any]:
    """Return the Tortoise configuration for a database URL."""
    return {
        "connections": {"default": database_url},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "portal_server.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_dir(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def migrate(database_url: str) -> None:
    """Bring the database schema up to date, then close the connections."""
    _ensure_sqlite_dir(database_url)
    try:
        await run_migrations(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


async def open_database(database_url: str) -> None:
    """Open the ORM on a database whose schema is already migrated."""
    _ensure_sqlite_dir(database_url)
    # Request handlers run in tasks other than the one that opened the ORM.
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    if database_url.startswith("sqlite://"):
        connection = Tortoise.get_connection("default")
        # WAL lets readers carry on while one writer commits.
        await connection.execute_script("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;")


async def close_database() -> None:
    """Close every ORM connection."""
    await Tortoise.close_connections()


async def database_state() -> dict[str, Any]:
    """Return whether the database answers, for /healthz."""
    try:
        connection = Tortoise.get_connection("default")
        await connection.execute_query("SELECT 1")
    except Exception as exc:  # any driver failure means "down", never a crash
        return {"status": "down", "error": type(exc).__name__}
    return {"status": "up", "dialect": connection.capabilities.dialect}


def setup_db(app: Sanic) -> None:
    """Open the database when a worker starts and close it when it stops."""

    @app.before_server_start
    async def _open(app: Sanic) -> None:
        await open_database(app.ctx.config.database_url)

    @app.after_server_stop
    async def _close(app: Sanic) -> None:
        await close_database()
