"""Background tasks (``django.tasks``; ``openar serve`` starts a ``db_worker``).

Like ``daily.py`` this module is a composition root: it may import every app. The UI starts the
daily cycle with ``daily_job_start``; the worker runs ``run_daily_job``; the CLI runs the same
``daily_job_execute`` in process, so every run shows on the job page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from openar.core.audit import audit_record
from openar.core.dates import today
from openar.core.errors import Conflict
from openar.core.jobs import active_job, job_failed, job_finished, job_progress, job_started
from openar.core.models import JobRun
from openar.jobs.daily import STEPS, Progress, json_summary, run_daily

DAILY = "daily"


@transaction.atomic
def daily_job_start(*, as_of: dt.date, actor: Any) -> JobRun:
    """Queue a daily-cycle run for ``as_of``; refused while another daily run is in progress."""
    running = active_job(DAILY)
    if running is not None:
        raise Conflict(
            f"the daily cycle for {running.as_of} is already {running.status} (job {running.pk})",
            code="job_running",
        )
    user = actor if getattr(actor, "pk", None) else None
    job = JobRun.objects.create(kind=DAILY, as_of=as_of, started_by=user, steps_total=len(STEPS))
    audit_record(
        actor=actor,
        action="job.start",
        object_type="job",
        object_id=job.pk,
        summary=f"daily cycle for {as_of} queued",
    )

    def _enqueue() -> None:
        result = run_daily_job.enqueue(job.pk)
        JobRun.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(_enqueue)
    return job


def daily_job_execute(job: JobRun, *, progress: Progress | None = None) -> dict[str, Any]:
    """Run the daily cycle of ``job``, keeping its status and progress current."""
    if job.as_of is None:
        raise Conflict("a daily job needs an as-of date", field="as_of")
    job_started(job, steps_total=len(STEPS))

    def _progress(done: int, total: int, step: str) -> None:
        job_progress(job, done=done, total=total, step=step)
        if progress:
            progress(done, total, step)

    actor = job.started_by or "run-daily"
    try:
        result = run_daily(as_of=job.as_of, actor=actor, progress=_progress)
    except Exception as exc:
        job_failed(job, exc=exc)
        raise
    summary = json_summary(result) | {
        "messages_queued": result["messages_queued"],
        "customers_aged": result["customers_aged"],
        "step_seconds": result["step_seconds"],
    }
    job_finished(job, result=summary)
    # The day's messages go out on the sending schedule; start it if nothing keeps it going.
    transaction.on_commit(send_schedule_ensure)
    # Replies and bounces are read on theirs (when a mailbox is configured).
    transaction.on_commit(fetch_schedule_ensure)
    return result


@task()
def run_daily_job(job_id: int) -> dict[str, Any]:
    """Worker entry point: run the queued daily job ``job_id``."""
    job = JobRun.objects.select_related("started_by").get(pk=job_id)
    return json_summary(daily_job_execute(job))


# --- sending -----------------------------------------------------------------------------------

SEND_TASK_PATH = "openar.jobs.tasks.send_due_messages"


def send_schedule_ensure() -> bool:
    """Make sure one sending run waits in the task queue (each run queues the next, every
    ``OPENAR_SEND_INTERVAL`` seconds). Returns True when one was queued now."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=SEND_TASK_PATH, status="READY").exists():
        return False
    send_due_messages.using(
        run_after=timezone.now() + dt.timedelta(seconds=settings.OPENAR_SEND_INTERVAL)
    ).enqueue()
    return True


@task()
def send_due_messages() -> dict[str, int]:
    """Worker entry point: send what is due today, then queue the next run."""
    from openar.comms.services import outbox_send

    try:
        result = outbox_send(as_of=today(), actor="worker")
    finally:
        send_schedule_ensure()
    return result.as_json()


# --- email in ----------------------------------------------------------------------------------

FETCH_TASK_PATH = "openar.jobs.tasks.fetch_mail"


def fetch_schedule_ensure() -> bool:
    """Make sure one mailbox run waits in the task queue when ``OPENAR_IMAP_URL`` is set (each
    run queues the next, every ``OPENAR_FETCH_INTERVAL`` seconds). True when one was queued."""
    from django_tasks_db.models import DBTaskResult

    if not settings.OPENAR_IMAP_URL:
        return False
    if DBTaskResult.objects.filter(task_path=FETCH_TASK_PATH, status="READY").exists():
        return False
    fetch_mail.using(
        run_after=timezone.now() + dt.timedelta(seconds=settings.OPENAR_FETCH_INTERVAL)
    ).enqueue()
    return True


@task()
def fetch_mail() -> dict[str, Any]:
    """Worker entry point: read the mailbox, then queue the next run. A mailbox that cannot be
    read is retried on the next run (the Inbox page shows why)."""
    from openar.comms.services.inbound import MailboxError, inbound_fetch

    try:
        return inbound_fetch(actor="worker").as_json()
    except MailboxError as exc:
        return {"error": str(exc)}
    finally:
        fetch_schedule_ensure()
