"""Who is making a request: recorded on every audit event."""

from __future__ import annotations

from dataclasses import dataclass, field

from common.permissions import Permission


@dataclass(frozen=True)
class Actor:
    """The party behind a change: a staff member, a subscriber or the system itself."""

    kind: str
    name: str
    id: int | None = None
    address: str | None = None
    acting_as: str | None = None
    permissions: frozenset[Permission] = field(default_factory=frozenset)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """Return the actor for changes made by the command line or start-up."""
        return cls(kind="system", name=name)

    @property
    def label(self) -> str:
        """Return ``kind:name`` as stored on audit events."""
        return f"{self.kind}:{self.name}"
