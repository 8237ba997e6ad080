"""Documents converted into their entity's functional currency once a rate for them exists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openar.core.audit import audit_record
from openar.core.money import quantize
from openar.ledger.models import Document
from openar.ledger.selectors.rates import RateBook

_RATE_PLACES = Decimal("1E-10")
_FIELDS = ["functional_currency", "functional_amount", "functional_open_amount", "fx_rate",
           "fx_rate_date", "updated_at"]  # fmt: skip
_CHUNK = 5000


@transaction.atomic
def documents_convert(*, currencies: Iterable[str], since: dt.date, actor: Any) -> int:
    """Fill the functional amounts of documents loaded before their rate existed: those without
    them, dated ``since`` or later, whose currency or entity currency is one of ``currencies``
    (every leg of a usable rate, direct or through USD/EUR, has one of the two). Each is
    converted at the rate of its document date, as an import of the item would; documents
    still without a rate stay as they are. Returns how many were converted."""
    currencies = sorted(set(currencies))
    if not currencies:
        return 0
    now = timezone.now()
    book: RateBook | None = None
    converted: list[Document] = []
    qs = (
        Document.objects.filter(functional_amount__isnull=True, document_date__gte=since)
        .filter(Q(currency__in=currencies) | Q(entity__currency__in=currencies))
        .select_for_update(of=("self",))
        .select_related("entity")
        .order_by("id")
    )
    for doc in qs.iterator(chunk_size=_CHUNK):
        if book is None:
            book = RateBook()
        functional = doc.entity.currency
        found = book.rate(doc.currency, functional, doc.document_date)
        if found is None:
            continue
        rate, rate_date = found
        doc.functional_currency = functional
        doc.functional_amount = quantize(doc.amount * rate, functional)
        doc.functional_open_amount = quantize(doc.open_amount * rate, functional)
        doc.fx_rate = rate.quantize(_RATE_PLACES)
        doc.fx_rate_date = rate_date
        doc.updated_at = now
        converted.append(doc)
    Document.objects.bulk_update(converted, _FIELDS, batch_size=_CHUNK)
    if converted:
        audit_record(
            actor=actor,
            action="documents.convert",
            object_type="document",
            summary=(
                f"{len(converted)} documents converted into their functional currency "
                f"({', '.join(currencies)} rates from {since})"
            ),
        )
    return len(converted)
