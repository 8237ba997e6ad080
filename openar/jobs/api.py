"""Job endpoints: start the daily cycle (a scheduler, or an ERP after its nightly load), poll it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from openar.core.dates import today
from openar.core.errors import NotFound
from openar.core.models import JobRun
from openar.core.roles import Role, api_check_role
from openar.core.schemas import ERRORS
from openar.jobs.tasks import daily_job_start

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    as_of: dt.date | None
    status: str = Field(description="queued, running, done or failed")
    steps_done: int
    steps_total: int
    current_step: str
    result: dict | None = Field(description="the run-daily --json figures once done")
    error: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class DailyIn(Schema):
    as_of: dt.date | None = Field(None, description="default: today")


def _manager(request: HttpRequest) -> Any:
    return api_check_role(request, Role.MANAGER, message="jobs need the manager or admin role")


def _job(job: JobRun) -> dict[str, Any]:
    return {name: getattr(job, name) for name in JobOut.model_fields}


@router.post("/jobs/daily", response={202: JobOut, **ERRORS}, summary="Start the daily cycle")
def daily_start(request: HttpRequest, payload: DailyIn) -> Status[dict[str, Any]]:
    """Queue a daily-cycle run for the task worker; 409 while another one is queued or running."""
    user = _manager(request)

    return Status(202, _job(daily_job_start(as_of=payload.as_of or today(), actor=user)))


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, summary="A job's progress")
def job_get(request: HttpRequest, job_id: int) -> dict[str, Any]:
    _manager(request)
    job = JobRun.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(f"no job {job_id}", field="job_id")
    return _job(job)
