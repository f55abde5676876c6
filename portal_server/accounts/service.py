"""Finding accounts and checking the facts a subscriber offers to prove one."""

from __future__ import annotations

import unicodedata

from portal_server.accounts.models import Account
from portal_server.security.tokens import same_text


def fold_name(value: str) -> str:
    """Return the form in which names and postal codes are compared.

    The rule (README, "Registration"): Unicode compatibility decomposition (NFKD), accents and
    other combining marks dropped, case folded, and only letters and digits kept — so "Müller",
    "MULLER", "Mu\u0308ller" and "müller" match, and so do "SW1A 1AA" and "sw1a1aa".
    """
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in bare.casefold() if ch.isalnum())


async def account_by_number(number: str) -> Account | None:
    """Return the account with this number (spaces and dashes ignored), if any."""
    cleaned = "".join(ch for ch in number if ch.isalnum())
    if not cleaned or len(cleaned) > 32:
        return None
    return await Account.get_or_none(number=cleaned)


def proves_account(account: Account, fact: str) -> bool:
    """Tell whether fact is the account's last name or postal code (see ``fold_name``)."""
    offered = fold_name(fact)
    if not offered:
        return False
    # Both compared, in constant time, so the answer's timing does not say which one matched.
    matches = [
        same_text(offered, fold_name(account.last_name)),
        same_text(offered, fold_name(account.postal_code)),
    ]
    return any(matches)
