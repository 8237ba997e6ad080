"""Reads for the Jobs page."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from openar.core.models import JobRun, JobStatus


def job_run_list(
    *,
    queryset: QuerySet[JobRun] | None = None,
    status: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[JobRun]:
    """Background runs, newest first, with who started them; the dates bound the run's
    business date (``as_of``)."""
    qs = (JobRun.objects.all() if queryset is None else queryset).select_related("started_by")
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(as_of__gte=date_from)
    if date_to:
        qs = qs.filter(as_of__lte=date_to)
    return qs.order_by("-created_at", "-id")


def jobs_running() -> bool:
    """Whether a run is waiting for the worker or running (the page then refreshes itself)."""
    return JobRun.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).exists()
