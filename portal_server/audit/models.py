"""Audit event storage."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEvent(Model):
    """One recorded action: actor, optional acting-as, action, object, before/after."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    actor = fields.CharField(max_length=120, db_index=True)
    acting_as = fields.CharField(max_length=120, null=True)
    action = fields.CharField(max_length=64, db_index=True)
    object_type = fields.CharField(max_length=40)
    object_id = fields.CharField(max_length=64, null=True)
    object_label = fields.CharField(max_length=200, null=True)
    before: Any = fields.JSONField(null=True)
    after: Any = fields.JSONField(null=True)
    address = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "audit_event"
        indexes = (("object_type", "object_id"),)
