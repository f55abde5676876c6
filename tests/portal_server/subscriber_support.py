"""Helpers for portal page tests: accounts, CSRF tokens from pages, mail from the outbox."""

from __future__ import annotations

import asyncio
import email
import re
from datetime import date
from decimal import Decimal
from email.message import Message
from pathlib import Path

import httpx

from portal_server.accounts.models import Account
from portal_server.clock import FakeClock

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK = re.compile(r"https?://[^\s\"<>]+/(verify|reset-password|invite)/([A-Za-z0-9_-]+)")


async def make_account(
    clock: FakeClock,
    number: str = "200001",
    *,
    holder: str = "Dana Whitfield",
    last_name: str = "Whitfield",
    postal_code: str = "30301",
    market: str = "EAST",
    balance: str = "84.20",
    due: date | None = date(2026, 2, 1),
) -> Account:
    """Create a billing account the way an import would."""
    return await Account.create(
        number=number,
        holder_name=holder,
        last_name=last_name,
        postal_code=postal_code,
        market=market,
        balance=Decimal(balance),
        due_date=due,
        created_at=clock.now(),
    )


async def csrf_from(client: httpx.AsyncClient, path: str) -> str:
    """GET a page and return the CSRF token of its form."""
    response = await client.get(path)
    match = CSRF.search(response.text)
    assert match, f"no CSRF token on {path}: {response.status_code}"
    return match.group(1)


async def post_form(
    client: httpx.AsyncClient, path: str, data: dict[str, str], *, page: str | None = None
) -> httpx.Response:
    """Post a form the way a browser would: fetch its page for the token, then send."""
    token = await csrf_from(client, page or path)
    return await client.post(path, data={**data, "csrf_token": token})


def outbox(data_dir: Path) -> list[Message]:
    """Return the mails written to the outbox, oldest first."""
    folder = data_dir / "outbox"
    if not folder.exists():
        return []
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


async def wait_for_mail(data_dir: Path, count: int) -> list[Message]:
    """Return the outbox once it holds count mails (mails sent after the response land shortly)."""
    for _ in range(200):
        mails = outbox(data_dir)
        if len(mails) >= count:
            return mails
        await asyncio.sleep(0.02)
    return outbox(data_dir)


def text_of(message: Message) -> str:
    """Return the plain-text part of a mail."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    return ""


def link_in(message: Message) -> tuple[str, str]:
    """Return (kind, token) of the one-time link in a mail."""
    match = LINK.search(text_of(message))
    assert match, text_of(message)
    return match.group(1), match.group(2)
