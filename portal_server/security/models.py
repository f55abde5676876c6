"""Attempts at guessable or mail-sending forms, for the throttles."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class Attempt(Model):
    """One attempt at a throttled form: from which address, about which subject, and how it went.

    ``subject`` is a keyed digest of what was typed (an email, a username, an account number),
    so the table holds no personal data. ``outcome`` is open while the attempt is being checked
    (it already counts, so concurrent guesses cannot slip past the limit), then failed, ok, or
    refused (turned away by a throttle; refused attempts do not count, so a throttle runs out on its
    own schedule however hard it is hammered).
    """

    id = fields.BigIntField(primary_key=True)
    scope = fields.CharField(max_length=24)
    address = fields.CharField(max_length=64)
    subject = fields.CharField(max_length=64, null=True)
    at = fields.DatetimeField()
    outcome = fields.CharField(max_length=8, default="open")

    class Meta:
        table = "attempt"
        indexes = (
            Index(fields=("scope", "address", "at"), name="attempt_address"),
            Index(fields=("scope", "subject", "at"), name="attempt_subject"),
            Index(fields=("at",), name="attempt_age"),
        )
