"""The application factory: create_app() builds the whole server from setup_* steps."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version

from sanic import Request, Sanic
from sanic.response import HTTPResponse, html
from sanic_ext import Extend, openapi
from sanic_ext.extensions.openapi.extension import OpenAPIExtension

from portal_server import health
from portal_server.audit import api as audit_api
from portal_server.config import ServerConfig
from portal_server.db import setup_db
from portal_server.errors import setup_errors
from portal_server.headers import setup_security_headers
from portal_server.housekeeping.task import setup_housekeeping
from portal_server.http_methods import add_head_and_options
from portal_server.logs import logging_config
from portal_server.notifications.notifier import Notifier
from portal_server.notifications.sender import setup_mail_sender
from portal_server.portal import pages as portal_pages
from portal_server.portal.pages import setup_portal
from portal_server.portal_users import api as portal_users_api
from portal_server.profiles import api as profiles_api
from portal_server.profiles import cache as profiles_cache
from portal_server.profiles import service as profiles_service
from portal_server.security.throttle import Throttle
from portal_server.staff import api as staff_api
from portal_server.subscriber_auth import pages as subscriber_pages
from portal_server.subscriber_auth.service import Timeouts

APP_NAME = "portal_server"


def _version() -> str:
    try:
        return version("portal-suite")
    except PackageNotFoundError:
        return "0.0.0"


def setup_openapi(app: Sanic) -> None:
    """Serve the OpenAPI document at /docs/openapi.json, without the interactive UI."""
    app.config.OAS_URL_PREFIX = "/docs"
    app.config.OAS_UI_DEFAULT = None
    app.config.OAS_UI_REDOC = False
    app.config.OAS_UI_SWAGGER = False
    app.config.OAS_AUTODOC = False
    app.config.CORS = False
    app.config.HEALTH = False
    # Only the OpenAPI document: the injection extension (no dependencies are registered) would
    # dispatch a signal on every request, pages render through common.render rather than
    # sanic-ext's templating, and HEAD/OPTIONS come from portal_server.http_methods.
    Extend(app, extensions=[OpenAPIExtension], built_in_extensions=False)
    app.ext.openapi.describe(
        "Portal administration API",
        version=app.ctx.version,
        description="Profiles, portal users and audit trail for the customer-care console.",
    )
    app.ext.openapi.add_security_scheme("token", "http", scheme="bearer")

    @app.on_response
    async def _bodyless_204(request: Request, response: HTTPResponse) -> None:
        # sanic-ext documents every response with a body ("*/*" when none is given); a 204
        # has none, so the published document says so.
        if request.path != "/docs/openapi.json" or response.status != 200 or not response.body:
            return
        spec = json.loads(response.body)
        for operations in spec.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
                if isinstance(responses.get("204"), dict):
                    responses["204"].pop("content", None)
        response.body = json.dumps(spec).encode()

    # sanic-ext names its docs page "openapi.index"; with its CDN-hosted UIs off we serve
    # a self-contained page under that name instead.
    @app.get("/docs", name="openapi.index")
    @openapi.exclude()
    async def docs_index(request: Request) -> HTTPResponse:
        return html(
            "<!doctype html><html lang=en><meta charset=utf-8>"
            "<title>Portal administration API</title><h1>Portal administration API</h1>"
            '<p>The OpenAPI document is at <a href="/docs/openapi.json">'
            "/docs/openapi.json</a>.</p></html>"
        )


def setup_routes(app: Sanic) -> None:
    """Mount every feature's blueprints."""
    app.blueprint(health.bp)
    app.blueprint(staff_api.bp)
    app.blueprint(profiles_api.bp)
    app.blueprint(profiles_api.media)
    app.blueprint(audit_api.bp)
    app.blueprint(portal_users_api.bp)
    app.blueprint(subscriber_pages.blueprints)
    app.blueprint(portal_pages.bp)


def setup_bootstrap(app: Sanic) -> None:
    """Make sure the out-of-box default profile exists once the database is open."""

    @app.before_server_start
    async def _bootstrap(app: Sanic) -> None:
        # What a cache may hold from another database opened in this process is not this one's.
        profiles_cache.PROFILES.reset()
        await profiles_service.ensure_default_profile(app.ctx.clock.now())


def create_app(config: ServerConfig | None = None) -> Sanic:
    """Build the Sanic application from settings (the environment's when none are given)."""
    config = config or ServerConfig.from_env()
    app = Sanic(APP_NAME, log_config=logging_config())
    app.config.REQUEST_MAX_SIZE = config.max_request_bytes
    app.config.REQUEST_TIMEOUT = 30
    app.config.RESPONSE_TIMEOUT = 60
    app.config.KEEP_ALIVE_TIMEOUT = 15
    app.config.ACCESS_LOG = config.access_log
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.PROXIES_COUNT = 1 if config.trust_forwarded_for else 0
    app.ctx.config = config
    app.ctx.clock = config.clock
    app.ctx.version = _version()
    app.ctx.notifier = Notifier(base_url=config.base_url, sender=config.mail_sender, clock=config.clock)
    app.ctx.throttle = Throttle(config.secret_key, config.throttle_rules)
    app.ctx.timeouts = Timeouts(verify_link=timedelta(days=config.verify_link_days))
    setup_openapi(app)
    setup_errors(app)
    setup_db(app)
    setup_bootstrap(app)
    setup_mail_sender(app)
    setup_housekeeping(app)
    setup_security_headers(app)
    setup_portal(app)
    setup_routes(app)
    add_head_and_options(app)
    return app
