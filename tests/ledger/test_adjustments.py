"""An amount written off (or a credit memo netted) is an adjustment row the as-of aging rolls
back like cash: the aging before the day shows what was open then."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from openar.ledger.models import Adjustment
from openar.ledger.selectors import AgingFilters, aging_report, open_balances, open_items_as_of
from openar.ledger.services import document_write_off
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory

pytestmark = pytest.mark.django_db

DAY = BASE_DATE


def test_a_write_off_is_rolled_back_before_its_day():
    cust = CustomerFactory(customer_ref="W1")
    part = DocumentFactory(customer=cust, amount=D("500.00"), due_date=DAY - dt.timedelta(40))
    whole = DocumentFactory(customer=cust, amount=D("200.00"), due_date=DAY - dt.timedelta(40))
    document_write_off(document=part, amount=D("150.00"), on=DAY, reason="small", actor="t",
                       source="credit", ref="write_off:1")  # fmt: skip
    document_write_off(document=whole, amount=D("200.00"), on=DAY, reason="gone", actor="t")
    row = Adjustment.objects.get(document=part)
    assert (row.kind, row.amount, row.source, row.ref) == (
        "write_off",
        D("150.00"),
        "credit",
        "write_off:1",
    )
    filters = AgingFilters(customer_ref="W1")
    before, on = DAY - dt.timedelta(1), DAY
    assert aging_report(as_of=before, filters=filters).total == D("700.00")
    assert aging_report(as_of=on, filters=filters).total == D("350.00")
    assert [i.open_amount for i in open_items_as_of(as_of=before, filters=filters)] == [
        D("500.00"), D("200.00"),
    ]  # fmt: skip
    assert [i.open_amount for i in open_items_as_of(as_of=on, filters=filters)] == [D("350.00")]
    assert open_balances(as_of=before, customer_ids=[cust.pk])[cust.pk] == {"USD": D("700.00")}
