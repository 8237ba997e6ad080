"""Writes to disputes: deductions opened by cash application (a customer paid short)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from openar.core.audit import audit_record
from openar.core.errors import ValidationError
from openar.core.money import format_amount
from openar.disputes.models import Deduction
from openar.ledger.models import Customer, Document, Receipt


@transaction.atomic
def deduction_open(
    *,
    customer: Customer,
    amount: Decimal,
    currency: str,
    opened_on: dt.date,
    reason: str,
    actor: Any,
    document: Document | None = None,
    receipt: Receipt | None = None,
) -> Deduction:
    """Open a deduction for an amount a customer did not pay (research works it)."""
    if amount <= 0:
        raise ValidationError("a deduction amount must be positive", field="amount")
    deduction = Deduction.objects.create(
        customer=customer,
        document=document,
        receipt=receipt,
        amount=amount,
        currency=currency,
        opened_on=opened_on,
        reason=reason[:200],
    )
    audit_record(
        actor=actor,
        action="deduction.open",
        object_type="deduction",
        object_id=deduction.pk,
        summary=f"{customer.customer_ref} {format_amount(amount, currency)} {currency}: {reason}",
        after={
            "customer": customer.customer_ref,
            "document": document.document_ref if document else None,
            "amount": format_amount(amount, currency),
            "currency": currency,
            "reason": reason,
        },
    )
    return deduction
