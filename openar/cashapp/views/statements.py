"""Statement list and upload (with the matching run that follows it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openar.cashapp.choices import LineStatus
from openar.cashapp.forms import StatementUploadForm
from openar.cashapp.models import (
    StatementFile,
    StatementLine,
)
from openar.cashapp.views.common import (
    QUEUE_STATUSES,
    cash_role_required,
)
from openar.core.dates import today
from openar.core.errors import OpenARError

# -- statements ----------------------------------------------------------------------------------


@cash_role_required
def statement_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = StatementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            response = _upload(request, form)
            if response is not None:
                return response
    else:
        form = StatementUploadForm()
    files = (
        StatementFile.objects.select_related("bank_account", "imported_by")
        .annotate(
            n_lines=Count("lines"),
            n_review=Count(
                "lines", filter=Q(lines__status__in=QUEUE_STATUSES["review"], lines__amount__gt=0)
            ),
            n_unidentified=Count("lines", filter=Q(lines__status=LineStatus.UNIDENTIFIED)),
            n_auto=Count("lines", filter=Q(lines__status=LineStatus.AUTO_APPLIED)),
            n_applied=Count("lines", filter=Q(lines__status=LineStatus.APPLIED)),
            n_on_account=Count("lines", filter=Q(lines__status=LineStatus.ON_ACCOUNT)),
            n_debit=Count("lines", filter=Q(lines__status=LineStatus.DEBIT)),
        )
        .order_by("-imported_at", "-id")
    )
    page = Paginator(files, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cashapp/statements.html",
        {"form": form, "page": page, "kpis": _queue_kpis(), "tab": "statements"},
    )


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
