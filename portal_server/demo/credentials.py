"""The demo sign-ins file, ``$PORTAL_DATA_DIR/demo-credentials.json``, readable by its owner only.

Staff sign-ins sit under their usernames, the printed subscriber logins under ``_subscribers``
and the one password every bulk login shares under ``_bulk``, with the account ranges it opens.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

FILE_NAME = "demo-credentials.json"


def credentials_file(data_dir: Path) -> Path:
    """Return where the demo sign-ins are kept."""
    return data_dir / FILE_NAME


def read_credentials(data_dir: Path) -> dict[str, Any]:
    """Return the stored demo sign-ins (empty when there are none yet)."""
    path = credentials_file(data_dir)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_credentials(data_dir: Path, stored: dict[str, Any]) -> None:
    """Write the demo sign-ins, readable by the owner alone."""
    path = credentials_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)  # an older file may have been created wider
    path.write_text(json.dumps(stored, indent=2), encoding="utf-8")


def new_password() -> str:
    """Return a fresh demo password, easy to copy from a terminal."""
    return "-".join(secrets.token_urlsafe(4) for _ in range(3))


def _stored_bulk_password(stored: dict[str, Any]) -> str | None:
    bulk = stored.get("_bulk")
    password = bulk.get("password") if isinstance(bulk, dict) else None
    return password if isinstance(password, str) and password else None


def bulk_password(stored: dict[str, Any]) -> str:
    """Return the password bulk logins share: the stored one, so every run's logins keep one."""
    return _stored_bulk_password(stored) or new_password()


def bulk_ranges(stored: dict[str, Any]) -> list[tuple[int, int]]:
    """Return the account number ranges (first, last) whose logins share the bulk password."""
    if _stored_bulk_password(stored) is None:
        return []
    ranges = []
    for item in stored["_bulk"].get("accounts") or []:
        # A hand-edited file may hold anything: what cannot be read is left out, not fatal.
        try:
            ranges.append((int(item["first"]), int(item["last"])))
        except (KeyError, TypeError, ValueError):
            continue
    return ranges


def record_bulk(stored: dict[str, Any], password: str, first: int, last: int) -> None:
    """Note that accounts first..last got bulk logins with ``password`` (adjacent ranges merge)."""
    known = bulk_ranges(stored) if _stored_bulk_password(stored) == password else []
    if known and known[-1][1] + 1 == first:
        known[-1] = (known[-1][0], last)
    else:
        known.append((first, last))
    stored["_bulk"] = {
        "password": password,
        "logins": sum(high - low + 1 for low, high in known),
        "accounts": [{"first": str(low), "last": str(high)} for low, high in known],
    }
