"""OpenAPI helpers: pydantic payloads from common/schemas as named, referenced components."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sanic_ext import openapi

from common.schemas import ErrorBody


def schema(model: type[BaseModel]) -> Any:
    """Return a reference to model's JSON schema, registering it under components once."""
    return openapi.Component(model)


def json_content(model: type[BaseModel]) -> dict[str, Any]:
    """Return an OpenAPI content map for a JSON payload of model."""
    return {"application/json": schema(model)}


def responses(
    model: type[BaseModel] | None,
    status: int = 200,
    errors: tuple[int, ...] = (401, 403, 404, 409, 422),
) -> list[Any]:
    """Return the success response and the error responses of an operation."""
    success = (
        openapi.definitions.Response(json_content(model), status=status)
        if model is not None
        else openapi.definitions.Response(status=status, description="No content")
    )
    return [
        success,
        *(openapi.definitions.Response(json_content(ErrorBody), status=code) for code in errors),
    ]
