"""Filters of the "All queues" page: parsed here, applied by ``collector_queue_list``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openar.core.filters import SelectorFilterSet, search_input
from openar.worklist.selectors import collector_queue_list

PRESENCE_CHOICES = (("working", _("At work")), ("away", _("Away")))


class CollectorQueueFilterSet(SelectorFilterSet):
    q = django_filters.CharFilter(label=_("Collector"), widget=search_input(_("Name or user name")))
    presence = django_filters.ChoiceFilter(
        label=_("Presence"), choices=PRESENCE_CHOICES, empty_label=_("Everyone")
    )

    def __init__(self, *args: Any, as_of: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.as_of = as_of

    def select(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        return collector_queue_list(
            as_of=self.as_of,
            queryset=queryset,
            q=data.get("q", ""),
            presence=data.get("presence", ""),
        )
