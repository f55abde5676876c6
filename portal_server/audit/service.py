"""Recording and reading audit events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from portal_server.actor import Actor
from portal_server.audit.models import AuditEvent


async def record(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: Any,
    *,
    at: datetime,
    before: Any = None,
    after: Any = None,
    label: str | None = None,
    connection: BaseDBAsyncClient | None = None,
) -> AuditEvent:
    """Write one audit event, in the caller's transaction when a connection is given.

    Every text is cut to its column (a label is for people, and typed text may be any length),
    so recording what happened never fails on what somebody typed.
    """
    return await AuditEvent.create(
        at=at,
        actor=_fit("actor", actor.label),
        acting_as=_fit("acting_as", actor.acting_as),
        action=_fit("action", action),
        object_type=_fit("object_type", object_type),
        object_id=_fit("object_id", None if object_id is None else str(object_id)),
        object_label=_fit("object_label", label),
        before=before,
        after=after,
        address=_fit("address", actor.address),
        using_db=connection,
    )


def column_length(name: str) -> int:
    """Return the length of an audit text column."""
    return int(AuditEvent._meta.fields_map[name].max_length)  # type: ignore[attr-defined]


def _fit(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    limit = column_length(name)
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass(frozen=True)
class AuditQuery:
    """Filters for the audit list."""

    actor: str = ""
    object: str = ""
    action: str = ""
    page: int = 1
    page_size: int = 50


async def search(query: AuditQuery) -> tuple[list[AuditEvent], int]:
    """Return one page of events, newest first, and the total matching."""
    events = AuditEvent.all()
    if query.actor:
        events = events.filter(actor__icontains=query.actor)
    if query.object:
        kind, _, ident = query.object.partition(":")
        if len(kind) > column_length("object_type") or len(ident) > column_length("object_id"):
            return [], 0
        events = events.filter(object_type=kind)
        if ident:
            events = events.filter(object_id=ident)
    if query.action:
        events = events.filter(action__startswith=query.action)
    total = await events.count()
    rows = (
        await events.order_by("-at", "-id").offset((query.page - 1) * query.page_size).limit(query.page_size)
    )
    return list(rows), total


def serialise(event: AuditEvent) -> dict[str, Any]:
    """Return an event as the API shows it."""
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "acting_as": event.acting_as,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "before": event.before,
        "after": event.after,
        "address": event.address,
    }
