"""Liveness and readiness: GET /healthz."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import json
from sanic_ext import openapi

from portal_server.db import database_state

bp = Blueprint("health")


@bp.get("/healthz")
@openapi.definition(summary="Server and database state", tag="health")
async def healthz(request: Request) -> HTTPResponse:
    """Report whether the server and its database are usable."""
    database = await database_state()
    ok = database["status"] == "up"
    return json(
        {
            "status": "ok" if ok else "degraded",
            "database": database,
            "version": request.app.ctx.version,
        },
        status=200 if ok else 503,
        headers={"Cache-Control": "no-store"},
    )
