"""Profiles, their saved versions, market associations and logo images."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class ProfileRecord(Model):
    """A profile with its editable content as one JSON document, plus identity and version."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=80)
    # Case-folded name: "Retail" and "retail" may not both exist.
    name_key = fields.CharField(max_length=80, unique=True)
    is_default = fields.BooleanField(default=False)
    version = fields.IntField(default=1)
    content: Any = fields.JSONField()
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    updated_by = fields.CharField(max_length=120)

    class Meta:
        table = "profile"
        indexes = (Index(fields=("is_default",), name="profile_default"),)


class ProfileVersion(Model):
    """A snapshot kept at every save."""

    id = fields.IntField(primary_key=True)
    profile: fields.ForeignKeyRelation[ProfileRecord] = fields.ForeignKeyField(
        "portal.ProfileRecord", related_name="versions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    content: Any = fields.JSONField()
    markets: Any = fields.JSONField()
    action = fields.CharField(max_length=32)
    note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()
    created_by = fields.CharField(max_length=120)

    class Meta:
        table = "profile_version"
        unique_together = (("profile", "number"),)


class ProfileMarket(Model):
    """The profile serving a market (a market belongs to at most one profile)."""

    id = fields.IntField(primary_key=True)
    market = fields.CharField(max_length=40, unique=True)
    profile: fields.ForeignKeyRelation[ProfileRecord] = fields.ForeignKeyField(
        "portal.ProfileRecord", related_name="market_rows", on_delete=fields.CASCADE
    )

    class Meta:
        table = "profile_market"


class LogoImage(Model):
    """An uploaded, checked and re-encoded logo, addressed by the SHA-256 of its bytes."""

    sha256 = fields.CharField(max_length=64, primary_key=True)
    content_type = fields.CharField(max_length=40)
    width = fields.IntField()
    height = fields.IntField()
    size = fields.IntField()
    data = fields.BinaryField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "logo_image"
