"""The account core that later self-service pages extend."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Account(Model):
    """A billing account with the facts a subscriber proves at registration."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    holder_name = fields.CharField(max_length=120)
    last_name = fields.CharField(max_length=80)
    postal_code = fields.CharField(max_length=16)
    market = fields.CharField(max_length=40, db_index=True)
    status = fields.CharField(max_length=16, default="active")
    balance = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    due_date = fields.DateField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "account"
