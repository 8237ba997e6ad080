"""Filters of the Jobs page: parsed here, applied by ``job_run_list``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openar.core.filters import DateRangeFilterSet
from openar.core.models import JobRun, JobStatus
from openar.jobs.selectors import job_run_list


class JobRunFilterSet(DateRangeFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=JobStatus.choices, empty_label=_("All statuses")
    )

    def select(self, queryset: QuerySet[JobRun], data: dict[str, Any]) -> QuerySet[Any]:
        return job_run_list(
            queryset=queryset, status=data.get("status", ""), **self.date_range(data)
        )
