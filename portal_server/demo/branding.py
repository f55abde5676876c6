"""Each demo profile's own logos, from resources/demo/branding/<profile-slug>/<slot>.svg.

They go through the very checks and service an administrator's upload does. A slot gets its
demo logo only while it has never held one: neither an administrator's upload nor their choice
to go back to the default logo is ever undone by loading the demo again.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from common.profile import LogoSlot
from common.resources import RESOURCES_DIR
from portal_server.actor import Actor
from portal_server.profiles import service as profiles
from portal_server.profiles.logo_check import check_logo
from portal_server.profiles.models import ProfileRecord, ProfileVersion


def profile_slug(name: str) -> str:
    """Return the folder name of a profile's demo branding: "Retail East" -> "retail-east"."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def branding_dir(name: str) -> Path:
    """Return the folder holding a demo profile's logo files."""
    return RESOURCES_DIR / "demo" / "branding" / profile_slug(name)


async def give_demo_logos(profile_id: int, name: str, *, actor: Actor, now: datetime) -> list[LogoSlot]:
    """Upload the profile's demo logos into the slots that never held one; return those slots."""
    folder = branding_dir(name)
    given = []
    for slot in LogoSlot:
        path = folder / f"{slot.value}.svg"
        if not path.is_file() or await _ever_had_logo(profile_id, slot):
            continue
        checked = check_logo(slot, path.read_bytes())
        await profiles.set_logo(profile_id, slot, checked, expected=None, actor=actor, now=now)
        given.append(slot)
    return given


async def _ever_had_logo(profile_id: int, slot: LogoSlot) -> bool:
    record = await ProfileRecord.get(id=profile_id)
    versions = await ProfileVersion.filter(profile_id=profile_id).values_list("content", flat=True)
    return any(_has_logo(content, slot) for content in [record.content, *versions])


def _has_logo(content: object, slot: LogoSlot) -> bool:
    logos = content.get("logos") if isinstance(content, dict) else None
    return isinstance(logos, dict) and logos.get(slot.value) is not None
