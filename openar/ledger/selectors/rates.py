"""Stored FX rates as of a date: the latest of each pair, and a usable rate between two
currencies."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Max,
)

from openar.core.money import (
    Rate,
    cross_rate,
)
from openar.ledger.models import FxRate


def latest_rates(as_of: dt.date) -> dict[tuple[str, str], Rate]:
    """The latest stored rate on or before ``as_of`` for every currency pair."""
    latest = (
        FxRate.objects.filter(date__lte=as_of)
        .values("from_currency", "to_currency")
        .annotate(max_date=Max("date"))
    )
    wanted = {(r["from_currency"], r["to_currency"], r["max_date"]) for r in latest}
    if not wanted:
        return {}
    dates = {d for _, _, d in wanted}
    result: dict[tuple[str, str], Rate] = {}
    for rate in FxRate.objects.filter(date__in=dates).only(
        "from_currency", "to_currency", "date", "rate"
    ):
        if (rate.from_currency, rate.to_currency, rate.date) in wanted:
            result[(rate.from_currency, rate.to_currency)] = Rate(rate.rate, rate.date)
    return result


def fx_rate(from_currency: str, to_currency: str, as_of: dt.date) -> Rate | None:
    """Latest usable rate (direct, inverse, or through USD/EUR) on or before ``as_of``."""
    return cross_rate(from_currency, to_currency, latest_rates(as_of))
