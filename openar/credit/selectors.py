"""Reads for credit decisions."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet

from openar.credit.models import Recommendation


def recommendation_list(
    *,
    status: str | None = None,
    kind: str | None = None,
    customer: str | None = None,
    queryset: QuerySet[Recommendation] | None = None,
) -> QuerySet[Recommendation]:
    """Recommendations, newest first, by status, kind and customer reference (``queryset``
    narrows an already built list); ``action_ref`` is the id of the strategy action that raised
    each (the link is the action's)."""
    base = queryset if queryset is not None else Recommendation.objects.all()
    qs = base.annotate(action_ref=F("action__id")).select_related("customer", "decided_by")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if customer:
        qs = qs.filter(customer__customer_ref__iexact=customer)
    return qs.order_by("-as_of", "-id")


def recommendations_with_action() -> QuerySet[Recommendation]:
    """Recommendations annotated with ``action_ref``: the raising action's id, or None."""
    return Recommendation.objects.annotate(action_ref=F("action__id"))


def recommendation_counts() -> dict[str, int]:
    rows = Recommendation.objects.values_list("status").annotate(n=Count("id")).order_by()
    return {status: n for status, n in rows}
