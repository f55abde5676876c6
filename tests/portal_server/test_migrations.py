"""The migration files match the models, so a model change cannot ship without its migration."""

from __future__ import annotations

from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from portal_server.db import tortoise_config


async def test_models_and_migrations_agree(tmp_path) -> None:
    config = tortoise_config(f"sqlite://{tmp_path / 'detect.db'}")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        detector = MigrationAutodetector(ctx.apps, config["apps"])
        writers = await detector.changes()
    assert [writer.name for writer in writers] == [], (
        "models changed without a migration: run tortoise makemigrations (see README)"
    )
