"""Ledger pages: customer list, customer page, aging report with drill-down and exports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from openar.core import dates
from openar.core.customer_flags import flags_shown
from openar.core.errors import NotFound, OpenARError
from openar.core.figures import customer_figures
from openar.core.lists import ObjectListView
from openar.core.money import ZERO
from openar.core.nav import customer_panels_by_slot
from openar.ledger.aging_export import aging_to_csv, aging_to_xlsx
from openar.ledger.choices import AgingGroup
from openar.ledger.filters import CustomerFilterSet
from openar.ledger.forms import AgingForm, default_buckets
from openar.ledger.models import Customer, CustomerAging
from openar.ledger.selectors import (
    AgingFilters,
    aging_report,
    customer_children,
    customer_list,
    customer_summary,
    customer_time_zone,
    open_items_as_of,
)
from openar.ledger.tables import CustomerTable

AGING_ROWS_PER_PAGE = 50
DRILL_DOWN_LIMIT = 2000


def _as_of_param(request: HttpRequest) -> tuple[dt.date, str | None]:
    """The ``as_of`` query parameter, or today; a bad value falls back to today with a message."""
    text = request.GET.get("as_of", "").strip()
    if not text:
        return dates.today(), None
    try:
        return dates.parse_iso_date(text, field="as_of"), None
    except OpenARError as exc:
        return dates.today(), exc.message


class CustomerListView(ObjectListView):
    """Customers with their aging figures, filtered, sorted and paged."""

    filterset_class = CustomerFilterSet
    table_class = CustomerTable
    template_name = "ledger/customer_list.html"

    def get_queryset(self) -> QuerySet[Customer]:
        return customer_list()

    def get_extra_context(self) -> dict[str, Any]:
        snapshot = CustomerAging.objects.order_by("-as_of").values_list("as_of", "currency").first()
        return {
            "snapshot_as_of": snapshot[0] if snapshot else None,
            "snapshot_currency": snapshot[1] if snapshot else None,
        }


@login_required
def customer_detail_view(request: HttpRequest, customer_ref: str) -> HttpResponse:
    as_of, date_error = _as_of_param(request)
    try:
        summary = customer_summary(customer_ref=customer_ref, as_of=as_of)
    except NotFound:
        raise Http404(_("No such customer")) from None
    customer = summary.customer
    report = summary.aging
    # The bar shows where the money sits; credits are left out of the proportions.
    positive = sum((v for v in report.totals.values() if v > 0), ZERO)
    buckets = [
        {
            "name": name,
            "amount": report.totals[name],
            "share": float(report.totals[name] / positive * 100)
            if positive and report.totals[name] > 0
            else 0.0,
            "index": i,
        }
        for i, name in enumerate(report.bucket_names)
    ]
    children = customer_children(customer=customer, as_of=as_of)
    figures = customer_figures(customer, as_of, summary.currency, summary.past_due)
    panels = customer_panels_by_slot(request, customer, as_of)
    return render(
        request,
        "ledger/customer_detail.html",
        {
            "summary": summary,
            "customer": customer,
            "as_of": as_of,
            "date_error": date_error,
            "buckets": buckets,
            "children": children,
            "flags": flags_shown(customer),
            "over_limit": summary.available_credit is not None and summary.available_credit < 0,
            "disputed": figures.get("disputed"),
            "collectible_past_due": figures.get("collectible_past_due", summary.past_due),
            "time_zone": customer_time_zone(customer),
            # Sections other apps contribute (risk score, promises, queue...), already rendered:
            # the wide column (timeline, actions) and the work column (what to do now).
            "main_panels": [mark_safe(html) for html in panels.get("main", [])],
            "side_panels": [mark_safe(html) for html in panels.get("side", [])],
        },
    )


def _with_aging_defaults(request: HttpRequest) -> Any:
    # The form shows the values the report used, so an empty field shows its default.
    data = request.GET.copy()
    for name, value in (
        ("as_of", dates.today().isoformat()),
        ("by", AgingGroup.CUSTOMER.value),
        ("buckets", default_buckets()),
    ):
        if not data.get(name, "").strip():
            data[name] = value
    return data


def _aging_query(args: dict[str, Any], **extra: Any) -> str:
    filters: AgingFilters = args["filters"]
    params = {
        "as_of": args["as_of"].isoformat(),
        "by": args["by"],
        "buckets": args["bucket_bounds"],
        "entity": filters.entity or "",
        "collector": filters.collector or "",
        "segment": filters.segment or "",
        **extra,
    }
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


@login_required
def aging_view(request: HttpRequest) -> HttpResponse:
    form = AgingForm(_with_aging_defaults(request))
    args = form.report_args(dates.today())
    report = aging_report(**args)
    page = Paginator(report.rows, AGING_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    base_query = _aging_query(args)
    rows = [
        {
            "row": row,
            "cells": [
                (row.buckets[name], _aging_query(args, key=row.key, bucket=name))
                for name in report.bucket_names
            ],
            "total_query": _aging_query(args, key=row.key),
        }
        for row in page.object_list
    ]
    return render(
        request,
        "ledger/aging.html",
        {
            "form": form,
            "report": report,
            "rows": rows,
            "page": page,
            "base_query": base_query,
            "by_label": AgingGroup(report.by).label,
            "foreign_rates": sorted(
                (code, rate) for code, rate in report.rates.items() if code != report.currency
            ),
        },
    )


@login_required
def aging_items_view(request: HttpRequest) -> HttpResponse:
    """Drill-down: the open items behind one aging cell (or the whole report when no key)."""
    form = AgingForm(request.GET)
    args = form.report_args(dates.today())
    by, key = args["by"], request.GET.get("key", "").strip()
    bucket = request.GET.get("bucket", "").strip() or None
    base: AgingFilters = args["filters"]
    target = {
        AgingGroup.CUSTOMER: "customer_ref",
        AgingGroup.COLLECTOR: "collector",
        AgingGroup.ENTITY: "entity",
        AgingGroup.GROUP: "group_ref",
    }[AgingGroup(by)]
    # The clicked row's key narrows the report's own filters (and wins over the same filter).
    narrowed = {"entity": base.entity, "collector": base.collector, "segment": base.segment}
    if key:
        narrowed[target] = key
    filters = AgingFilters(**narrowed)
    try:
        items = open_items_as_of(
            as_of=args["as_of"],
            filters=filters,
            bucket=bucket,
            bucket_bounds=args["bucket_bounds"],
            limit=DRILL_DOWN_LIMIT + 1,
        )
    except OpenARError as exc:
        raise Http404(exc.message) from None
    truncated = len(items) > DRILL_DOWN_LIMIT
    items = items[:DRILL_DOWN_LIMIT]
    totals: dict[str, Decimal] = {}
    for item in items:
        cur = item.document.currency
        totals[cur] = totals.get(cur, ZERO) + item.open_amount
    return render(
        request,
        "ledger/aging_items.html",
        {
            "items": items,
            "truncated": truncated,
            "limit": DRILL_DOWN_LIMIT,
            "totals": sorted(totals.items()),
            "as_of": args["as_of"],
            "by_label": AgingGroup(by).label,
            "key": key,
            "bucket": bucket,
            "back_query": _aging_query(args),
        },
    )


def _export_report(request: HttpRequest) -> Any:
    form = AgingForm(request.GET)
    return aging_report(**form.report_args(dates.today()))


@login_required
def aging_export_csv(request: HttpRequest) -> HttpResponse:
    report = _export_report(request)
    buffer = io.StringIO()
    aging_to_csv(report, buffer)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"aging-{report.by}-{report.as_of.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def aging_export_xlsx(request: HttpRequest) -> HttpResponse:
    report = _export_report(request)
    buffer = io.BytesIO()
    aging_to_xlsx(report, buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"aging-{report.by}-{report.as_of.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
