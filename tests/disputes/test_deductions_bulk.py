"""disputes.services.deductions_open_bulk: the deductions a matching run opens."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.core.errors import ValidationError
from openar.core.models import AuditEvent
from openar.disputes.models import Deduction
from openar.disputes.services import deductions_open_bulk
from tests.factories import CustomerFactory, DocumentFactory, ReceiptFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 30)


def test_opens_each_deduction_with_its_audit_event():
    doc = DocumentFactory(amount=Decimal("100.00"))
    receipt = ReceiptFactory(amount=Decimal("98.00"))
    specs = [
        {
            "customer_id": doc.customer_id, "document_id": doc.pk, "receipt_id": receipt.pk,
            "amount": Decimal("2.00"), "currency": "USD", "opened_on": DAY,
            "reason": "bank charges / FX difference",
        },
        {
            "customer_id": CustomerFactory().pk, "amount": Decimal("5.50"), "currency": "USD",
            "opened_on": DAY, "reason": "short payment",
        },
    ]  # fmt: skip
    assert deductions_open_bulk(deductions=specs, actor="matcher") == 2
    first = Deduction.objects.get(document=doc)
    assert (first.receipt, first.amount, first.status) == (receipt, Decimal("2.00"), "open")
    events = AuditEvent.objects.filter(action="deduction.open").order_by("id")
    assert [(e.actor_label, e.after["amount"], e.after["reason"]) for e in events] == [
        ("matcher", "2.00", "bank charges / FX difference"),
        ("matcher", "5.50", "short payment"),
    ]
    assert deductions_open_bulk(deductions=[], actor="matcher") == 0


def test_a_non_positive_amount_opens_nothing():
    customer = CustomerFactory()
    good = {"customer_id": customer.pk, "amount": Decimal("1.00"), "currency": "USD",
            "opened_on": DAY, "reason": "short payment"}  # fmt: skip
    with pytest.raises(ValidationError, match="must be positive"):
        deductions_open_bulk(deductions=[good, {**good, "amount": Decimal("0")}], actor="x")
    assert not Deduction.objects.exists()
    assert not AuditEvent.objects.filter(action="deduction.open").exists()
