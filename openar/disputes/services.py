"""Writes to disputes: deductions opened by cash application (a customer paid short)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from openar.core.audit import audit_record, audit_record_many
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


@transaction.atomic
def deductions_open_bulk(*, deductions: Iterable[Mapping[str, Any]], actor: Any) -> int:
    """Open many deductions at once (a matching run that finds short payments): each mapping
    has ``customer_id``, ``amount``, ``currency``, ``opened_on``, ``reason`` and optional
    ``document_id`` and ``receipt_id``. One audit event per deduction; returns how many."""
    rows = []
    for spec in deductions:
        if spec["amount"] <= 0:
            raise ValidationError("a deduction amount must be positive", field="amount")
        rows.append(
            Deduction(
                customer_id=spec["customer_id"],
                document_id=spec.get("document_id"),
                receipt_id=spec.get("receipt_id"),
                amount=spec["amount"],
                currency=spec["currency"],
                opened_on=spec["opened_on"],
                reason=str(spec["reason"])[:200],
            )
        )
    if not rows:
        return 0
    created = Deduction.objects.bulk_create(rows, batch_size=2000)
    audit_record_many(
        actor=actor,
        events=(
            {
                "action": "deduction.open",
                "object_type": "deduction",
                "object_id": d.pk or "",
                "summary": (
                    f"customer {d.customer_id} {format_amount(d.amount, d.currency)} "
                    f"{d.currency}: {d.reason}"
                ),
                "after": {
                    "customer_id": d.customer_id,
                    "document_id": d.document_id,
                    "receipt_id": d.receipt_id,
                    "amount": format_amount(d.amount, d.currency),
                    "currency": d.currency,
                    "reason": d.reason,
                },
            }
            for d in created
        ),
    )
    return len(created)


@transaction.atomic
def disputes_data_reset(*, actor: Any) -> int:
    """Delete every deduction (``demo-data --reset`` clears cash application and the ledger
    under it); returns how many were removed."""
    removed, _ = Deduction.objects.all().delete()
    audit_record(actor=actor, action="disputes.reset", summary=f"{removed} deductions removed")
    return removed
