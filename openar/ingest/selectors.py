"""Reads of the import batches (the import page's list)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from openar.ingest.models import ImportBatch


def import_batch_list(
    *,
    queryset: QuerySet[ImportBatch] | None = None,
    kind: str = "",
    status: str = "",
    search: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[ImportBatch]:
    """Import batches, newest first: by kind, status, file name or who ran it, and the day the
    import started (from and to, both included)."""
    batches = (queryset if queryset is not None else ImportBatch.objects.all()).select_related(
        "actor"
    )
    if kind:
        batches = batches.filter(kind=kind)
    if status:
        batches = batches.filter(status=status)
    if search:
        batches = batches.filter(Q(file_name__icontains=search) | Q(actor_label__icontains=search))
    if date_from:
        batches = batches.filter(started_at__date__gte=date_from)
    if date_to:
        batches = batches.filter(started_at__date__lte=date_to)
    return batches.order_by("-started_at", "-id")
