"""Portal users and their one-time links."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from portal_server.accounts.models import Account


class PortalUser(Model):
    """The portal login of a subscriber."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "portal.Account", related_name="portal_users", on_delete=fields.RESTRICT
    )
    email = fields.CharField(max_length=254, unique=True)
    username = fields.CharField(max_length=64, unique=True, null=True)
    display_name = fields.CharField(max_length=120)
    password_hash = fields.CharField(max_length=255, null=True)
    # pending (registered, email not verified), invited (no password yet), active, disabled
    status = fields.CharField(max_length=16, db_index=True)
    email_verified_at = fields.DatetimeField(null=True)
    bill_notifications = fields.BooleanField(default=True)
    failed_logins = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    last_login_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "portal_user"


class OneTimeLink(Model):
    """A single-use, expiring link sent by email (verify, reset, invite)."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    purpose = fields.CharField(max_length=16)
    user: fields.ForeignKeyRelation[PortalUser] = fields.ForeignKeyField(
        "portal.PortalUser", related_name="links", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "one_time_link"
