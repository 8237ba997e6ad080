"""Reads for credit decisions."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from openar.credit.models import Recommendation


def recommendation_list(
    *,
    status: str | None = None,
    kind: str | None = None,
    customer: str | None = None,
    queryset: QuerySet[Recommendation] | None = None,
) -> QuerySet[Recommendation]:
    """Recommendations, newest first, by status, kind and customer reference (``queryset``
    narrows an already built list)."""
    base = queryset if queryset is not None else Recommendation.objects.all()
    qs = base.select_related("customer", "decided_by", "action")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if customer:
        qs = qs.filter(customer__customer_ref__iexact=customer)
    return qs.order_by("-as_of", "-id")


def recommendation_counts() -> dict[str, int]:
    rows = Recommendation.objects.values_list("status").annotate(n=Count("id")).order_by()
    return {status: n for status, n in rows}
