"""What other apps change on a document besides cash: the in-dispute flag (disputes owns the
cases, the ledger keeps the flag statements and ERP exports read), a credit memo netted against
the item it credits, and an amount written off. Each locks the documents in id order, records
an adjustment row per document changed (the as-of aging rolls it back) and one audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from openar.core.audit import audit_record, audit_record_many
from openar.core.errors import Conflict, ValidationError
from openar.core.money import format_amount, quantize
from openar.ledger.choices import DocumentType
from openar.ledger.models import Adjustment, Document
from openar.ledger.services.applications import _functional_open


def _locked(ids: Iterable[int]) -> dict[int, Document]:
    qs = Document.objects.filter(id__in=sorted(set(ids))).order_by("id")
    if connection.features.has_select_for_update:
        qs = qs.select_for_update()
    return {d.pk: d for d in qs}


@transaction.atomic
def documents_dispute_flag(*, document_ids: Iterable[int], disputed: bool, actor: Any) -> int:
    """Mark documents in dispute in OpenAR (or no longer); returns how many changed. The hold
    outlives the ERP's re-imports of the items (``dispute_held``)."""
    ids = sorted(set(document_ids))
    if not ids:
        return 0
    rows = list(
        Document.objects.filter(id__in=ids)
        .exclude(disputed=disputed, dispute_held=disputed)
        .values_list("id", "document_ref", "disputed")
    )
    changed = [(pk, ref) for pk, ref, was in rows if was != disputed]
    if rows:
        Document.objects.filter(id__in=[pk for pk, _ref, _was in rows]).update(
            disputed=disputed, dispute_held=disputed, updated_at=timezone.now()
        )
        # One event per document (cash application flags thousands at once: one bulk insert).
        audit_record_many(
            actor=actor,
            events=(
                {
                    "action": "document.dispute_flag",
                    "object_type": "document",
                    "object_id": pk,
                    "summary": f"{ref} {'in' if disputed else 'out of'} dispute",
                    "before": {"disputed": not disputed},
                    "after": {"disputed": disputed},
                }
                for pk, ref in changed
            ),
        )
    return len(changed)


def _reduce(
    doc: Document,
    amount: Decimal,
    on: dt.date,
    *,
    kind: str,
    reason: str = "",
    source: str = "manual",
    ref: str = "",
) -> None:
    """Take ``amount`` (positive) off what ``doc`` has open, towards zero, with the adjustment
    row the as-of aging rolls back."""
    sign = Decimal(1) if doc.amount >= 0 else Decimal(-1)
    Adjustment.objects.create(
        document=doc,
        kind=kind,
        amount=sign * amount,
        adjusted_date=max(on, doc.document_date),
        reason=reason[:300],
        source=source,
        ref=ref,
    )
    doc.open_amount = doc.open_amount - sign * amount
    doc.functional_open_amount = _functional_open(
        {
            "currency": doc.currency,
            "functional_currency": doc.functional_currency,
            "fx_rate": doc.fx_rate,
            "functional_amount": doc.functional_amount,
            "amount": doc.amount,
        },
        doc.open_amount,
    )
    doc.cleared_date = max(on, doc.document_date) if doc.open_amount == 0 else None
    doc.save(update_fields=["open_amount", "functional_open_amount", "cleared_date", "updated_at"])


@transaction.atomic
def credit_memo_apply(
    *, credit_memo: Document, document: Document, amount: Decimal, on: dt.date, actor: Any
) -> Document:
    """Net ``amount`` of an open credit memo against the item it credits: both open amounts
    move towards zero (and clear at zero). Refused, changing nothing, when the amount does not
    fit in what either has open or they are not of one customer and currency."""
    docs = _locked([credit_memo.pk, document.pk])
    memo, item = docs[credit_memo.pk], docs[document.pk]
    amount = quantize(Decimal(amount), item.currency)
    if memo.document_type != DocumentType.CREDIT_MEMO or memo.open_amount >= 0:
        raise ValidationError(f"{memo} is not an open credit memo", field="credit_memo")
    if (memo.customer_id, memo.currency) != (item.customer_id, item.currency):
        raise ValidationError(
            f"{memo} is not of the customer and currency of {item}", field="credit_memo"
        )
    if amount <= 0:
        raise ValidationError("the amount must be positive", field="amount")
    if amount > -memo.open_amount:
        raise Conflict(
            f"{format_amount(amount, item.currency)} is more than {memo} has open",
            field="amount",
        )
    if amount > item.open_amount:
        raise Conflict(
            f"{format_amount(amount, item.currency)} is more than {item} has open",
            field="amount",
        )
    before = {
        "item_open": format_amount(item.open_amount, item.currency),
        "memo_open": format_amount(memo.open_amount, memo.currency),
    }
    _reduce(item, amount, on, kind="credit_memo", reason=memo.document_ref, source="ledger")
    _reduce(memo, amount, on, kind="credit_memo", reason=item.document_ref, source="ledger")
    audit_record(
        actor=actor,
        action="document.credit_applied",
        object_type="document",
        object_id=item.pk,
        summary=f"{memo} {format_amount(amount, item.currency)} {item.currency} applied to {item}",
        before=before,
        after={
            "item_open": format_amount(item.open_amount, item.currency),
            "memo_open": format_amount(memo.open_amount, memo.currency),
            "credit_memo": memo.document_ref,
        },
    )
    return item


@transaction.atomic
def document_write_off(
    *,
    document: Document,
    amount: Decimal,
    on: dt.date,
    reason: str,
    actor: Any,
    source: str = "manual",
    ref: str = "",
) -> Document:
    """Write ``amount`` of an item off (an approved adjustment, recorded as a ``write_off``
    adjustment ``source`` names with its ``ref``): its open amount goes down by it. Refused,
    changing nothing, beyond what the item has open."""
    item = _locked([document.pk])[document.pk]
    amount = quantize(Decimal(amount), item.currency)
    if amount <= 0:
        raise ValidationError("the amount must be positive", field="amount")
    if item.amount < 0 or amount > item.open_amount:
        raise Conflict(
            f"{format_amount(amount, item.currency)} is more than {item} has open",
            field="amount",
        )
    before = format_amount(item.open_amount, item.currency)
    _reduce(item, amount, on, kind="write_off", reason=reason, source=source, ref=ref)
    audit_record(
        actor=actor,
        action="document.write_off",
        object_type="document",
        object_id=item.pk,
        summary=f"{item}: {format_amount(amount, item.currency)} {item.currency} written off "
        f"({reason})"[:500],
        before={"open_amount": before},
        after={"open_amount": format_amount(item.open_amount, item.currency), "reason": reason},
    )
    return item
