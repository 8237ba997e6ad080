"""Reads for credit decisions: recommendations, holds and the hold events the ERP reads."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, F, OuterRef, QuerySet

from openar.credit.choices import HoldStatus, RecommendationKind, RecommendationStatus
from openar.credit.models import CreditHold, HoldEvent, Recommendation


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


def on_hold_expression() -> Exists:
    """True for a customer (``OuterRef("pk")``) with an active credit hold: the ``on_hold`` flag
    ledger's customer list, page and API show (``core.customer_flags``)."""
    return Exists(CreditHold.objects.filter(customer_id=OuterRef("pk"), status=HoldStatus.ACTIVE))


def active_hold(*, customer: Any) -> CreditHold | None:
    """The customer's active hold with who placed it and the release recommended, or None."""
    return (
        CreditHold.objects.filter(customer=customer, status=HoldStatus.ACTIVE)
        .select_related("placed_by", "requested_by", "release_recommendation")
        .first()
    )


def hold_list(*, status: str | None = None, customer: str | None = None) -> QuerySet[CreditHold]:
    """Holds, newest first, by status and customer reference."""
    qs = CreditHold.objects.select_related("customer", "placed_by", "released_by")
    if status:
        qs = qs.filter(status=status)
    if customer:
        qs = qs.filter(customer__customer_ref__iexact=customer)
    return qs.order_by("-placed_at", "-id")


def hold_events(*, after: int | None = None, customer: Any = None) -> QuerySet[HoldEvent]:
    """Holds and releases in the order decided (the ERP's feed); ``after``: only events with a
    higher id (what a poller has not read yet)."""
    qs = HoldEvent.objects.select_related("customer__entity")
    if after is not None:
        qs = qs.filter(id__gt=after)
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs.order_by("id")


def pending_hold_recommendation(*, customer: Any) -> Recommendation | None:
    return (
        Recommendation.objects.filter(
            customer=customer,
            kind__in=[RecommendationKind.CREDIT_HOLD, RecommendationKind.CREDIT_RELEASE],
            status=RecommendationStatus.PENDING,
        )
        .select_related("requested_by")
        .first()
    )
