"""The one email-address rule of the suite (email-validator, as pydantic uses), and its lookup key.

Every form, payload and profile field that takes an address goes through ``normalise_email``, so
the portal, the admin API and the console accept and refuse the same addresses.
"""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

MAX_EMAIL_LENGTH = 254
EMAIL_REASON = "must be an email address such as name@example.com"


def normalise_email(value: str) -> str:
    """Return the address in its normal form (domain lower-cased, NFC), or raise ValueError(reason)."""
    text = value.strip()
    if not text:
        raise ValueError("is required")
    if len(text) > MAX_EMAIL_LENGTH:
        raise ValueError(f"must be at most {MAX_EMAIL_LENGTH} characters")
    try:
        checked = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        raise ValueError(EMAIL_REASON) from None
    normalised = str(checked.normalized)
    # Case folding can lengthen text (ß -> ss): the key must fit its column too.
    if len(normalised) > MAX_EMAIL_LENGTH or len(email_key(normalised)) > MAX_EMAIL_LENGTH:
        raise ValueError(f"must be at most {MAX_EMAIL_LENGTH} characters")
    return normalised


def email_problem(value: str) -> str | None:
    """Return why value is not an acceptable email address, or None."""
    try:
        normalise_email(value)
    except ValueError as exc:
        return str(exc)
    return None


def email_key(value: str) -> str:
    """Return the case-folded key under which an address is unique and looked up."""
    return unicodedata.normalize("NFC", value.strip()).casefold()
