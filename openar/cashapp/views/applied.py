"""Applied lines: what was settled, by whom and how."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from openar.cashapp.filters import AppliedFilterSet
from openar.cashapp.models import StatementLine
from openar.cashapp.tables import AppliedTable
from openar.cashapp.views.common import CASH_ROLE_MESSAGE, CASH_ROLES
from openar.core.lists import ObjectListView


class AppliedListView(ObjectListView):
    """Lines applied automatically or by a person, and credits left on account."""

    roles = CASH_ROLES
    role_message = CASH_ROLE_MESSAGE
    filterset_class = AppliedFilterSet
    table_class = AppliedTable
    template_name = "cashapp/applied.html"

    def get_queryset(self) -> QuerySet[StatementLine]:
        return StatementLine.objects.all()

    def get_extra_context(self) -> dict[str, Any]:
        return {"tab": "applied"}


applied = AppliedListView.as_view()
