"""What was in dispute on a day, rolled back from the cases' dates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum

from openar.core.money import ZERO
from openar.disputes.models import DisputeItem
from openar.ledger.domain import open_amount_as_of
from openar.ledger.models import Application, Document


def disputed_by_customer(as_of: dt.date) -> dict[tuple[int, str], Decimal]:
    """Per (customer, currency): what cases open on ``as_of`` disputed, at most what each item
    had open that day."""
    items = (
        DisputeItem.objects.filter(case__opened_on__lte=as_of)
        .filter(Q(case__closed_on__isnull=True) | Q(case__closed_on__gt=as_of))
        .values("document_id")
        .annotate(total=Sum("amount"))
        .values_list("document_id", "total")
        .order_by()
    )
    disputed = {doc_id: Decimal(total) for doc_id, total in items}
    if not disputed:
        return {}
    applied: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for doc_id, through, after in (
        Application.objects.filter(document_id__in=list(disputed))
        .values("document_id")
        .annotate(
            through=Sum("amount", filter=Q(applied_date__lte=as_of)),
            after=Sum("amount", filter=Q(applied_date__gt=as_of)),
        )
        .values_list("document_id", "through", "after")
        .order_by()
    ):
        applied[doc_id] = [Decimal(through or 0), Decimal(after or 0)]
    out: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for doc in Document.objects.filter(id__in=list(disputed), document_date__lte=as_of).only(
        "id", "customer_id", "currency", "amount", "open_amount", "cleared_date"
    ):
        through, after = applied[doc.id]
        open_then = open_amount_as_of(
            amount=doc.amount,
            open_amount=doc.open_amount,
            cleared_date=doc.cleared_date,
            applied_through_as_of=through,
            applied_after_as_of=after,
            as_of=as_of,
        )
        if open_then > 0:
            out[(doc.customer_id, doc.currency)] += min(disputed[doc.id], open_then)
    return dict(out)
