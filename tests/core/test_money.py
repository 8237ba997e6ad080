"""Money rules without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.core.errors import ValidationError
from openar.core.money import (
    Money,
    Rate,
    check_scale,
    cross_rate,
    format_amount,
    parse_decimal,
    quantize,
)


def test_money_refuses_to_mix_currencies():
    assert Money(Decimal("1.10"), "USD") + Money(Decimal("2.25"), "USD") == Money(
        Decimal("3.35"), "USD"
    )
    with pytest.raises(ValidationError, match="cannot combine USD and MXN"):
        Money(Decimal("1"), "USD") + Money(Decimal("1"), "MXN")
    with pytest.raises(TypeError):
        Money(1.1, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,234.56", "1234.56"), ("1.234,56", "1234.56"), ("100.00-", "-100.00"),
     ("(12.00)", "-12.00"), ("1,234", "1234"), ("12,5", "12.5")],
)  # fmt: skip
def test_parse_erp_amounts(text, value):
    assert parse_decimal(text) == Decimal(value)


def test_quantize_and_scale_per_currency():
    assert format_amount(Decimal("2"), "JPY") == "2"
    assert format_amount(Decimal("2.5"), "KWD") == "2.500"
    assert quantize(Decimal("0.125"), "USD") == Decimal("0.13")
    check_scale(Decimal("1.500"), "USD")  # trailing zeros are not extra decimals
    with pytest.raises(ValidationError, match="more decimals than JPY allows"):
        check_scale(Decimal("1.5"), "JPY")


def test_cross_rates():
    rates = {
        ("MXN", "USD"): Rate(Decimal("0.05"), dt.date(2026, 6, 30)),
        ("USD", "CRC"): Rate(Decimal("500"), dt.date(2026, 6, 1)),
    }
    assert cross_rate("MXN", "USD", rates).rate == Decimal("0.05")
    assert cross_rate("USD", "MXN", rates).rate == Decimal(1) / Decimal("0.05")
    via = cross_rate("MXN", "CRC", rates)
    assert via.rate == Decimal("25.00") and via.date == dt.date(2026, 6, 1)
    assert cross_rate("PHP", "USD", rates) is None
