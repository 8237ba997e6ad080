"""The job page (on the list kit): background runs (the daily cycle) with live progress, filters
and pages, and a form to start one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.models import JobRun
from openar.core.roles import Role, role_required
from openar.jobs.filters import JobRunFilterSet
from openar.jobs.selectors import jobs_running
from openar.jobs.tables import JobRunTable
from openar.jobs.tasks import daily_job_start


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


class JobListView(ObjectListView):
    """Runs newest first, 30 a page; while one is waiting or running the results refresh every
    two seconds."""

    roles = (Role.MANAGER,)
    filterset_class = JobRunFilterSet
    table_class = JobRunTable
    template_name = "jobs/job_list.html"
    results_template_name = "jobs/_job_results.html"
    per_page = 30

    def get_queryset(self) -> QuerySet[JobRun]:
        return JobRun.objects.all()

    def is_results_request(self) -> bool:
        # ``?partial=1``: the results alone, the way pages built before the kit asked for them.
        return super().is_results_request() or (
            _is_htmx(self.request) and bool(self.request.GET.get("partial"))
        )

    def count_text(self, count: int) -> str:
        return ngettext("%(n)s run", "%(n)s runs", count) % {"n": count}

    def get_extra_context(self) -> dict[str, Any]:
        return {"polling": jobs_running(), "default_as_of": dates.today()}


job_list_view = JobListView.as_view()


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
