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


def add_head_and_options(app: Sanic) -> None:
    """Give every GET route a HEAD twin and every path an OPTIONS answer (call after all routes)."""
    for group in list(app.router.groups.values()):
        if "GET" in group.methods and "HEAD" not in group.methods:
            for route in group:
                if "GET" not in route.methods:
                    continue
                head: Any = openapi.exclude()(partial(_head, get_handler=route.handler))
                head.__auto_handler__ = True
                head.__route_handler__ = route.handler
                app.add_route(
                    head,
                    group.uri,
                    methods=["HEAD"],
                    strict_slashes=group.strict,
                    name=f"{route.name}_head",
                    host=route.requirements.get("host"),
                    unquote=group.unquote,
                )
    for group in list(app.router.groups.values()):
        if "OPTIONS" in group.methods:
            continue
        base = next((r for r in group if not r.name.endswith("_head")), group[0])
        options: Any = openapi.exclude()(partial(_options, methods=frozenset(group.methods)))
        options.__auto_handler__ = True
        app.add_route(
            options,
            group.uri,
            methods=["OPTIONS"],
            strict_slashes=group.strict,
            name=f"{base.name}_options",
            unquote=group.unquote,
        )
