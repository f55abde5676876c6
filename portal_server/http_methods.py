"""HEAD for every GET route and OPTIONS for every path, added while the application is built.

sanic-ext's HTTP extension adds the same routes when the server starts, one route at a time on a
router that is already finalized, which recompiles the router for each: about half a second per
start here, paid by every worker and every test that starts the app. Added before the first
finalize they cost nothing. The handlers carry the markers sanic-ext's do (``__auto_handler__``,
and ``__route_handler__`` on HEAD), so tools that tell generated routes apart keep working.
"""

from __future__ import annotations

from functools import partial
from inspect import isawaitable
from typing import Any

from sanic import HTTPResponse, Request, Sanic
from sanic.response import empty
from sanic_ext import openapi


async def _head(request: Request, *args: Any, get_handler: Any, **kwargs: Any) -> HTTPResponse:
    """Answer HEAD with what GET answers; Sanic sends the headers without the body."""
    answer = get_handler(request, *args, **kwargs)
    response: HTTPResponse = await answer if isawaitable(answer) else answer
    return response


async def _options(request: Request, *args: Any, methods: frozenset[str], **kwargs: Any) -> HTTPResponse:
    """Answer OPTIONS with the methods the path takes."""
    response = empty()
    response.headers["allow"] = ",".join([*methods, "OPTIONS"])
    return response


def _add_generated(app: Sanic, group: Any, method: str, handler: Any, name: str, host: Any = None) -> None:
    """Add a generated route for a router group, marked as sanic-ext marks its own."""
    handler = openapi.exclude()(handler)
    handler.__auto_handler__ = True
    app.add_route(
        handler,
        group.uri,
        methods=[method],
        strict_slashes=group.strict,
        name=name,
        host=host,
        unquote=group.unquote,
    )


def add_head_and_options(app: Sanic) -> None:
    """Give every GET route a HEAD twin and every path an OPTIONS answer (call after all routes)."""
    for group in list(app.router.groups.values()):
        if "GET" in group.methods and "HEAD" not in group.methods:
            for route in group:
                if "GET" in route.methods:
                    head = partial(_head, get_handler=route.handler)
                    head.__route_handler__ = route.handler  # type: ignore[attr-defined]
                    _add_generated(
                        app, group, "HEAD", head, f"{route.name}_head", route.requirements.get("host")
                    )
    for group in list(app.router.groups.values()):
        if "OPTIONS" not in group.methods:
            base = next((r for r in group if not r.name.endswith("_head")), group[0])
            options = partial(_options, methods=frozenset(group.methods))
            _add_generated(app, group, "OPTIONS", options, f"{base.name}_options")
