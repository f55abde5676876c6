"""Configuration for Tortoise's own command, for writing migrations after a model change.

Run ``tortoise -c portal_server.tortoise_cli_config.TORTOISE_ORM makemigrations``.
The server itself migrates with ``portal-server migrate``.
"""

import os

from portal_server.db import tortoise_config

TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL", "sqlite://var/dev-migrations.db"))
