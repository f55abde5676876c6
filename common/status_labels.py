"""The words subscribers read for a stored status: ``active`` is shown as "Active".

One mapping for every status a portal page shows (accounts, services, support requests), so a
status reads the same wherever it appears.
"""

from __future__ import annotations

STATUS_LABELS: dict[str, str] = {
    "active": "Active",
    "pending": "Pending",
    "suspended": "Suspended",
    "disconnected": "Disconnected",
    "closed": "Closed",
    "canceled": "Canceled",
    "open": "Open",
    "in_progress": "In progress",
    "on_hold": "On hold",
    "resolved": "Resolved",
}


def status_label(status: str) -> str:
    """Return the label of a stored status; one not in the mapping reads as words (``past_due``: Past due)."""
    code = status.strip()
    known = STATUS_LABELS.get(code.casefold().replace("-", "_").replace(" ", "_"))
    if known is not None:
        return known
    words = code.replace("_", " ").replace("-", " ")
    return words[:1].upper() + words[1:]
