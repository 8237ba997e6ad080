"""Write-offs: the list (pending first, approve/reject within one's limit), asking for one from
the account page, and the bad-debt reserve report (page and CSV)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.roles import Role, has_role, role_required
from openar.core.spreadsheets import csv_writer
from openar.credit.choices import WriteOffStatus
from openar.credit.filters import WriteOffFilterSet
from openar.credit.models import WriteOff
from openar.credit.selectors import bad_debt_reserve, write_off_counts
from openar.credit.services import (
    WRITE_OFF_REQUEST_ROLES,
    approval_limits,
    write_off_decide,
    write_off_request,
)
from openar.credit.tables import WriteOffTable
from openar.ledger.models import Customer

WRITE_OFF_DENIED = gettext_lazy("Write-offs are for collectors, credit analysts and managers.")
REPORT_ROLES = (Role.CREDIT, Role.MANAGER)


class WriteOffListView(ObjectListView):
    filterset_class = WriteOffFilterSet
    table_class = WriteOffTable
    template_name = "credit/write_off_list.html"
    filter_defaults = {"status": WriteOffStatus.PENDING.value}
    roles = WRITE_OFF_REQUEST_ROLES
    role_message = WRITE_OFF_DENIED

    def get_queryset(self) -> QuerySet[WriteOff]:
        return WriteOff.objects.all()

    def get_extra_context(self) -> dict[str, Any]:
        return {
            "counts": write_off_counts(),
            "status_choices": WriteOffStatus.choices,
            "can_decide": True,
            "show_reserve": has_role(self.request.user, *REPORT_ROLES),
            "limits": [
                (limit, Role(role).label if role in Role.values else role)
                for role, limit in sorted(approval_limits().items(), key=lambda kv: kv[1])
            ],
        }


write_off_list_view = WriteOffListView.as_view()


@role_required(*WRITE_OFF_REQUEST_ROLES, message=WRITE_OFF_DENIED)
@require_POST
def write_off_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    write_off = get_object_or_404(WriteOff, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose approve or reject."))
    else:
        try:
            write_off_decide(
                write_off=write_off,
                approve=decision == "approve",
                actor=request.user,
                as_of=dates.today(),
                note=request.POST.get("note", ""),
            )
        except OpenARError as exc:
            messages.error(request, exc.message)
        else:
            if decision == "approve":
                messages.success(
                    request, _("Write-off approved: the items are written off and posted.")
                )
            else:
                messages.success(request, _("Write-off rejected."))
    target = request.POST.get("next", "")
    return redirect(
        target if target.startswith("/") and not target.startswith("//") else "credit:write_offs"
    )


@role_required(*WRITE_OFF_REQUEST_ROLES, message=WRITE_OFF_DENIED)
@require_POST
def write_off_request_view(request: HttpRequest, customer_ref: str) -> HttpResponse:
    """Ask for one item of the account to be written off (the API takes several)."""
    customer = get_object_or_404(
        Customer.objects.select_related("entity"), customer_ref=customer_ref
    )
    document = request.POST.get("document", "")
    entity, _sep, ref = document.partition("/")
    try:
        write_off_request(
            customer=customer,
            items=[{"entity": entity, "document_ref": ref, "amount": request.POST.get("amount")}],
            reason=request.POST.get("reason", ""),
            actor=request.user,
            as_of=dates.today(),
        )
    except OpenARError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The write-off waits for approval."))
    return redirect(reverse("ledger:customer_detail", args=[customer.customer_ref]) + "#write-offs")


@role_required(
    *REPORT_ROLES, message=gettext_lazy("The reserve report is for credit and managers.")
)
def reserve_view(request: HttpRequest) -> HttpResponse:
    """The bad-debt reserve by aging bucket and risk class; ``?format=csv`` downloads it."""
    report = bad_debt_reserve()
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="bad-debt-reserve.csv"'
        rows = report.as_rows()
        writer = csv_writer(response)  # type: ignore[arg-type]  # HttpResponse is a text stream
        writer.writerow(("risk_class", "bucket", "open_amount", "percent", "reserve", "currency"))
        for row in rows:
            writer.writerow(row.values())
        return response
    lines = [
        {
            "row": row,
            "cells": list(
                zip(
                    row.amounts, report.percents.get(row.risk_class, []), row.reserves, strict=False
                )
            ),
        }
        for row in report.rows
    ]
    return render(
        request,
        "credit/reserve.html",
        {
            "report": report,
            "lines": lines,
            "totals": list(zip(report.totals, report.reserve_totals, strict=True)),
        },
    )


def can_request(user: Any) -> bool:
    return has_role(user, *WRITE_OFF_REQUEST_ROLES)
