"""Historical FX rates, looked up by date, to convert documents into their entity's functional
currency while they load."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from openar.ledger.models import FxRate


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
