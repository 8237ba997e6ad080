"""Background tasks of reporting (run by the ``db_worker``): rebuilding the snapshot history."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def snapshots_backfill_job(job_id: int) -> dict[str, Any]:
    """Worker entry point: take the missing snapshots of job ``job_id``'s year, with progress
    on the Jobs page."""
    from openar.core.models import JobRun
    from openar.reports.services import snapshots_backfill_run

    job = JobRun.objects.get(pk=job_id)
    return snapshots_backfill_run(job=job)
