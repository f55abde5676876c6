"""Portal pages before and around sign-in, one module per flow."""

from __future__ import annotations

from sanic import Blueprint

from portal_server.subscriber_auth.pages import passwords, registration, sign_in

blueprints = Blueprint.group(sign_in.bp, registration.bp, passwords.bp)
