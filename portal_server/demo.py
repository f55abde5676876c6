"""Demo data: profiles tied to markets and staff sign-ins, safe to load again and again."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from common.profile import ProfileContent
from common.resources import RESOURCES_DIR
from common.validation import parse
from portal_server.actor import Actor
from portal_server.profiles import service as profiles
from portal_server.profiles.models import ProfileRecord
from portal_server.staff import service as staff
from portal_server.staff.models import StaffUser

DEMO_STAFF = (("admin", "administrator"), ("rep", "care-rep"))


@dataclass(frozen=True)
class DemoSignIn:
    """A staff sign-in the demo data created (or created earlier)."""

    username: str
    role: str
    password: str


def _credentials_file(data_dir: Path) -> Path:
    return data_dir / "demo-credentials.json"


def _demo_profiles() -> list[dict]:
    return json.loads((RESOURCES_DIR / "demo" / "profiles.json").read_text(encoding="utf-8"))


def _read_credentials(path: Path) -> dict[str, dict[str, str]]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _write_credentials(path: Path, stored: dict[str, dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)  # an older file may have been created wider
    path.write_text(json.dumps(stored, indent=2), encoding="utf-8")


async def load_demo_data(data_dir: Path, now: datetime) -> list[DemoSignIn]:
    """Create the demo profiles and staff users that do not exist yet; return the sign-ins."""
    actor = Actor.system("demo-data")
    await profiles.ensure_default_profile(now)
    for entry in _demo_profiles():
        if await ProfileRecord.exists(name_key=entry["name"].casefold()):
            continue
        content = parse(
            ProfileContent,
            {"name": entry["name"], "description": entry["description"], **entry["content"]},
        )
        created = await profiles.create_profile(
            content.model_dump(mode="json"), actor=actor, now=now
        )
        for market in entry["markets"]:
            await profiles.add_market(created.id, market, expected=None, actor=actor, now=now)

    path = _credentials_file(data_dir)
    stored = _read_credentials(path)
    for username, role in DEMO_STAFF:
        if await StaffUser.exists(username=username):
            continue
        password = "-".join(secrets.token_urlsafe(4) for _ in range(3))
        await staff.create_staff(username, password, role, actor=actor, now=now)
        stored[username] = {"role": role, "password": password}
    if stored:
        _write_credentials(path, stored)
    return [DemoSignIn(u, v["role"], v["password"]) for u, v in stored.items()]
