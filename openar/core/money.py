"""Money rules: Decimal only, one currency per amount, quantized to the currency's minor units.

Minor units are those of ISO 4217 (the public list of active currency codes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from openar.core.errors import ValidationError

# ISO 4217 active codes and their minor units (number of decimals).
_MINOR_UNITS_3 = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}
_MINOR_UNITS_0 = {
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
    "VND", "VUV", "XAF", "XOF", "XPF",
}  # fmt: skip
_MINOR_UNITS_4 = {"CLF", "UYW"}
_MINOR_UNITS_2 = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF",
    "CHE", "CHF", "CHW", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD",
    "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR", "KPW",
    "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT",
    "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK",
    "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR",
    "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
    "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "USN", "UYU",
    "UZS", "VED", "VES", "WST", "XCD", "XCG", "YER", "ZAR", "ZMW", "ZWG",
}  # fmt: skip

MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(_MINOR_UNITS_2, 2),
    **dict.fromkeys(_MINOR_UNITS_0, 0),
    **dict.fromkeys(_MINOR_UNITS_3, 3),
    **dict.fromkeys(_MINOR_UNITS_4, 4),
}

# Stored amounts keep four decimals so every ISO currency fits; values are quantized per currency.
AMOUNT_MAX_DIGITS = 20
AMOUNT_DECIMAL_PLACES = 4
RATE_MAX_DIGITS = 24
RATE_DECIMAL_PLACES = 10

ZERO = Decimal(0)
_EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(5)}


def is_currency(code: str) -> bool:
    return code in MINOR_UNITS


def minor_units(currency: str) -> int:
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise ValidationError(
            f"unknown currency {currency!r} (expected an ISO 4217 code such as USD)",
            code="unknown_currency",
            field="currency",
        ) from None


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor units (used for conversions, never to 'fix' sums)."""
    return amount.quantize(_EXPONENTS[minor_units(currency)], rounding=ROUND_HALF_UP)


def decimals_of(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def check_scale(amount: Decimal, currency: str) -> None:
    """Refuse an amount with more decimals than the currency allows (no silent rounding)."""
    places = minor_units(currency)
    normalized = amount.normalize() if amount else amount
    if decimals_of(normalized) > places:
        raise ValidationError(
            f"{amount} has more decimals than {currency} allows ({places})",
            code="too_many_decimals",
        )


def parse_decimal(text: str, *, decimal_comma: bool | None = None) -> Decimal:
    """Parse an amount as ERPs print it: '1234.56', '-1,234.56', '1.234,56', '100.00-', '(12.00)'.

    ``decimal_comma``: True for '1.234,56' style, False for '1,234.56', None to infer
    (when both separators appear, the last one is the decimal mark; a lone comma is a decimal mark
    only when it is not followed by exactly three digits).
    """
    raw = text.strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not raw:
        raise ValueError("empty amount")
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        negative, raw = True, raw[1:-1]
    if raw.endswith("-"):
        negative, raw = not negative, raw[:-1]
    if raw.startswith("-"):
        negative, raw = not negative, raw[1:]
    elif raw.startswith("+"):
        raw = raw[1:]
    if "," in raw:
        if decimal_comma is None:
            if "." in raw:
                decimal_comma = raw.rfind(",") > raw.rfind(".")
            else:
                head, _, tail = raw.rpartition(",")
                decimal_comma = not (len(tail) == 3 and head.replace(",", "").isdigit())
        raw = raw.replace(".", "").replace(",", ".") if decimal_comma else raw.replace(",", "")
    elif decimal_comma and raw.count(".") >= 1:
        raw = raw.replace(".", "")
    if not raw or not all(ch.isdigit() or ch == "." for ch in raw) or raw.count(".") > 1:
        raise ValueError(f"{text!r} is not a number")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    return -value if negative else value


def format_amount(amount: Decimal, currency: str) -> str:
    """Plain decimal string with exactly the currency's decimals, as used in files and JSON."""
    return f"{quantize(amount, currency):f}"


@dataclass(frozen=True, slots=True)
class Money:
    """An immutable amount in one currency; adding two currencies is an error, not a guess."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal")
        minor_units(self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValidationError(
                f"cannot combine {self.currency} and {other.currency}", code="currency_mismatch"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def quantized(self) -> Money:
        return Money(quantize(self.amount, self.currency), self.currency)

    def __str__(self) -> str:
        return f"{format_amount(self.amount, self.currency)} {self.currency}"


@dataclass(frozen=True, slots=True)
class Rate:
    rate: Decimal
    date: dt.date


def cross_rate(
    from_currency: str,
    to_currency: str,
    rates: Mapping[tuple[str, str], Rate],
    pivots: Iterable[str] = ("USD", "EUR"),
) -> Rate | None:
    """Rate from one currency to another using direct, inverse or one-pivot rates.

    ``rates`` holds the latest known rate per (from, to) pair; the rate date reported is the older
    of the two legs when a pivot is used."""
    if from_currency == to_currency:
        return Rate(Decimal(1), dt.date.min)

    def leg(a: str, b: str) -> Rate | None:
        if (a, b) in rates:
            return rates[(a, b)]
        if (b, a) in rates:
            inverse = rates[(b, a)]
            return Rate(Decimal(1) / inverse.rate, inverse.date)
        return None

    direct = leg(from_currency, to_currency)
    if direct is not None:
        return direct
    for pivot in pivots:
        if pivot in (from_currency, to_currency):
            continue
        first, second = leg(from_currency, pivot), leg(pivot, to_currency)
        if first is not None and second is not None:
            return Rate(first.rate * second.rate, min(first.date, second.date))
    return None


# --------------------------------------------------------------------------- FX postings
# A receipt taken in another currency than the document's clears it when, at the stored rate
# of the day, it comes within this share of what the document clears (one minor unit at
# least); what is left between the two is the FX difference of the application.
FX_TOLERANCE = Decimal("0.01")


def fx_terms(
    *, amount: Decimal, receipt_amount: Decimal, rate: Decimal, currency: str
) -> tuple[Decimal, Decimal]:
    """(the receipt amount in the document's ``currency`` at ``rate``, the FX difference):
    what the document clears (``amount``) beyond the converted receipt, < 0 when short."""
    converted = quantize(receipt_amount * rate, currency)
    return converted, amount - converted


def fx_within(
    difference: Decimal, converted: Decimal, currency: str, tolerance: Decimal = FX_TOLERANCE
) -> bool:
    """Whether an FX difference is within the tolerance of the converted amount."""
    unit = Decimal(1).scaleb(-minor_units(currency))
    return abs(difference) <= max(abs(converted) * tolerance, unit)
