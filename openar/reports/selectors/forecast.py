"""The cash forecast: expected collections per week for the next weeks, from open promises, the
risk model's predicted payment dates and, failing both, the due dates.

Each open item is expected once: an account's open promises come first (taken from its
earliest-due items), the rest of each item on its predicted payment date, else on its due date.
Items in dispute are left out, and so are items more than 90 days past due without a prediction
(reported as ``not_forecast``): they are not expected to pay on their own."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F

from openar.activity.choices import PromiseStatus
from openar.activity.models import PromiseToPay
from openar.core.money import ZERO, cross_rate, format_amount, quantize
from openar.ledger.models import Document
from openar.ledger.selectors import latest_rates
from openar.reports.selectors.kpis import Scope
from openar.risk.models import ItemPrediction

SOURCES = ("promised", "predicted", "due")
STALE_DAYS = 90  # past due beyond this without a prediction: not forecast


@dataclass
class ForecastWeek:
    start: dt.date
    end: dt.date
    amounts: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(SOURCES, ZERO))

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)


@dataclass
class Forecast:
    as_of: dt.date
    currency: str
    weeks: list[ForecastWeek]
    later: Decimal = ZERO  # expected after the last week
    not_forecast: Decimal = ZERO

    def as_dict(self) -> dict[str, Any]:
        cur = self.currency
        return {
            "as_of": self.as_of.isoformat(),
            "currency": cur,
            "weeks": [
                {
                    "start": w.start.isoformat(),
                    "end": w.end.isoformat(),
                    **{k: format_amount(v, cur) for k, v in w.amounts.items()},
                    "total": format_amount(w.total, cur),
                }
                for w in self.weeks
            ],
            "total": format_amount(sum((w.total for w in self.weeks), ZERO), cur),
            "later": format_amount(self.later, cur),
            "not_forecast": format_amount(self.not_forecast, cur),
        }


def cash_forecast(*, as_of: dt.date, weeks: int = 13, scope: Scope | None = None) -> Forecast:
    """Expected collections in each of the ``weeks`` weeks after ``as_of`` (week 1 is
    ``as_of`` + 1 to + 7), in the reporting currency at the as-of date's rates."""
    scope = scope or Scope()
    currency = settings.OPENAR_REPORTING_CURRENCY
    rates = latest_rates(as_of)
    in_scope = scope.customer_filter("customer__")
    out = Forecast(
        as_of=as_of,
        currency=currency,
        weeks=[
            ForecastWeek(
                start=as_of + dt.timedelta(days=7 * i + 1),
                end=as_of + dt.timedelta(days=7 * i + 7),
            )
            for i in range(weeks)
        ],
    )

    def add(day: dt.date, source: str, amount: Decimal, cur: str) -> None:
        rate = cross_rate(cur, currency, rates)
        if rate is None or amount <= 0:
            return
        value = quantize(amount * rate.rate, currency)
        index = max(0, (day - as_of).days - 1) // 7
        if index < weeks:
            out.weeks[index].amounts[source] += value
        else:
            out.later += value

    docs = list(
        Document.objects.filter(
            in_scope,
            cleared_date__isnull=True,
            open_amount__gt=0,
            document_date__lte=as_of,
            disputed=False,
        )
        .order_by("customer_id", "due_date", "id")
        .values_list("id", "customer_id", "currency", "open_amount", "due_date")
    )
    predicted = (
        dict(
            ItemPrediction.objects.filter(document_id__in=[d[0] for d in docs]).values_list(
                "document_id", "predicted_pay_date"
            )
        )
        if len(docs) <= 20000
        else dict(
            ItemPrediction.objects.filter(in_scope).values_list("document_id", "predicted_pay_date")
        )
    )
    promised: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for cid, cur, left, day in (
        PromiseToPay.objects.filter(in_scope, status=PromiseStatus.OPEN)
        .annotate(left=F("amount") - F("received_amount"))
        .values_list("customer_id", "currency", "left", "promised_date")
    ):
        if left > 0:
            add(max(day, as_of + dt.timedelta(days=1)), "promised", left, cur)
            promised[(cid, cur)] += left
    for doc_id, cid, cur, amount, due in docs:
        covered = min(promised.get((cid, cur), ZERO), amount)
        if covered:
            promised[(cid, cur)] -= covered
            amount -= covered
        if amount <= 0:
            continue
        pay_day = predicted.get(doc_id)
        if pay_day is not None:
            add(pay_day, "predicted", amount, cur)
        elif (as_of - due).days > STALE_DAYS:
            rate = cross_rate(cur, currency, rates)
            if rate is not None:
                out.not_forecast += quantize(amount * rate.rate, currency)
        else:
            add(due, "due", amount, cur)
    return out
