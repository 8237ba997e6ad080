"""Stored FX rates: the latest of each pair as of a date, a usable rate between two currencies,
and the rate book that converts documents at the rate of their own date."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Max

from openar.core.money import Rate, cross_rate
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


class RateBook:
    """Historical rates to convert documents into their entity's functional currency."""

    def __init__(self) -> None:
        self.series: dict[tuple[str, str], tuple[list[dt.date], list[Decimal]]] = {}
        grouped: dict[tuple[str, str], list[tuple[dt.date, Decimal]]] = defaultdict(list)
        for d, f, t, r in (
            FxRate.objects.order_by("date")
            .values_list("date", "from_currency", "to_currency", "rate")
            .iterator(chunk_size=10000)
        ):
            grouped[(f, t)].append((d, r))
        for pair, points in grouped.items():
            self.series[pair] = ([p[0] for p in points], [p[1] for p in points])

    def _leg(self, a: str, b: str, on: dt.date) -> tuple[Decimal, dt.date] | None:
        for pair, invert in (((a, b), False), ((b, a), True)):
            series = self.series.get(pair)
            if series is None:
                continue
            i = bisect.bisect_right(series[0], on) - 1
            if i >= 0:
                rate = series[1][i]
                return (Decimal(1) / rate if invert else rate), series[0][i]
        return None

    def rate(self, a: str, b: str, on: dt.date) -> tuple[Decimal, dt.date] | None:
        if a == b:
            return Decimal(1), on
        direct = self._leg(a, b, on)
        if direct is not None:
            return direct
        for pivot in ("USD", "EUR"):
            if pivot in (a, b):
                continue
            one, two = self._leg(a, pivot, on), self._leg(pivot, b, on)
            if one and two:
                return one[0] * two[0], min(one[1], two[1])
        return None
