"""The editor's draft: a profile's content as a plain dict, and how to read values out of it."""

from __future__ import annotations

import copy
from typing import Any

from common.profile import READ_ONLY_FIELDS, Profile, default_content

MISSING = object()


def content_of(profile: Profile) -> dict[str, Any]:
    """Return a stored profile's content: everything but id, version, markets and the default flag."""
    document = profile.model_dump(mode="json")
    return {key: value for key, value in document.items() if key not in READ_ONLY_FIELDS}


def new_draft() -> dict[str, Any]:
    """Return the out-of-box configuration with no name yet (the user must give a unique one)."""
    draft = default_content().model_dump(mode="json")
    draft["name"] = ""
    return draft


def value_at(document: Any, path: str) -> Any:
    """Return the value at a dotted path (``menu.2.label``), or a marker when there is none."""
    current = document
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return MISSING
    return current


def snapshot(document: Any, path: str) -> Any:
    """Return a copy of the value at a dotted path, to tell later whether it has changed."""
    value = value_at(document, path)
    return value if value is MISSING else copy.deepcopy(value)
