"""Productivity per collector and day: calls vs target, accounts touched, promises, cash."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from openar.activity.models import ContactLog, PromiseToPay
from openar.worklist.models import CollectorProfile
from openar.worklist.selectors import productivity
from tests.factories import ApplicationFactory, FxRateFactory, ReceiptFactory
from tests.worklist.conftest import AS_OF


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def test_productivity_counts_the_day_only(team):
    ana = team["ana"]
    a1, a2, b1 = team["accounts"]["A1"], team["accounts"]["A2"], team["accounts"]["B1"]
    CollectorProfile.objects.create(user=ana, daily_target=4)
    for customer, hour, channel in ((a1, 9, "call"), (a1, 11, "call"), (a2, 10, "email")):
        ContactLog.objects.create(
            customer=customer, user=ana, channel=channel, outcome="reached",
            contacted_at=_at(AS_OF, hour),
        )  # fmt: skip
    ContactLog.objects.create(  # the day before: not counted
        customer=a2, user=ana, channel="call", outcome="reached",
        contacted_at=_at(AS_OF - dt.timedelta(days=1), 15),
    )  # fmt: skip
    PromiseToPay.objects.create(
        customer=a1, amount=Decimal("1000.00"), currency="USD", promised_date=AS_OF,
        taken_on=AS_OF, taken_by=ana,
    )  # fmt: skip
    PromiseToPay.objects.create(
        customer=a2, amount=Decimal("200.00"), currency="EUR", promised_date=AS_OF,
        taken_on=AS_OF, taken_by=ana,
    )  # fmt: skip
    FxRateFactory(date=AS_OF, from_currency="EUR", to_currency="USD", rate=Decimal("1.1"))
    # Cash applied on the day to ana's documents; ben's on another day.
    doc = a1.documents.get()
    ApplicationFactory(
        receipt=ReceiptFactory(customer=a1, amount=Decimal("500.00")),
        document=doc,
        amount=Decimal("500.00"),
        applied_date=AS_OF,
    )
    ApplicationFactory(
        receipt=ReceiptFactory(customer=b1, amount=Decimal("100.00")),
        document=b1.documents.get(),
        amount=Decimal("100.00"),
        applied_date=AS_OF - dt.timedelta(days=2),
    )

    rows = {r.collector.username: r for r in productivity(day=AS_OF)}
    a = rows["ana"]
    assert (a.calls, a.daily_target, a.accounts_touched, a.promises) == (2, 4, 2, 2)
    assert a.calls_vs_target == 0.5
    assert a.promised_amount == Decimal("1220.00")  # 1000 USD + 200 EUR at 1.1
    assert a.collected_amount == Decimal("500.00")
    b = rows["ben"]
    assert (b.calls, b.accounts_touched, b.promises, b.collected_amount) == (0, 0, 0, 0)
    assert a.as_dict()["promised_amount"] == "1220.00"
