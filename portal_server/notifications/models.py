"""The mail outbox: every message waits here until the sender task has delivered it."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
STATUSES = (QUEUED, SENDING, SENT, FAILED)


class OutboxMail(Model):
    """One composed message and where its delivery stands.

    ``queued`` rows are due at ``next_attempt_at``; a ``sending`` row belongs to the worker that
    claimed it until ``claimed_until``, after which another worker may take it over (the first
    one died mid-send). ``sent`` and ``failed`` rows are kept for a while for support to look at,
    without the message body (it holds one-time links in the clear).
    """

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    recipient = fields.CharField(max_length=254)
    message = fields.BinaryField()
    status = fields.CharField(max_length=16, default=QUEUED)
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=200, null=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mail_outbox"
        indexes = (
            # The sender's two questions: which queued mail is due, which claim has run out.
            Index(fields=("status", "next_attempt_at"), name="mail_outbox_due"),
            Index(fields=("status", "claimed_until"), name="mail_outbox_claim"),
            # The purge of old rows: sent mail by when it went, failed mail by when it was queued.
            Index(fields=("sent_at",), name="mail_outbox_sent"),
            Index(fields=("created_at",), name="mail_outbox_created"),
        )
