"""Applied lines: what was settled, by whom and how."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openar.cashapp.choices import ApplicationMode
from openar.cashapp.models import (
    CashApplication,
    StatementLine,
)
from openar.cashapp.views.common import (
    SETTLED_STATUSES,
    cash_role_required,
)

# -- applied lines -------------------------------------------------------------------------------


@cash_role_required
@require_GET
def applied(request: HttpRequest) -> HttpResponse:
    mode = request.GET.get("mode") or ""
    qs = (
        StatementLine.objects.filter(status__in=SETTLED_STATUSES)
        .select_related("receipt__customer", "matched_by")
        .order_by("-matched_at", "-id")
    )
    if mode in ApplicationMode.values:
        qs = qs.filter(applications__mode=mode).distinct()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    by_line: dict[int, list[CashApplication]] = {}
    for ca in (
        CashApplication.objects.filter(line_id__in=[row.pk for row in rows])
        .select_related("application__document")
        .order_by("id")
    ):
        by_line.setdefault(ca.line_id, []).append(ca)
    entries = []
    for row in rows:
        cas = by_line.get(row.pk, [])
        modes = sorted({ca.mode for ca in cas})
        confidences = [ca.confidence for ca in cas if ca.confidence is not None]
        entries.append(
            {
                "line": row,
                "applications": cas,
                "mode": modes[0] if len(modes) == 1 else ("manual" if cas else ""),
                "confidence": round(float(max(confidences)) * 100) if confidences else None,
            }
        )
    return render(
        request,
        "cashapp/applied.html",
        {"page": page, "entries": entries, "mode": mode, "tab": "applied"},
    )
