"""The case lists' filters: parsed here, applied by ``selectors.case_list``."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openar.core import dates
from openar.core.filters import SelectorFilterSet, search_input
from openar.disputes.choices import CaseKind, CaseStatus, OwnerTeam, RequestStatus
from openar.disputes.models import DisputeCase, ReasonCode
from openar.disputes.selectors import case_list, credit_memo_requests, owner_queue


def status_choices() -> list[tuple[str, Any]]:
    return [("active", _("Not yet closed")), *CaseStatus.choices]


def reason_choices() -> list[tuple[str, str]]:
    from openar.disputes.views.common import reason_label

    return [(r.code, reason_label(r)) for r in ReasonCode.objects.order_by("order", "code")]


class CaseFilterSet(SelectorFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=status_choices, empty_label=_("All statuses")
    )
    reason_code = django_filters.ChoiceFilter(
        label=_("Reason"), choices=reason_choices, empty_label=_("All reasons")
    )
    owner_team = django_filters.ChoiceFilter(
        label=_("Owner"), choices=OwnerTeam.choices, empty_label=_("All teams")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=CaseKind.choices, empty_label=_("Disputes and deductions")
    )
    q = django_filters.CharFilter(
        label=_("Search"), widget=search_input(_("Customer or document number"))
    )
    overdue = django_filters.BooleanFilter(label=_("Past the SLA"), widget=forms.CheckboxInput)

    def select(self, queryset: QuerySet[DisputeCase], data: dict[str, Any]) -> QuerySet[Any]:
        return case_list(
            queryset=queryset,
            status=data.get("status", ""),
            reason_code=data.get("reason_code", ""),
            owner_team=data.get("owner_team", ""),
            kind=data.get("kind", ""),
            q=data.get("q", ""),
            overdue_on=dates.today() if data.get("overdue") else None,
        )


class QueueFilterSet(SelectorFilterSet):
    """A person's queue: their cases and their teams' unowned ones."""

    overdue = django_filters.BooleanFilter(label=_("Past the SLA"), widget=forms.CheckboxInput)

    def select(self, queryset: QuerySet[DisputeCase], data: dict[str, Any]) -> QuerySet[Any]:
        from openar.disputes.views.common import user_teams

        qs = owner_queue(user=self.request.user, teams=user_teams(self.request.user))
        qs = qs.filter(pk__in=queryset.values("pk"))
        if data.get("overdue"):
            qs = qs.filter(
                due_on__lt=dates.today(),
                status__in=(CaseStatus.OPEN, CaseStatus.RESEARCH, CaseStatus.WAITING),
            )
        return qs


class CreditRequestFilterSet(SelectorFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RequestStatus.choices, empty_label=_("All statuses")
    )

    def select(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        return credit_memo_requests(queryset=queryset, status=data.get("status") or None)
