"""Amounts, dates and times in each supported locale, from Decimal, through Babel."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from common.formats import (
    DEFAULT_LOCALE,
    PortalLocale,
    format_amount,
    format_date,
    format_datetime,
    format_number,
    format_time,
)

NBSP = "\u00a0"
NNBSP = "\u202f"

# locale: (1234.56 with "$", -1234.56 with "€", 0 with "$", 1234.56 without a symbol, 2026-12-13)
EXPECTED: dict[str, tuple[str, str, str, str, str]] = {
    "en-US": ("$1,234.56", "-€1,234.56", "$0.00", "1,234.56", "Dec 13, 2026"),
    "es-US": ("$1,234.56", "-€1,234.56", "$0.00", "1,234.56", "13 dic 2026"),
    "en-CA": ("$1,234.56", "-€1,234.56", "$0.00", "1,234.56", "Dec 13, 2026"),
    "fr-CA": (
        f"1{NBSP}234,56{NBSP}$",
        f"-1{NBSP}234,56{NBSP}€",
        f"0,00{NBSP}$",
        f"1{NBSP}234,56",
        "13 déc. 2026",
    ),
    "es-MX": ("$1,234.56", "-€1,234.56", "$0.00", "1,234.56", "13 dic 2026"),
    "en-GB": ("$1,234.56", "-€1,234.56", "$0.00", "1,234.56", "13 Dec 2026"),
    "en-IE": ("$1,234.56", "-€1,234.56", "$0.00", "1,234.56", "13 Dec 2026"),
    "en-AU": ("$1,234.56", "-€1,234.56", "$0.00", "1,234.56", "13 Dec 2026"),
    "de-DE": (f"1.234,56{NBSP}$", f"-1.234,56{NBSP}€", f"0,00{NBSP}$", "1.234,56", "13.12.2026"),
    "fr-FR": (
        f"1{NNBSP}234,56{NBSP}$",
        f"-1{NNBSP}234,56{NBSP}€",
        f"0,00{NBSP}$",
        f"1{NNBSP}234,56",
        "13 déc. 2026",
    ),
}


def test_every_supported_locale_is_covered() -> None:
    assert set(EXPECTED) == {code.value for code in PortalLocale}
    assert DEFAULT_LOCALE == "en-US"


@pytest.mark.parametrize("locale", sorted(EXPECTED))
def test_amounts_and_dates_in_each_locale(locale: str) -> None:
    positive, negative, zero, bare, day = EXPECTED[locale]
    assert format_amount(Decimal("1234.56"), "$", locale) == positive
    assert format_amount(Decimal("-1234.56"), "€", locale) == negative
    assert format_amount(Decimal("0"), "$", locale) == zero
    assert format_amount(Decimal("-0.00"), "$", locale) == zero  # never a negative zero
    assert format_amount(Decimal("1234.56"), "", locale) == bare
    assert format_amount(Decimal("-1234.56"), "", locale) == f"-{bare}"
    assert format_amount(0, "", locale) == zero.replace("$", "").strip(NBSP)
    assert format_date(date(2026, 12, 13), locale) == day
    assert format_date(datetime(2026, 12, 13, 23, 59, tzinfo=UTC), locale) == day


def test_the_symbol_is_used_as_given() -> None:
    # Babel would make "USD" into "US$" or "$ US"; the profile's symbol is shown as typed.
    assert format_amount(Decimal("5"), "USD", "en-GB") == f"USD{NBSP}5.00"
    assert format_amount(Decimal("5"), "USD", "fr-CA") == f"5,00{NBSP}USD"
    assert format_amount(Decimal("5"), "£", "en-GB") == "£5.00"
    assert format_amount(Decimal("-5"), "CHF", "en-US") == f"-CHF{NBSP}5.00"
    assert format_amount(Decimal("5"), "R$", "en-US") == "R$5.00"


def test_amounts_are_exact_decimals_and_floats_are_refused() -> None:
    assert format_amount(Decimal("0.10") + Decimal("0.20"), "$", "en-US") == "$0.30"
    assert format_amount(Decimal("19999999999.99"), "$", "en-US") == "$19,999,999,999.99"
    assert format_amount("84.2", "$", "en-US") == "$84.20"
    for value in (0.1, True):
        with pytest.raises(TypeError, match="amounts are Decimal"):
            format_amount(value, "$", "en-US")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="amounts are Decimal"):
        format_number(1.5, "en-US")  # type: ignore[arg-type]


def test_times_and_moments() -> None:
    moment = datetime(2026, 12, 13, 14, 5, 30, tzinfo=UTC)
    assert format_time(time(14, 5), "en-US") == f"2:05{NNBSP}PM"
    assert format_datetime(moment, "en-US") == f"Dec 13, 2026, 2:05{NNBSP}PM"
    assert format_datetime(moment, "en-GB") == "13 Dec 2026, 14:05"
    assert format_datetime(moment, "de-DE") == "13.12.2026, 14:05"
    assert format_datetime(moment, "fr-CA") == "13 déc. 2026, 14 h 05"


def test_quantities_use_the_locale_grouping() -> None:
    assert format_number(Decimal("1000.5"), "en-US") == "1,000.5"
    assert format_number(1000, "de-DE") == "1.000"


def test_an_unsupported_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="xx-YY"):
        format_date(date(2026, 1, 1), "xx-YY")
