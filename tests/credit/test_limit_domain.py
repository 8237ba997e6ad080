"""Which limit is in force on a date: pure rules, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from openar.core.money import Rate
from openar.credit.domain import LimitRow, available_credit, convert, limit_in_force

JUNE = dt.date(2026, 6, 1)


def row(seq, amount, kind="permanent", starts=JUNE, ends=None):
    return LimitRow(seq, D(amount), "USD", kind, starts, ends)


def test_the_latest_permanent_limit_begun_is_in_force():
    rows = [row(0, "1000"), row(1, "2000", starts=dt.date(2026, 7, 1))]
    assert limit_in_force(rows, dt.date(2026, 6, 30)).amount == D("1000")
    assert limit_in_force(rows, dt.date(2026, 7, 1)).amount == D("2000")
    assert limit_in_force(rows, dt.date(2026, 5, 31)) is None


def test_a_temporary_limit_covers_its_days_then_gives_the_permanent_back():
    rows = [row(0, "1000"), row(1, "5000", "temporary", JUNE, dt.date(2026, 6, 30))]
    assert limit_in_force(rows, dt.date(2026, 6, 30)).amount == D("5000")
    assert limit_in_force(rows, dt.date(2026, 7, 1)).amount == D("1000")


def test_a_later_permanent_decision_replaces_a_running_temporary_one():
    rows = [row(0, "5000", "temporary", JUNE, dt.date(2026, 6, 30)), row(1, "800")]
    assert limit_in_force(rows, dt.date(2026, 6, 15)).amount == D("800")


def test_available_credit_and_conversion():
    assert available_credit(None, D("10")) is None
    assert available_credit(D("100"), D("130")) == D("-30")
    rates = {("EUR", "USD"): Rate(D("1.10"), JUNE)}
    total, missing = convert({"USD": D("10.00"), "EUR": D("100.00"), "JPY": D("5")}, "USD", rates)
    assert total == D("120.00") and missing == {"JPY": D("5")}
