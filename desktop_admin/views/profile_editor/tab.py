"""The contract every profile-editor tab keeps, so the editor can treat all tabs alike.

``sentence`` turns a field's reason into the sentence a tab shows for it.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QWidget

# A reason starting with one of these reads on from the field's name ("The name is required.");
# any other reason is a sentence of its own.
REASON_VERBS: tuple[str, ...] = ("is", "must", "has", "should")


def sentence(subject: str, reason: str, verbs: tuple[str, ...] = REASON_VERBS) -> str:
    """Turn a field reason into a sentence: ("The name", "is required") -> "The name is required."."""
    reason = reason.strip().rstrip(".")
    if not reason:
        return ""
    if reason.split(" ", 1)[0] in verbs:
        return f"{subject} {reason}."
    return f"{reason[:1].upper()}{reason[1:]}."


class EditorTab(Protocol):
    """One tab of the profile editor.

    The editor holds the draft (a dict shaped like ``ProfileContent.model_dump(mode="json")``).
    A tab shows the parts it owns (``OWNS``: top-level keys of the draft), reports user edits by
    emitting ``edited`` and writes its current values back on ``apply``. Field errors arrive as
    {dotted path: reason} from common/ validation or the server; a tab shows those under its keys.
    """

    TITLE: str
    OWNS: tuple[str, ...]
    edited: SignalInstance

    def load(self, draft: dict[str, Any]) -> None:
        """Show the draft's values without emitting ``edited``."""

    def apply(self, draft: dict[str, Any]) -> None:
        """Write this tab's current values into the draft (only the keys it owns)."""

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show the errors whose path starts with one of OWNS; clear the others on this tab."""

    def owns(self, path: str) -> bool:
        """Tell whether a dotted error path belongs to this tab."""


class TabBase(QWidget):
    """What every concrete tab shares: the ``edited`` signal and path ownership."""

    TITLE = ""
    OWNS: tuple[str, ...] = ()
    edited = Signal()

    def owns(self, path: str) -> bool:
        """Tell whether a dotted error path belongs to this tab."""
        return path.split(".", 1)[0] in self.OWNS
