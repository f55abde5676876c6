"""Finding accounts and checking the facts a subscriber offers to prove one."""

from __future__ import annotations

import hmac
import unicodedata

from portal_server.accounts.models import Account


def _fold(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).casefold()
    return "".join(ch for ch in text if ch.isalnum())


async def account_by_number(number: str) -> Account | None:
    """Return the account with this number (spaces and dashes ignored), if any."""
    cleaned = "".join(ch for ch in number if ch.isalnum())
    if not cleaned or len(cleaned) > 32:
        return None
    return await Account.get_or_none(number=cleaned)


def proves_account(account: Account, fact: str) -> bool:
    """Tell whether fact is the account's last name or postal code (case and spacing ignored)."""
    offered = _fold(fact)
    if not offered:
        return False
    matches = [
        hmac.compare_digest(offered, _fold(account.last_name)),
        hmac.compare_digest(offered, _fold(account.postal_code)),
    ]
    return any(matches)
