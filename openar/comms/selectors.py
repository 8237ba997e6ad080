"""Reads for the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from openar.comms.models import OutboxMessage


def outbox_list(
    *,
    status: str = "",
    channel: str = "",
    template_code: str = "",
    language: str = "",
    as_of: dt.date | None = None,
    q: str = "",
    collector: Any = None,
) -> QuerySet[OutboxMessage]:
    """Messages, newest first, filtered."""
    qs = OutboxMessage.objects.select_related("customer").defer("body")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if template_code:
        qs = qs.filter(template_code=template_code)
    if language:
        qs = qs.filter(language=language)
    if as_of is not None:
        qs = qs.filter(as_of=as_of)
    if collector is not None:
        qs = qs.filter(customer__collector=collector)
    if q.strip():
        term = q.strip()
        qs = qs.filter(Q(customer__customer_ref__iexact=term) | Q(customer__name__icontains=term))
    return qs.order_by("-as_of", "-id")


def outbox_counts() -> dict[str, int]:
    """Messages per status."""
    return dict(
        OutboxMessage.objects.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
