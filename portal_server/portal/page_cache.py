"""Pages and page parts rendered once per profile version, not on every request.

The sign-in, registration and forgotten-password forms carry nothing of the visitor but the
CSRF token bound to their browser. Such a page is rendered once per profile version with a
marker where the token goes, and each request only joins the stored parts around its token.
Signed-in pages differ per subscriber, but their frame (head, support menu, side menu, footer)
does not: those parts are ``{% fragment %}`` blocks kept in a store per profile version.

Entries hold the profile object itself: the profile cache hands out one object per version, so
a saved profile is a new object and is rendered afresh; old entries age out of the bounded store.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from common.profile import ProfileContent
from common.render import Fragments

# Hex digests never contain it, and a profile's text cannot put it in a page: it is escaped.
CSRF_MARK = "\x00csrf-token\x00"
# Profiles times templates times ways in (notices, ?loginProfile=): a few hundred at most in real use.
MAX_ENTRIES = 512

T = TypeVar("T")


class SharedPages:
    """A bounded, least-recently-used store of pages split around their CSRF token."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._max = max_entries
        self._entries: OrderedDict[tuple[int, Hashable], tuple[ProfileContent, Any]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, profile: ProfileContent, key: Hashable, make: Callable[[], T]) -> T:
        """Return what ``make()`` gives for (profile, key), made once per profile version."""
        slot = (id(profile), key)
        found = self._entries.get(slot)
        # The entry holds its profile, so no other object can have that id while it is stored.
        if found is not None and found[0] is profile:
            self._entries.move_to_end(slot)
            kept: T = found[1]
            return kept
        value = make()
        self._entries[slot] = (profile, value)
        if len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return value

    def page(
        self, profile: ProfileContent, key: Hashable, render: Callable[[str], str], csrf_token: str
    ) -> str:
        """Return the page for (profile, key) with this token; ``render(mark)`` makes it once."""
        parts = self.entry(profile, ("page", key), lambda: render(CSRF_MARK).split(CSRF_MARK))
        return csrf_token.join(parts)

    def fragments(self, profile: ProfileContent, variant: Hashable) -> Fragments:
        """Return the fragment store for a profile version and what else its layout shows
        (the links its pages carry, the licence)."""
        store: Fragments = self.entry(profile, ("fragments", variant), dict)
        return store

    def clear(self) -> None:
        """Forget everything stored."""
        self._entries.clear()
