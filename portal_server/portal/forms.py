"""Reading posted portal forms: every field's limit, odd characters and an expired page answered at
the form itself, with what was typed kept (passwords excepted), never with a dead-end page."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs

from sanic import Request

from common.validation import CONTROL_CHARACTERS
from portal_server.portal import web

EXPIRED = "This page had expired, so nothing was sent. Check the form and send it again."
ODD_CHARACTERS = "held characters we cannot accept; we took them out, so check it before you send it again"


@dataclass(frozen=True)
class Field:
    """One field of a portal form: its limit at the edge (None: the service answers) and whether
    it is a secret that never comes back in a page."""

    name: str
    max_length: int | None = None
    secret: bool = False


@dataclass(frozen=True)
class FormSpec:
    """The fields a portal form posts."""

    fields: tuple[Field, ...]

    def __init__(self, *fields: Field) -> None:
        object.__setattr__(self, "fields", fields)


@dataclass
class PostedForm:
    """A posted form: its values (control characters taken out), and what is wrong at the edge."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    status: int = 200
    secrets: frozenset[str] = frozenset()

    @property
    def refused(self) -> bool:
        """Tell whether the form must come back before anything is done with it."""
        return bool(self.errors)

    def get(self, name: str, default: str = "") -> str:
        """Return a posted value."""
        return self.values.get(name, default)

    def refill(self) -> dict[str, str]:
        """Return the values to show again in the form: everything typed but the secrets."""
        return {name: value for name, value in self.values.items() if name not in self.secrets}


def _posted_values(request: Request) -> dict[str, str]:
    content_type = (request.content_type or "").split(";", 1)[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        # Parsed here rather than by Sanic, which logs a stack trace for a body that is not UTF-8.
        text = (request.body or b"").decode("utf-8", "replace")
        parsed = parse_qs(text, keep_blank_values=True, errors="replace")
        return {key: items[0] for key, items in parsed.items()}
    return {key: (items[0] if items else "") for key, items in (request.form or {}).items()}


def read_form(request: Request, spec: FormSpec) -> PostedForm:
    """Read a posted form against its spec: limits, control characters and the CSRF token."""
    raw = _posted_values(request)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for item in spec.fields:
        value = raw.get(item.name, "")
        if CONTROL_CHARACTERS.search(value):
            value = CONTROL_CHARACTERS.sub("", value)
            errors[item.name] = ODD_CHARACTERS
        elif item.max_length is not None and len(value) > item.max_length:
            errors[item.name] = f"must be at most {item.max_length} characters"
        values[item.name] = value
    secrets = frozenset(item.name for item in spec.fields if item.secret)
    if not web.csrf_ok(request, raw):
        return PostedForm(values, {"_form": EXPIRED, **errors}, 403, secrets)
    return PostedForm(values, errors, 422 if errors else 200, secrets)
