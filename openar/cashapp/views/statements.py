"""Statement list and upload (with the matching run that follows it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openar.cashapp.choices import LineStatus
from openar.cashapp.filters import StatementFilterSet
from openar.cashapp.forms import StatementUploadForm
from openar.cashapp.models import (
    StatementFile,
    StatementLine,
)
from openar.cashapp.tables import StatementTable
from openar.cashapp.views.common import CASH_ROLE_MESSAGE, CASH_ROLES
from openar.core.dates import today
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView

# -- statements ----------------------------------------------------------------------------------


class StatementListView(ObjectListView):
    """Imported statements with their lines counted by status, and the upload form above."""

    roles = CASH_ROLES
    role_message = CASH_ROLE_MESSAGE
    filterset_class = StatementFilterSet
    table_class = StatementTable
    template_name = "cashapp/statements.html"

    def get_queryset(self) -> QuerySet[StatementFile]:
        return StatementFile.objects.all()

    def count_text(self, count: int) -> str:
        return ngettext("%(n)s statement", "%(n)s statements", count) % {"n": count}

    def get_extra_context(self) -> dict[str, Any]:
        return {
            "upload_form": getattr(self, "upload_form", None) or StatementUploadForm(),
            "kpis": _queue_kpis(),
            "tab": "statements",
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = StatementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            response = _upload(request, form)
            if response is not None:
                return response
        self.upload_form = form  # shown again with its errors
        return self.get(request, *args, **kwargs)


statement_list = StatementListView.as_view()


def _queue_kpis() -> dict[str, Any]:
    counts = dict(
        StatementLine.objects.filter(amount__gt=0)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    credits = sum(counts.values())
    auto = counts.get(LineStatus.AUTO_APPLIED, 0)
    return {
        "review": counts.get(LineStatus.REVIEW, 0) + counts.get(LineStatus.NEW, 0),
        "unidentified": counts.get(LineStatus.UNIDENTIFIED, 0),
        "auto": auto,
        "applied": counts.get(LineStatus.APPLIED, 0) + counts.get(LineStatus.ON_ACCOUNT, 0),
        "credits": credits,
        "auto_rate": round(100 * auto / credits, 1) if credits else None,
    }


def _upload(request: HttpRequest, form: StatementUploadForm) -> HttpResponse | None:
    from openar.cashapp.services import lines_match, statement_import

    upload = form.cleaned_data["file"]
    data = b"".join(upload.chunks())
    layout = form.cleaned_data.get("layout")
    fmt = form.cleaned_data["fmt"]
    if layout is not None and fmt == "auto":
        fmt = "csv"
    try:
        summary = statement_import(
            actor=request.user,
            data=data,
            name=Path(upload.name).name,
            fmt=fmt,
            layout=layout,
            accept_unbalanced=form.cleaned_data.get("accept_unbalanced", False),
        )
    except OpenARError as exc:
        form.add_error("file" if exc.field in (None, "file", "account") else None, exc.message)
        return None
    file_ids = list(summary.statement_file_ids)
    text = _("Imported %(file)s: %(lines)s lines, %(receipts)s receipts.") % {
        "file": upload.name,
        "lines": summary.lines,
        "receipts": summary.receipts_created,
    }
    if form.cleaned_data.get("match_now"):
        line_ids = list(
            StatementLine.objects.filter(
                statement_id__in=file_ids, status__in=(LineStatus.NEW, LineStatus.REVIEW)
            ).values_list("id", flat=True)
        )
        if line_ids:
            try:
                matched = lines_match(as_of=today(), actor=request.user, line_ids=line_ids)
            except OpenARError as exc:
                messages.error(request, exc.message)
            else:
                text += " " + _(
                    "Matched: %(auto)s applied automatically, %(review)s to review, "
                    "%(unidentified)s unidentified."
                ) % {
                    "auto": matched.auto_applied,
                    "review": matched.review,
                    "unidentified": matched.unidentified,
                }
    messages.success(request, text)
    if summary.warnings:
        n = len({(w["statement_id"], w["currency"]) for w in summary.warnings})
        messages.warning(
            request,
            ngettext(
                "%(n)s statement does not balance; it was imported as the bank sent it.",
                "%(n)s statements do not balance; they were imported as the bank sent them.",
                n,
            )
            % {"n": n},
        )
    target = reverse("cashapp:review")
    if len(file_ids) == 1:
        target += "?" + urlencode({"statement": file_ids[0]})
    return redirect(target)
