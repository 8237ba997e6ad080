"""The list pages' filters: parsed here, applied by ``recommendation_list`` and ``review_list``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openar.core.filters import SelectorFilterSet, search_input
from openar.credit.choices import (
    RecommendationKind,
    RecommendationStatus,
    ReviewStatus,
    ReviewTrigger,
    WriteOffStatus,
)
from openar.credit.models import LimitReview, Recommendation, WriteOff
from openar.credit.selectors import recommendation_list, review_list, write_off_list

ANY_STATUS = "all"


class RecommendationFilterSet(SelectorFilterSet):
    # Pending unless the query string says otherwise (the view's default); "all": any status.
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(ANY_STATUS, _("Any")), *RecommendationStatus.choices],
        empty_label=None,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=RecommendationKind.choices, empty_label=_("Any")
    )
    customer = django_filters.CharFilter(
        label=_("Customer"), widget=search_input(_("Customer number"))
    )

    def select(self, queryset: QuerySet[Recommendation], data: dict[str, Any]) -> QuerySet[Any]:
        status = data.get("status")
        return recommendation_list(
            queryset=queryset,
            status=None if status == ANY_STATUS else status,
            kind=data.get("kind"),
            customer=(data.get("customer") or "").strip() or None,
        )


class ReviewFilterSet(SelectorFilterSet):
    # Open unless the query string says otherwise (the view's default); "all": any status.
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(ANY_STATUS, _("Any")), *ReviewStatus.choices],
        empty_label=None,
    )
    trigger = django_filters.ChoiceFilter(
        label=_("Why"), choices=ReviewTrigger.choices, empty_label=_("Any")
    )
    customer = django_filters.CharFilter(
        label=_("Customer"), widget=search_input(_("Customer number"))
    )

    def select(self, queryset: QuerySet[LimitReview], data: dict[str, Any]) -> QuerySet[Any]:
        status = data.get("status")
        return review_list(
            queryset=queryset,
            status=None if status == ANY_STATUS else status,
            trigger=data.get("trigger"),
            customer=(data.get("customer") or "").strip() or None,
        )


class WriteOffFilterSet(SelectorFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(ANY_STATUS, _("Any")), *WriteOffStatus.choices],
        empty_label=None,
    )
    customer = django_filters.CharFilter(
        label=_("Customer"), widget=search_input(_("Customer number"))
    )

    def select(self, queryset: QuerySet[WriteOff], data: dict[str, Any]) -> QuerySet[Any]:
        status = data.get("status")
        return write_off_list(
            queryset=queryset,
            status=None if status == ANY_STATUS else status,
            customer=(data.get("customer") or "").strip() or None,
        ).prefetch_related("items__document")
