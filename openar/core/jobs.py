"""Background job runs (``JobRun``): status and live progress the job page polls.

Progress updates are single-row ``UPDATE``s outside the job's own transactions, so the page sees
them while the job works."""

from __future__ import annotations

import datetime as dt
import traceback
from typing import Any

from django.utils import timezone

from openar.core.models import JobRun, JobStatus

# A queued or running job older than this is taken as abandoned (its worker died).
STALE_AFTER = dt.timedelta(hours=6)


def active_job(kind: str) -> JobRun | None:
    """The queued or running job of ``kind`` started recently, if any."""
    since = timezone.now() - STALE_AFTER
    return (
        JobRun.objects.filter(
            kind=kind, status__in=[JobStatus.QUEUED, JobStatus.RUNNING], created_at__gte=since
        )
        .order_by("-created_at")
        .first()
    )


def job_create(
    *, kind: str, as_of: dt.date | None, started_by: Any, steps_total: int = 0
) -> JobRun:
    """A queued job of ``kind`` (``started_by``: a user, or anything else for the command line)."""
    user = started_by if getattr(started_by, "pk", None) else None
    return JobRun.objects.create(kind=kind, as_of=as_of, started_by=user, steps_total=steps_total)


def job_started(job: JobRun, *, steps_total: int) -> None:
    job.status = JobStatus.RUNNING
    job.started_at = timezone.now()
    job.steps_total = steps_total
    job.steps_done = 0
    job.error = ""
    JobRun.objects.filter(pk=job.pk).update(
        status=job.status,
        started_at=job.started_at,
        steps_total=steps_total,
        steps_done=0,
        error="",
    )


def job_progress(job: JobRun, *, done: int, total: int, step: str) -> None:
    job.steps_done, job.steps_total, job.current_step = done, total, step
    JobRun.objects.filter(pk=job.pk).update(steps_done=done, steps_total=total, current_step=step)


def job_finished(job: JobRun, *, result: dict[str, Any]) -> None:
    job.status = JobStatus.DONE
    job.result = result
    job.finished_at = timezone.now()
    job.steps_done = job.steps_total
    job.current_step = ""
    JobRun.objects.filter(pk=job.pk).update(
        status=job.status,
        result=result,
        finished_at=job.finished_at,
        steps_done=job.steps_total,
        current_step="",
    )


def job_failed(job: JobRun, *, exc: BaseException) -> None:
    job.status = JobStatus.FAILED
    job.finished_at = timezone.now()
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    tail = "".join(traceback.format_exception(exc)[-3:])
    job.error = f"{type(exc).__name__}: {message}\n\n{tail}"[:4000]
    JobRun.objects.filter(pk=job.pk).update(
        status=job.status, finished_at=job.finished_at, error=job.error
    )
