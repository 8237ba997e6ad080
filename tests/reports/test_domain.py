"""KPI arithmetic without the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openar.reports import domain


def test_countback_months_are_calendar_months():
    assert domain.countback_periods(dt.date(2026, 3, 31), 2) == [
        (dt.date(2026, 2, 28), dt.date(2026, 3, 31)),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
    ]


def test_dso_countback():
    # 100 open; last month (30 days) sold 60, the one before (31 days) 80: 30 + 31 * 40 / 80.
    assert domain.dso_countback(Decimal(100), [(30, Decimal(60)), (31, Decimal(80))]) == Decimal(
        "45.5"
    )
    assert domain.dso_countback(Decimal(0), [(30, Decimal(60))]) == 0
    assert domain.dso_countback(Decimal(10), [(30, Decimal(0))]) is None


def test_dso_and_cei():
    assert domain.dso_simple(Decimal(50), Decimal(100), 90) == 45
    assert domain.dso_simple(Decimal(50), Decimal(0), 90) is None
    assert domain.cei(
        begin=Decimal(100), sales=Decimal(200), end_total=Decimal(120), end_current=Decimal(80)
    ) == Decimal(180) / Decimal(220)


def test_retention():
    latest = dt.date(2026, 6, 30)
    assert domain.keeps_customer_rows(dt.date(2026, 6, 1), latest)
    assert domain.keeps_customer_rows(dt.date(2026, 4, 5), latest)  # a Sunday within 13 weeks
    assert not domain.keeps_customer_rows(dt.date(2026, 4, 6), latest)
    assert not domain.keeps_customer_rows(dt.date(2026, 3, 8), latest)  # a Sunday, too old
    assert domain.keeps_customer_rows(dt.date(2025, 2, 28), latest)
