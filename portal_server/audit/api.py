"""Admin API: reading the audit trail."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import json
from sanic_ext import openapi

from common.permissions import Permission
from common.schemas import AuditEventOut, AuditPage
from portal_server.admin_auth import requires
from portal_server.api_docs import responses
from portal_server.audit import service
from portal_server.http import query_int, query_text

bp = Blueprint("admin_audit", url_prefix="/api/v1/admin/audit")


@bp.get("")
@openapi.definition(
    summary="Audit events, newest first",
    tag="audit",
    secured={"token": []},
    parameter=[
        openapi.definitions.Parameter("actor", str, "query", description="part of kind:name"),
        openapi.definitions.Parameter("object", str, "query", description="type or type:id, e.g. profile:3"),
        openapi.definitions.Parameter("action", str, "query", description="action prefix, e.g. profile."),
        openapi.definitions.Parameter("page", int, "query"),
        openapi.definitions.Parameter("page_size", int, "query"),
    ],
    response=responses(AuditPage, errors=(401, 403, 422)),
)
@requires(Permission.VIEW_AUDIT)
async def list_events(request: Request) -> HTTPResponse:
    """Return one page of audit events matching the filters."""
    query = service.AuditQuery(
        actor=query_text(request, "actor", service.column_length("actor")),
        object=query_text(
            request, "object", service.column_length("object_type") + 1 + service.column_length("object_id")
        ),
        action=query_text(request, "action", service.column_length("action")),
        page=query_int(request, "page", 1, 1, 100_000),
        page_size=query_int(request, "page_size", 50, 1, 200),
    )
    events, total = await service.search(query)
    page = AuditPage(
        items=[AuditEventOut.model_validate(service.serialise(e)) for e in events],
        total=total,
        page=query.page,
        page_size=query.page_size,
    )
    return json(page.model_dump(mode="json"))
