"""The Inbox's filters: parsed here, applied by ``inbound_list``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openar.comms.choices_inbound import InboundKind, InboundStatus
from openar.comms.inbound.selectors import inbound_list
from openar.comms.models import InboundMessage
from openar.core.filters import SelectorFilterSet, search_input


class InboundFilterSet(SelectorFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=InboundStatus.choices, empty_label=_("All statuses")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=InboundKind.choices, empty_label=_("All kinds")
    )
    q = django_filters.CharFilter(
        label=_("Search"), widget=search_input(_("Sender, subject or customer"))
    )

    def select(self, queryset: QuerySet[InboundMessage], data: dict[str, Any]) -> QuerySet[Any]:
        return inbound_list(
            queryset=queryset,
            status=data.get("status", ""),
            kind=data.get("kind", ""),
            q=data.get("q", ""),
        )
