"""Amounts, dates and times in a profile's locale, through Babel (CLDR data).

A profile chooses one of ``PortalLocale``; the locale governs how numbers, amounts, dates and
times are written, never the wording, which stays US English in every locale. Amounts are
``Decimal`` (or whole numbers) from the first digit to the last: a float is refused rather than
rounded through binary fractions.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from functools import cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers


class PortalLocale(StrEnum):
    """The locales a profile may format with: where telecom, ISP and utility subscribers live.

    North America first (the suite's home market, with Canada's two languages and the US and
    Mexican Spanish-speaking subscribers), then the English-speaking and euro markets.
    """

    EN_US = "en-US"
    ES_US = "es-US"
    EN_CA = "en-CA"
    FR_CA = "fr-CA"
    ES_MX = "es-MX"
    EN_GB = "en-GB"
    EN_IE = "en-IE"
    EN_AU = "en-AU"
    DE_DE = "de-DE"
    FR_FR = "fr-FR"


DEFAULT_LOCALE = PortalLocale.EN_US

LOCALE_LABELS: dict[PortalLocale, str] = {
    PortalLocale.EN_US: "English (United States)",
    PortalLocale.ES_US: "Spanish (United States)",
    PortalLocale.EN_CA: "English (Canada)",
    PortalLocale.FR_CA: "French (Canada)",
    PortalLocale.ES_MX: "Spanish (Mexico)",
    PortalLocale.EN_GB: "English (United Kingdom)",
    PortalLocale.EN_IE: "English (Ireland)",
    PortalLocale.EN_AU: "English (Australia)",
    PortalLocale.DE_DE: "German (Germany)",
    PortalLocale.FR_FR: "French (France)",
}
"""How the console names each locale."""

# The currency placeholder of CLDR number patterns.
_CURRENCY_SIGN = "¤"
_NO_BREAK_SPACE = "\u00a0"
_SPACES = " \u00a0\u202f"


@cache
def babel_locale(code: str) -> Locale:
    """Return Babel's locale for a supported code such as ``en-US``; ValueError for any other."""
    return Locale.parse(PortalLocale(code).value, sep="-")


def _as_decimal(value: Decimal | int | str) -> Decimal:
    # bool is an int, and a float has already lost the cents it was meant to carry.
    if isinstance(value, bool | float):
        raise TypeError(f"amounts are Decimal, not {type(value).__name__}: {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str):
        return Decimal(value)
    raise TypeError(f"amounts are Decimal, not {type(value).__name__}")


def _spaced(symbol: str, digit_side: str) -> str:
    """Add CLDR's currency spacing: a no-break space between digits and a symbol ending in a letter."""
    edge = symbol[-1] if digit_side == "after" else symbol[0]
    if unicodedata.category(edge).startswith(("S", "Z")):
        return symbol
    return symbol + _NO_BREAK_SPACE if digit_side == "after" else _NO_BREAK_SPACE + symbol


def format_amount(value: Decimal | int | str, symbol: str, locale: str) -> str:
    """Return an amount in cents, placing ``symbol`` where the locale places a currency symbol.

    ``format_amount(Decimal("1234.56"), "$", "en-US")`` is ``$1,234.56`` and with ``"€"`` in
    ``de-DE`` it is ``1.234,56 €``. The symbol is used verbatim: Babel's own currency handling
    would turn a symbol that happens to be an ISO code (``USD``) into another one (``US$``).
    An empty symbol writes the number alone.
    """
    amount = _as_decimal(value).quantize(Decimal("0.01"))
    if amount.is_zero():
        amount = abs(amount)  # never "-$0.00"
    place = babel_locale(locale)
    pattern = place.currency_formats["standard"]
    text = pattern.apply(amount, place)
    index = text.find(_CURRENCY_SIGN)
    if index < 0:
        return text
    before, after = text[:index], text[index + 1 :]
    if not symbol:
        return (before.rstrip(_SPACES) + after.lstrip(_SPACES)).strip(_SPACES)
    if after[:1].isdigit():
        symbol = _spaced(symbol, "after")
    elif before[-1:].isdigit():
        symbol = _spaced(symbol, "before")
    return before + symbol + after


def format_number(value: Decimal | int | str, locale: str) -> str:
    """Return a quantity (not an amount) with the locale's digit grouping and decimal sign."""
    return babel_numbers.format_decimal(_as_decimal(value), locale=babel_locale(locale))


def format_date(value: date, locale: str) -> str:
    """Return a date in the locale's medium form: ``Dec 13, 2026`` in en-US, ``13.12.2026`` in de-DE."""
    day = value.date() if isinstance(value, datetime) else value
    return babel_dates.format_date(day, "medium", locale=babel_locale(locale))


def format_time(value: time | datetime, locale: str) -> str:
    """Return a time of day in the locale's short form (hours and minutes): ``2:05 PM`` in en-US."""
    return babel_dates.format_time(value, "short", locale=babel_locale(locale))


def format_datetime(value: datetime, locale: str) -> str:
    """Return a moment as the locale joins a medium date and a short time: ``Dec 13, 2026, 2:05 PM``."""
    place = babel_locale(locale)
    joined = str(babel_dates.get_datetime_format("medium", locale=place)).replace("'", "")
    return joined.replace("{1}", format_date(value, locale)).replace("{0}", format_time(value, locale))
