"""Turning validation failures into {field: reason} maps that the UI and the API show."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

_NESTED = re.compile(r"^([a-z_]+): (.+)$", re.DOTALL)
ModelT = TypeVar("ModelT", bound=BaseModel)


class FieldErrors(ValueError):
    """Input was refused; ``fields`` names each bad field and why."""

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        self.fields = fields
        self.message = message or _summary(fields)
        super().__init__(self.message)


def _summary(fields: dict[str, str]) -> str:
    if not fields:
        return "The input is not valid."
    name, reason = next(iter(fields.items()))
    more = len(fields) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{name}: {reason}{tail}"


def field_path(loc: Iterable[Any]) -> str:
    """Join a pydantic error location into a dotted path such as ``menu.2.label``."""
    parts = [str(part) for part in loc if part not in ("body",)]
    return ".".join(parts) or "body"


_REASONS = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_too_short": "is too short",
    "string_too_long": "is too long",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "too_long": "has too many entries",
}


def _reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "value_error":
        message = str(error.get("msg", "is not valid"))
        return message.removeprefix("Value error, ")
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}" if expected else "is not an allowed value"
    if kind in ("string_too_long", "too_long"):
        limit = error.get("ctx", {}).get("max_length")
        if limit is not None:
            unit = "characters" if kind == "string_too_long" else "entries"
            return f"must be at most {limit} {unit}"
    if kind == "too_short":
        limit = error.get("ctx", {}).get("min_length")
        return f"must have at least {limit} {'entry' if limit == 1 else 'entries'}"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}"
    if kind == "string_too_short":
        limit = error.get("ctx", {}).get("min_length")
        if limit == 1:
            return "is required"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return str(error.get("msg", "is out of range")).lower()
    return _REASONS.get(kind, str(error.get("msg", "is not valid")).lower())


def errors_from_pydantic(exc: ValidationError) -> dict[str, str]:
    """Return {dotted field path: plain reason} for every error in exc (first reason wins)."""
    fields: dict[str, str] = {}
    for error in exc.errors():
        path = field_path(error.get("loc", ()))
        reason = _reason(dict(error))
        # Cross-field checks name their field as "field: reason"; move it into the path.
        nested = _NESTED.match(reason)
        if nested and error.get("type") == "value_error":
            path = f"{path}.{nested.group(1)}" if path != "body" else nested.group(1)
            reason = nested.group(2)
        fields.setdefault(path, reason)
    return fields


def parse(model: type[ModelT], data: Any) -> ModelT:
    """Validate data into model, raising FieldErrors on any problem."""
    if not isinstance(data, dict):
        raise FieldErrors({"body": "must be a JSON object"})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise FieldErrors(errors_from_pydantic(exc)) from None


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reject_control_characters(value: Any) -> Any:
    """Refuse text holding control characters (NUL and friends); other values pass through."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValueError("must not contain control characters")
    return value
