"""The arithmetic of reporting: KPI formulas and the snapshot retention. No ORM, no I/O.

Every formula is written out in docs/reports.md with the same names."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

# Per-account snapshot rows: every day for this many days back from the newest, then Sundays
# for 13 weeks, then month ends. The portfolio rows are kept every day.
CUSTOMER_DAILY_DAYS = 35
CUSTOMER_WEEKLY_DAYS = 91

ZERO = Decimal(0)


def is_month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def keeps_customer_rows(day: dt.date, latest: dt.date) -> bool:
    """Whether the per-account rows of ``day`` are kept when ``latest`` is the newest day."""
    age = (latest - day).days
    if age < CUSTOMER_DAILY_DAYS or is_month_end(day):
        return True
    return age < CUSTOMER_WEEKLY_DAYS and day.weekday() == 6


def months_back(as_of: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when shorter)."""
    year, month = divmod(as_of.year * 12 + as_of.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(as_of.day, calendar.monthrange(year, month)[1]))


def countback_periods(as_of: dt.date, months: int = 24) -> list[tuple[dt.date, dt.date]]:
    """Monthly periods ``(start, end]`` going back from ``as_of``, newest first."""
    ends = [months_back(as_of, i) for i in range(months + 1)]
    return [(ends[i + 1], ends[i]) for i in range(months)]


def dso_simple(receivables: Decimal, sales: Decimal, days: int) -> Decimal | None:
    """Open receivables ÷ amount invoiced over the period x the period's days."""
    if sales <= 0:
        return None
    return receivables / sales * days


def dso_countback(receivables: Decimal, periods: Sequence[tuple[int, Decimal]]) -> Decimal | None:
    """Days of the most recent sales it takes to make up the receivables: whole periods
    (``(days, sales)``, newest first) while their sales fit, then the fraction of the next.
    None without any sales; when the periods run out, the days counted so far."""
    if not any(sales > 0 for _, sales in periods):
        return None
    remaining = receivables
    days_counted = ZERO
    for days, sales in periods:
        if remaining <= 0:
            break
        if sales <= 0 or sales <= remaining:
            remaining -= max(sales, ZERO)
            days_counted += days
        else:
            days_counted += Decimal(days) * remaining / sales
            remaining = ZERO
    return days_counted


def cei(
    *, begin: Decimal, sales: Decimal, end_total: Decimal, end_current: Decimal
) -> Decimal | None:
    """Collection effectiveness index as a fraction: (begin + sales - end total) ÷
    (begin + sales - end current)."""
    collectible = begin + sales - end_current
    if collectible <= 0:
        return None
    return (begin + sales - end_total) / collectible


def fraction(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return part / whole


def rounded(value: Decimal | None, places: int) -> float | None:
    """A figure for JSON: days to one decimal, fractions to four."""
    if value is None:
        return None
    return float(value.quantize(Decimal(1).scaleb(-places)))
