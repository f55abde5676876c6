"""Staff users and their bearer tokens."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class StaffUser(Model):
    """A care rep or administrator who signs in to the console."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharField(max_length=32)
    is_active = fields.BooleanField(default=True)
    failed_logins = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "staff_user"


class StaffToken(Model):
    """A bearer token, of which only the SHA-256 digest is kept."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    staff: fields.ForeignKeyRelation[StaffUser] = fields.ForeignKeyField(
        "portal.StaffUser", related_name="tokens", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    address = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "staff_token"
        indexes = (
            Index(fields=("staff_id",), name="staff_token_staff"),
            Index(fields=("expires_at",), name="staff_token_expiry"),
        )
