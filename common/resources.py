"""Where the shared resources (templates, static files, branding, demo data) live."""

from __future__ import annotations

import os
from pathlib import Path

RESOURCES_DIR: Path = Path(
    os.environ.get("PORTAL_RESOURCES_DIR", Path(__file__).resolve().parent.parent / "resources")
)
