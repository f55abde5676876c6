"""Field-by-field differences between two profile documents."""

from __future__ import annotations

from typing import Any


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Return {dotted path: leaf value}; lists of objects are indexed (``menu.0.label``)."""
    if isinstance(value, dict):
        if not value and prefix:
            return {prefix: {}}
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        # A list of plain values (markets, say) reads best as one field.
        if not value or not any(isinstance(item, dict | list) for item in value):
            return {prefix: value}
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}.{index}"))
        return out
    return {prefix: value}


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Return [{field, before, after}] for every leaf that differs, in a stable order."""
    old, new = flatten(before), flatten(after)
    changes = []
    for field in sorted(old.keys() | new.keys(), key=_natural):
        if old.get(field, _MISSING) != new.get(field, _MISSING):
            changes.append({"field": field, "before": old.get(field), "after": new.get(field)})
    return changes


_MISSING = object()


def _natural(path: str) -> list[tuple[int, Any]]:
    return [(0, int(part)) if part.isdigit() else (1, part) for part in path.split(".")]


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply an RFC 7396 JSON merge patch and return the result (inputs are not changed)."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
