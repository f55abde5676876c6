"""Server-side sessions."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from portal_server.portal_users.models import PortalUser


class PortalSession(Model):
    """A signed-in browser: the cookie holds a random id, the table its SHA-256 digest."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[PortalUser] = fields.ForeignKeyField(
        "portal.PortalUser", related_name="sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    address = fields.CharField(max_length=64, null=True)
    user_agent = fields.CharField(max_length=200, null=True)
    impersonated_by = fields.CharField(max_length=120, null=True)

    class Meta:
        table = "portal_session"
        indexes = (
            Index(fields=("user_id",), name="portal_session_user"),
            Index(fields=("expires_at",), name="portal_session_expiry"),
        )
