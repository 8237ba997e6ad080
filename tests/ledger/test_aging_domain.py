"""Aging arithmetic without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openar.core.errors import ValidationError
from openar.ledger.domain import (
    bucket_index,
    converted_buckets,
    converted_total,
    make_buckets,
    open_amount_as_of,
    parse_bucket_bounds,
)

AS_OF = dt.date(2026, 6, 30)
BUCKETS = make_buckets((30, 60, 90, 120))


def test_default_bucket_names():
    assert [b.name for b in BUCKETS] == ["current", "1-30", "31-60", "61-90", "91-120", "120+"]


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (dt.date(2026, 7, 15), "current"),
        (AS_OF, "current"),  # due on the as-of date is current
        (dt.date(2026, 6, 29), "1-30"),
        (dt.date(2026, 5, 31), "1-30"),
        (dt.date(2026, 5, 30), "31-60"),
        (dt.date(2026, 3, 1), "120+"),  # 121 days
        (dt.date(2026, 3, 2), "91-120"),  # 120 days
        (dt.date(2026, 4, 1), "61-90"),  # 90 days
    ],
)
def test_bucket_boundaries(due, expected):
    assert BUCKETS[bucket_index(due, AS_OF, BUCKETS)].name == expected


@given(st.integers(min_value=-400, max_value=4000))
def test_every_day_count_falls_in_exactly_one_bucket(days):
    due = AS_OF - dt.timedelta(days=days)
    assert sum(b.contains((AS_OF - due).days) for b in BUCKETS) == 1


def test_custom_bounds_and_bad_bounds():
    assert [b.name for b in make_buckets(parse_bucket_bounds("15,45"))] == [
        "current", "1-15", "16-45", "45+",
    ]  # fmt: skip
    for bad in ("30,30", "0,30", "a,b", "60,30"):
        with pytest.raises(ValidationError):
            parse_bucket_bounds(bad)


def test_open_amount_rolls_back_later_cash():
    d = Decimal
    # Still open: today's open amount plus what was applied after as_of.
    assert open_amount_as_of(amount=d(100), open_amount=d(20), cleared_date=None,
                             applied_through_as_of=d(50), applied_after_as_of=d(30),
                             as_of=AS_OF) == d(50)  # fmt: skip
    # Cleared after as_of: amount less what was applied by then.
    assert open_amount_as_of(amount=d(100), open_amount=d(0), cleared_date=dt.date(2026, 7, 5),
                             applied_through_as_of=d(40), applied_after_as_of=d(60),
                             as_of=AS_OF) == d(60)  # fmt: skip
    # Cleared by as_of: not open.
    assert open_amount_as_of(amount=d(100), open_amount=d(0), cleared_date=AS_OF,
                             applied_through_as_of=d(100), applied_after_as_of=d(0),
                             as_of=AS_OF) == d(0)  # fmt: skip


def test_converted_total_rounds_once_per_currency():
    factors = {"EUR": Decimal("1.5"), "USD": Decimal(1)}
    # Two documents of 0.01 EUR are 0.015 USD each: rounded one by one they would make 0.04,
    # rounded once as a currency they make 0.03, whichever rows they were shown in.
    assert converted_total({"EUR": Decimal("0.02"), "USD": Decimal("1.00")}, factors, "USD") == (
        Decimal("1.03")
    )
    assert converted_total({}, factors, "JPY") == Decimal(0)
    assert str(converted_total({"EUR": Decimal("0.02")}, factors, "USD")) == "0.03"


def test_converted_buckets_single_and_several_currencies():
    names = ["current", "1-30"]
    factors = {"EUR": Decimal("1.5"), "USD": Decimal(1)}
    one = converted_buckets({"EUR": [Decimal("0.01"), Decimal("0.01")]}, factors, names, "USD")
    assert one == ({"current": Decimal("0.02"), "1-30": Decimal("0.02")}, Decimal("0.03"))
    several = converted_buckets(
        {"EUR": [Decimal("0.01"), Decimal("0.01")], "USD": [Decimal("2"), Decimal(0)]},
        factors,
        names,
        "USD",
    )
    assert several == ({"current": Decimal("2.02"), "1-30": Decimal("0.02")}, Decimal("2.03"))
