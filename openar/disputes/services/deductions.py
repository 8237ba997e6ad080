"""Deductions (a customer paid short): opened by cash application, each worked as a case of kind
``deduction`` routed like any dispute."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from openar.core.audit import actor_label, audit_record, audit_record_many
from openar.core.errors import ValidationError
from openar.core.money import format_amount
from openar.core.reasons import reason_text_default
from openar.disputes.choices import CaseKind, CaseStatus, NoteKind
from openar.disputes.domain import CaseFacts, due_on, route
from openar.disputes.models import CaseNote, Deduction, DisputeCase, DisputeItem
from openar.disputes.notes import routed_parts
from openar.disputes.services.cases import rule_defs
from openar.disputes.services.config import reasons_ensure
from openar.ledger.models import Customer, Document, Receipt
from openar.ledger.services import documents_dispute_flag

DEDUCTION_REASON = "other"


def _cases_for(deductions: list[Deduction], actor: Any) -> None:
    """Open and route one case per deduction (same transaction), and flag their items."""
    reason = reasons_ensure()[DEDUCTION_REASON]
    rules = rule_defs()
    entities = dict(
        Customer.objects.filter(id__in={d.customer_id for d in deductions}).values_list(
            "id", "entity_id"
        )
    )
    doc_entities = dict(
        Document.objects.filter(
            id__in={d.document_id for d in deductions if d.document_id}
        ).values_list("id", "entity_id")
    )
    cases = []
    decisions = []
    for d in deductions:
        entity_id = doc_entities.get(d.document_id or 0) or entities[d.customer_id]
        decision = route(rules, CaseFacts(reason.code, entity_id, d.customer_id, d.amount))
        decisions.append(decision)
        cases.append(
            DisputeCase(
                kind=CaseKind.DEDUCTION,
                customer_id=d.customer_id,
                entity_id=entity_id,
                reason=reason,
                description=d.reason,
                amount=d.amount,
                currency=d.currency,
                status=CaseStatus.OPEN,
                owner_team=decision.owner_team,
                owner_id=decision.owner_id,
                rule_id=decision.rule_id,
                opened_on=d.opened_on,
                due_on=due_on(d.opened_on, reason.sla_days),
                receipt_id=d.receipt_id,
            )
        )
    created = DisputeCase.objects.bulk_create(cases, batch_size=2000)
    DisputeItem.objects.bulk_create(
        [
            DisputeItem(case=c, document_id=d.document_id, amount=d.amount, currency=d.currency)
            for c, d in zip(created, deductions, strict=True)
            if d.document_id
        ],
        batch_size=2000,
    )
    now = timezone.now()
    label = actor_label(actor)[:150]
    owners = {}
    if any(x.owner_id for x in decisions):
        from django.contrib.auth import get_user_model

        owners = get_user_model().objects.in_bulk({x.owner_id for x in decisions if x.owner_id})
    CaseNote.objects.bulk_create(
        [
            CaseNote(
                case=c,
                kind=NoteKind.ROUTED,
                text=reason_text_default(parts),
                text_parts=parts,
                author_label=label,
                created_at=now,
            )
            for c, x in zip(created, decisions, strict=True)
            for parts in [routed_parts(x.owner_team, owners.get(x.owner_id or 0))]
        ],
        batch_size=2000,
    )
    for c, d in zip(created, deductions, strict=True):
        d.case = c
    Deduction.objects.bulk_update(deductions, ["case"], batch_size=2000)
    documents_dispute_flag(
        document_ids=[d.document_id for d in deductions if d.document_id],
        disputed=True,
        actor=actor,
    )


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
    """Open a deduction for an amount a customer did not pay, as a routed case."""
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
    _cases_for([deduction], actor)
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
            "case": deduction.case_id,
        },
    )
    return deduction


@transaction.atomic
def deductions_open_bulk(*, deductions: Iterable[Mapping[str, Any]], actor: Any) -> int:
    """Open many deductions at once (a matching run that finds short payments): each mapping
    has ``customer_id``, ``amount``, ``currency``, ``opened_on``, ``reason`` and optional
    ``document_id`` and ``receipt_id``. Each becomes a routed case; one audit event per
    deduction; returns how many."""
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
    _cases_for(created, actor)
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
                    "case": d.case_id,
                },
            }
            for d in created
        ),
    )
    return len(created)


@transaction.atomic
def disputes_data_reset(*, actor: Any) -> int:
    """Delete every deduction and case (``demo-data --reset`` clears cash application and the
    ledger under it); returns how many deductions were removed."""
    from openar.disputes.models import CreditMemoRequest

    removed = Deduction.objects.count()
    Deduction.objects.all().delete()
    CreditMemoRequest.objects.all().delete()
    DisputeCase.objects.all().delete()
    audit_record(
        actor=actor,
        action="disputes.reset",
        summary=f"{removed} deductions and the cases removed",
        after={"deductions": removed},
    )
    return removed
