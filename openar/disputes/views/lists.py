"""The case list, a person's queue and the credit-memo requests, on the list kit."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import ngettext

from openar.core import dates
from openar.core.lists import ObjectListView
from openar.disputes.choices import ACTIVE_STATUSES, CaseStatus
from openar.disputes.filters import CaseFilterSet, CreditRequestFilterSet, QueueFilterSet
from openar.disputes.models import CreditMemoRequest, DisputeCase
from openar.disputes.tables import CaseTable, CreditRequestTable
from openar.disputes.views.common import READ_MESSAGE, READERS, can_resolve


def case_stats() -> dict[str, int]:
    worked = (CaseStatus.OPEN, CaseStatus.RESEARCH, CaseStatus.WAITING)
    return DisputeCase.objects.aggregate(
        active=Count("id", filter=Q(status__in=ACTIVE_STATUSES)),
        overdue=Count("id", filter=Q(status__in=worked, due_on__lt=dates.today())),
        waiting=Count("id", filter=Q(status=CaseStatus.WAITING)),
        credit_pending=Count("id", filter=Q(status=CaseStatus.CREDIT_PENDING)),
        escalated=Count("id", filter=Q(status__in=worked, escalated_on__isnull=False)),
    )


class CaseListView(ObjectListView):
    """Every dispute and deduction, opening on those not yet closed."""

    filterset_class = CaseFilterSet
    table_class = CaseTable
    template_name = "disputes/case_list.html"
    roles = READERS
    role_message = READ_MESSAGE
    filter_defaults = {"status": "active"}

    def get_queryset(self) -> QuerySet[DisputeCase]:
        return DisputeCase.objects.all()

    def count_text(self, count: int) -> str:
        return ngettext("%(count)d case", "%(count)d cases", count) % {"count": count}

    def get_extra_context(self) -> dict[str, Any]:
        return {"stats": case_stats(), "can_resolve": can_resolve(self.request.user)}


class QueueView(ObjectListView):
    """My queue: the cases I own and my teams' unowned ones, oldest SLA date first."""

    filterset_class = QueueFilterSet
    table_class = CaseTable
    template_name = "disputes/queue.html"
    roles = READERS
    role_message = READ_MESSAGE

    def get_queryset(self) -> QuerySet[DisputeCase]:
        return DisputeCase.objects.all()

    def count_text(self, count: int) -> str:
        return ngettext("%(count)d case in your queue", "%(count)d cases in your queue", count) % {
            "count": count
        }


class CreditRequestListView(ObjectListView):
    """Credit-memo requests: what the ERP export carries and what came back applied."""

    filterset_class = CreditRequestFilterSet
    table_class = CreditRequestTable
    template_name = "disputes/credit_requests.html"
    roles = READERS
    role_message = READ_MESSAGE

    def get_queryset(self) -> QuerySet[CreditMemoRequest]:
        return CreditMemoRequest.objects.all()

    def count_text(self, count: int) -> str:
        return ngettext("%(count)d request", "%(count)d requests", count) % {"count": count}
