"""The job page: background runs (the daily cycle) with live progress, and a form to start one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.models import JobRun
from openar.core.roles import Role, role_required
from openar.jobs.tasks import daily_job_start

JOBS_SHOWN = 30


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@role_required(Role.MANAGER)
def job_list_view(request: HttpRequest) -> HttpResponse:
    jobs = list(JobRun.objects.select_related("started_by")[:JOBS_SHOWN])
    context = {
        "jobs": jobs,
        "polling": any(job.is_active for job in jobs),
        "default_as_of": dates.today(),
    }
    if _is_htmx(request) and request.GET.get("partial"):
        return render(request, "jobs/_job_table.html", context)
    return render(request, "jobs/job_list.html", context)


@role_required(Role.MANAGER)
def job_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(JobRun.objects.select_related("started_by"), pk=pk)
    template = "jobs/_job_detail.html" if _is_htmx(request) else "jobs/job_detail.html"
    return render(request, template, {"job": job})


@role_required(Role.MANAGER)
@require_POST
def job_start_view(request: HttpRequest) -> HttpResponse:
    try:
        as_of = dates.parse_iso_date(request.POST.get("as_of", ""), field="as_of")
        daily_job_start(as_of=as_of, actor=request.user)
    except OpenARError as exc:
        messages.error(request, exc.message)
        return redirect("jobs:list")
    messages.success(request, _("Daily cycle for %(date)s queued.") % {"date": as_of.isoformat()})
    return redirect("jobs:list")
