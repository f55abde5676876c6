"""Portal users and their one-time links."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from common.email_rules import email_key
from portal_server.accounts.models import Account


def username_key(username: str | None) -> str | None:
    """Return the case-folded key under which a username is unique and looked up."""
    return username.casefold() if username else None


class PortalUser(Model):
    """The portal login of a subscriber."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "portal.Account", related_name="portal_users", on_delete=fields.RESTRICT
    )
    email = fields.CharField(max_length=254, unique=True)
    # Case-folded copies of email and username: lookups are equality on an index, never UPPER() scans.
    # Filled on every save; nullable only so that the migration could add them to existing rows.
    email_key = fields.CharField(max_length=254, unique=True, null=True)
    username = fields.CharField(max_length=64, unique=True, null=True)
    username_key = fields.CharField(max_length=64, unique=True, null=True)
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
        indexes = (Index(fields=("account_id",), name="portal_user_account"),)

    async def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, keeping the key columns in step with email and username."""
        self.email_key = email_key(self.email)
        self.username_key = username_key(self.username)
        if kwargs.get("update_fields") is not None:
            fields_to_save = set(kwargs["update_fields"])
            if "email" in fields_to_save:
                fields_to_save.add("email_key")
            if "username" in fields_to_save:
                fields_to_save.add("username_key")
            kwargs["update_fields"] = sorted(fields_to_save)
        await super().save(*args, **kwargs)


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
        indexes = (
            Index(fields=("user_id", "purpose"), name="one_time_link_user"),
            Index(fields=("expires_at",), name="one_time_link_expiry"),
        )
