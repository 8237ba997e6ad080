"""A small fixed portfolio whose KPIs are worked out by hand in test_kpis.py.

On 2026-06-30, over the 90 days after 2026-04-01 (sales dated 2026-04-02..2026-06-30):

  acct doc dated      due         amount what happened            open 04-01 / 06-30
  A    A1  2026-03-01 2026-03-31  1000   600 applied 2026-05-10   1000 (1 dpd) / 400 (91 dpd)
  A    A2  2026-05-15 2026-06-14  2000   -                        -    / 2000 (16 dpd)
  A    A3  2026-06-20 2026-07-20  1500   -                        -    / 1500 (current)
  B    B1  2026-04-10 2026-05-10  3000   paid 2026-06-05          -    / 0
  B    B2  2026-06-01 2026-07-01  500    disputed from 06-10      -    / 500 (current)
  B    B3  2026-01-10 2026-02-09  300    -                        300 (51 dpd) / 300 (141 dpd)

Receipts: 600 (A, 05-10), 3000 (B, 06-05), 250 (A, 06-25, not applied).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.activity.models import ContactLog, PromiseToPay
from openar.credit.models import CreditHold
from openar.disputes.models import DisputeCase, DisputeItem, ReasonCode
from tests.factories import (
    ApplicationFactory,
    CustomerFactory,
    DocumentFactory,
    EntityFactory,
    ReceiptFactory,
    UserFactory,
)

D = dt.date


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@pytest.fixture
def portfolio(db):
    us = EntityFactory(code="US01", currency="USD")
    ana = UserFactory(username="ana", first_name="Ana", last_name="Ruiz", roles=["collector"])
    bob = UserFactory(username="bob", first_name="Bob", last_name="Lee", roles=["collector"])
    a = CustomerFactory(customer_ref="A", name="Acme", entity=us, collector=ana, segment="retail")
    b = CustomerFactory(
        customer_ref="B", name="Bolt", entity=us, collector=bob, segment="wholesale"
    )
    docs = {}
    for ref, cust, dated, due, amount in [
        ("A1", a, D(2026, 3, 1), D(2026, 3, 31), "1000"),
        ("A2", a, D(2026, 5, 15), D(2026, 6, 14), "2000"),
        ("A3", a, D(2026, 6, 20), D(2026, 7, 20), "1500"),
        ("B1", b, D(2026, 4, 10), D(2026, 5, 10), "3000"),
        ("B2", b, D(2026, 6, 1), D(2026, 7, 1), "500"),
        ("B3", b, D(2026, 1, 10), D(2026, 2, 9), "300"),
    ]:
        docs[ref] = DocumentFactory(
            customer=cust,
            document_ref=ref,
            document_date=dated,
            due_date=due,
            amount=Decimal(amount),
        )
    a1, b1 = docs["A1"], docs["B1"]
    a1.open_amount = Decimal("400")
    a1.save()
    b1.open_amount, b1.cleared_date = Decimal("0"), D(2026, 6, 5)
    b1.save()
    r1 = ReceiptFactory(entity=us, customer=a, receipt_date=D(2026, 5, 10), amount=Decimal("600"))
    r2 = ReceiptFactory(entity=us, customer=b, receipt_date=D(2026, 6, 5), amount=Decimal("3000"))
    ReceiptFactory(entity=us, customer=a, receipt_date=D(2026, 6, 25), amount=Decimal("250"))
    ApplicationFactory(receipt=r1, document=a1, amount=Decimal("600"), applied_date=D(2026, 5, 10))
    ApplicationFactory(receipt=r2, document=b1, amount=Decimal("3000"), applied_date=D(2026, 6, 5))

    reason = ReasonCode.objects.create(code="price", label="Price")
    open_case = DisputeCase.objects.create(
        customer=b, entity=us, reason=reason, amount=Decimal("500"), currency="USD",
        owner_team="research", opened_on=D(2026, 6, 10), due_on=D(2026, 7, 10),
    )  # fmt: skip
    DisputeItem.objects.create(
        case=open_case, document=docs["B2"], amount=Decimal("500"), currency="USD"
    )
    closed_case = DisputeCase.objects.create(
        customer=a, entity=us, reason=reason, amount=Decimal("100"), currency="USD",
        owner_team="research", opened_on=D(2026, 5, 1), due_on=D(2026, 5, 31), status="closed",
        outcome="write_off", credit_amount=Decimal("80"), resolved_on=D(2026, 5, 21),
        closed_on=D(2026, 5, 21),
    )  # fmt: skip
    DisputeItem.objects.create(case=closed_case, document=a1, amount=Decimal("100"), currency="USD")

    PromiseToPay.objects.create(
        customer=a, amount=Decimal("600"), currency="USD", promised_date=D(2026, 5, 10),
        taken_on=D(2026, 5, 1), status="kept", received_amount=Decimal("600"),
        resolved_on=D(2026, 5, 10),
    )  # fmt: skip
    PromiseToPay.objects.create(
        customer=b, amount=Decimal("300"), currency="USD", promised_date=D(2026, 6, 15),
        taken_on=D(2026, 6, 1), status="broken", received_amount=Decimal("100"),
        resolved_on=D(2026, 6, 20),
    )  # fmt: skip
    PromiseToPay.objects.create(
        customer=a, amount=Decimal("1000"), currency="USD", promised_date=D(2026, 7, 5),
        taken_on=D(2026, 6, 28), status="open",
    )  # fmt: skip
    for day, n in ((D(2026, 6, 29), 3), (D(2026, 6, 30), 1)):
        for i in range(n):
            ContactLog.objects.create(
                customer=a, user=ana, channel="call", outcome="reached",
                contacted_at=_aware(day, 9 + i),
            )  # fmt: skip
    ContactLog.objects.create(
        customer=b,
        user=bob,
        channel="email",
        outcome="reached",
        contacted_at=_aware(D(2026, 6, 29)),
    )
    CreditHold.objects.create(customer=b, reason="past due", placed_at=_aware(D(2026, 6, 15)))
    return {"us": us, "ana": ana, "bob": bob, "a": a, "b": b, "docs": docs}
