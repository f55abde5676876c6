"""The profiles pages need, resolved once per profile version instead of on every request.

Every page needs a profile: the one a market belongs to, the one ``?loginProfile=`` names, or the
default. Reading and validating it from the database on each request costs more than the rest of
a page. This cache keeps each profile validated per ``(id, version)`` with the maps from markets
and names to ids. At most once a second (``REFRESH_SECONDS``) it reads the ids and versions of all
profiles — one small query on a table of a few dozen rows — and drops whatever changed, so a save
on another worker or another host is seen within a second. Every change to a profile bumps its
version (markets included), so the versions alone tell what is stale. A save on this worker
invalidates at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from common.profile import ProfileContent, default_content
from portal_server.profiles.models import ProfileMarket, ProfileRecord

REFRESH_SECONDS = 1.0
DEFAULT_PROFILE_NAME = "Default"


@dataclass(frozen=True)
class ResolvedProfile:
    """A validated profile version with what pages derive from it."""

    id: int | None
    version: int
    is_default: bool
    content: ProfileContent

    @property
    def login_name(self) -> str | None:
        """The name ``?loginProfile=`` needs to show this profile; None for the default."""
        return None if self.is_default else str(self.content.name)


@dataclass
class _Snapshot:
    versions: dict[int, int] = field(default_factory=dict)
    default_id: int | None = None
    by_name: dict[str, int] = field(default_factory=dict)
    by_market: dict[str, int] = field(default_factory=dict)


class ProfileCache:
    """Profiles by market, name or default, validated once per version (see the module's docstring)."""

    def __init__(
        self, ticker: Callable[[], float] = time.monotonic, refresh_seconds: float = REFRESH_SECONDS
    ) -> None:
        self._ticker = ticker
        self._refresh_seconds = refresh_seconds
        self._checked_at: float | None = None
        self._snapshot = _Snapshot()
        self._resolved: dict[tuple[int, int], ResolvedProfile] = {}
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        """Forget when the versions were last read, so the next lookup reads them again."""
        self._checked_at = None

    def reset(self) -> None:
        """Forget everything (a new database was opened)."""
        self._checked_at = None
        self._snapshot = _Snapshot()
        self._resolved.clear()
        self._lock = asyncio.Lock()

    def _due(self) -> bool:
        return self._checked_at is None or self._ticker() - self._checked_at >= self._refresh_seconds

    async def _fresh(self) -> _Snapshot:
        if not self._due():
            return self._snapshot
        async with self._lock:
            if not self._due():
                return self._snapshot
            rows = await ProfileRecord.all().values_list("id", "version", "name_key", "is_default")
            versions = {int(row[0]): int(row[1]) for row in rows}
            if versions != self._snapshot.versions or not rows:
                markets = await ProfileMarket.all().values_list("market", "profile_id")
                self._snapshot = _Snapshot(
                    versions=versions,
                    default_id=next((int(row[0]) for row in rows if row[3]), None),
                    by_name={str(row[2]): int(row[0]) for row in rows},
                    by_market={str(market): int(profile_id) for market, profile_id in markets},
                )
                self._resolved = {
                    key: value for key, value in self._resolved.items() if versions.get(key[0]) == key[1]
                }
            self._checked_at = self._ticker()
            return self._snapshot

    async def _resolve(self, snapshot: _Snapshot, profile_id: int | None) -> ResolvedProfile:
        if profile_id is None or profile_id not in snapshot.versions:
            return ResolvedProfile(None, 0, True, default_content(DEFAULT_PROFILE_NAME))
        key = (profile_id, snapshot.versions[profile_id])
        found = self._resolved.get(key)
        if found is not None:
            return found
        record = await ProfileRecord.filter(id=profile_id).first()
        if record is None:
            # Removed since the versions were read: read them again next time.
            self.invalidate()
            fallback = snapshot.default_id if profile_id != snapshot.default_id else None
            return await self._resolve(snapshot, fallback)
        resolved = ResolvedProfile(
            record.id, record.version, record.is_default, ProfileContent.model_validate(record.content)
        )
        if record.version == key[1]:
            self._resolved[key] = resolved
        else:
            self.invalidate()
        return resolved

    async def default(self) -> ResolvedProfile:
        """Return the default profile."""
        snapshot = await self._fresh()
        return await self._resolve(snapshot, snapshot.default_id)

    async def for_market(self, market: str | None) -> ResolvedProfile:
        """Return the profile whose markets hold market, else the default profile."""
        snapshot = await self._fresh()
        return await self._resolve(snapshot, snapshot.by_market.get(market or "", snapshot.default_id))

    async def named(self, name: str | None) -> ResolvedProfile:
        """Return the profile with this name (any case), else the default profile."""
        snapshot = await self._fresh()
        key = (name or "").strip().casefold()
        return await self._resolve(snapshot, snapshot.by_name.get(key, snapshot.default_id))


PROFILES = ProfileCache()
