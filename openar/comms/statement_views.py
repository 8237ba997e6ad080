"""Statement run pages (on the list kit): the runs with a form to start one, and a run's page:
progress while it is prepared or sent, the statements to review (each previewable as PDF, any
excluded), the Send button, and the run report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openar.comms.choices import LineStatus, RunScope, RunStatus
from openar.comms.filters import StatementLineFilterSet, StatementRunFilterSet
from openar.comms.models import StatementRun, StatementRunLine
from openar.comms.selectors import statement_run_counts
from openar.comms.services.statement_runs import (
    statement_line_exclude,
    statement_line_include,
    statement_run_cancel,
    statement_run_send_start,
    statement_run_start,
)
from openar.comms.tables import StatementLineTable, StatementRunTable, scope_text
from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.roles import Role, role_required

ROLES = (Role.COLLECTOR, Role.MANAGER)
ACTIVE = (RunStatus.PREPARING, RunStatus.SENDING)


class StatementRunListView(ObjectListView):
    roles = ROLES
    filterset_class = StatementRunFilterSet
    table_class = StatementRunTable
    template_name = "comms/statement_runs.html"
    per_page = 30

    def get_queryset(self) -> QuerySet[StatementRun]:
        return StatementRun.objects.all()

    def get_extra_context(self) -> dict[str, Any]:
        # A monthly run is usually dated the last day of the month just closed.
        month_end = dates.today().replace(day=1) - dt.timedelta(days=1)
        return {"default_as_of": month_end, "scopes": RunScope.choices}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            as_of = dates.parse_iso_date(request.POST.get("as_of", ""), field="as_of")
            run = statement_run_start(
                as_of=as_of,
                scope=request.POST.get("scope", RunScope.ALL),
                scope_value=request.POST.get("scope_value", ""),
                actor=request.user,
            )
        except OpenARError as exc:
            messages.error(request, exc.message)
            return redirect("comms:statement_runs")
        messages.success(
            request,
            _("Statement run for %(date)s started: the statements are being prepared.")
            % {"date": as_of.isoformat()},
        )
        return redirect("comms:statement_run", pk=run.pk)


statement_runs_view = StatementRunListView.as_view()


class StatementRunView(ObjectListView):
    roles = ROLES
    filterset_class = StatementLineFilterSet
    table_class = StatementLineTable
    template_name = "comms/statement_run.html"

    def get_run(self) -> StatementRun:
        if not hasattr(self, "_run"):
            self._run = get_object_or_404(
                StatementRun.objects.select_related("job", "created_by", "sent_by"),
                pk=self.kwargs["pk"],
            )
        return self._run

    def get_queryset(self) -> QuerySet[StatementRunLine]:
        return StatementRunLine.objects.filter(run=self.get_run())

    def count_text(self, count: int) -> str:
        return _("%(count)d statements") % {"count": count}

    def get_extra_context(self) -> dict[str, Any]:
        run = self.get_run()
        return _run_context(run)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("poll"):
            run = self.get_run()
            if run.status not in ACTIVE:
                response = HttpResponse("")
                response["HX-Refresh"] = "true"
                return response
            return render(request, "comms/_statement_run_status.html", _run_context(run))
        return super().get(request, *args, **kwargs)


def _run_context(run: StatementRun) -> dict[str, Any]:
    counts = statement_run_counts(run)
    return {
        "run": run,
        "job": run.job,
        "scope_label": scope_text(run),
        "counts": counts,
        "ready": counts.get(LineStatus.READY, 0),
        "active": run.status in ACTIVE,
        "in_review": run.status == RunStatus.REVIEW,
        "report": run.report or {},
    }


statement_run_view = StatementRunView.as_view()


@role_required(*ROLES)
def statement_line_pdf_view(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """One statement of the run, as it will be (or was) sent."""
    row = get_object_or_404(StatementRunLine.objects.select_related("customer"), pk=line, run_id=pk)
    if not row.pdf:
        messages.error(request, _("This statement has no PDF: %(why)s") % {"why": row.reason})
        return redirect("comms:statement_run", pk=pk)
    response = HttpResponse(bytes(row.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="statement-{row.customer.customer_ref}-{pk}.pdf"'
    )
    return response


def _back(request: HttpRequest, pk: int) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("comms:statement_run", pk=pk)


@role_required(*ROLES)
@require_POST
def statement_line_exclude_view(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    row = get_object_or_404(StatementRunLine, pk=line, run_id=pk)
    try:
        statement_line_exclude(line=row, reason=request.POST.get("reason", ""), actor=request.user)
    except OpenARError as exc:
        messages.error(request, exc.message)
    return _back(request, pk)


@role_required(*ROLES)
@require_POST
def statement_line_include_view(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    row = get_object_or_404(StatementRunLine, pk=line, run_id=pk)
    try:
        statement_line_include(line=row, actor=request.user)
    except OpenARError as exc:
        messages.error(request, exc.message)
    return _back(request, pk)


@role_required(*ROLES)
@require_POST
def statement_run_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(StatementRun, pk=pk)
    try:
        statement_run_send_start(run=run, actor=request.user)
    except OpenARError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sending the statements."))
    return redirect("comms:statement_run", pk=pk)


@role_required(*ROLES)
@require_POST
def statement_run_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(StatementRun, pk=pk)
    try:
        statement_run_cancel(run=run, actor=request.user)
    except OpenARError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Statement run cancelled: nothing was sent."))
    return redirect("comms:statement_run", pk=pk)
