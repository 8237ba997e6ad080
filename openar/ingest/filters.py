"""Filters of the import batch list: parsed here, applied by the selector."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openar.core.filters import DateRangeFilterSet, search_input
from openar.ingest.choices import ImportKind, ImportStatus
from openar.ingest.models import ImportBatch
from openar.ingest.selectors import import_batch_list


class ImportBatchFilterSet(DateRangeFilterSet):
    q = django_filters.CharFilter(label=_("Search"), widget=search_input(_("File name or user")))
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=ImportKind.choices, empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ImportStatus.choices, empty_label=_("All statuses")
    )

    def select(self, queryset: QuerySet[ImportBatch], data: dict[str, Any]) -> QuerySet[Any]:
        return import_batch_list(
            queryset=queryset,
            kind=data.get("kind", ""),
            status=data.get("status", ""),
            search=(data.get("q") or "").strip(),
            **self.date_range(data),
        )
