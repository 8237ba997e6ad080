"""The analytics page: what is open and where, how long cases take, why customers dispute,
and what was recovered against what was credited."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openar.core import dates
from openar.core.roles import Role, role_required
from openar.disputes.analytics import dispute_analytics
from openar.disputes.views.common import reason_label

PERIODS = (90, 180, 365)


@role_required(
    Role.MANAGER, Role.RESEARCH, Role.COLLECTOR,
    message=gettext_lazy("Dispute analytics are for managers, research and collectors."),
)  # fmt: skip
def analytics_view(request: HttpRequest) -> HttpResponse:
    as_of = dates.today()
    try:
        days = int(request.GET.get("days", "365"))
    except ValueError:
        days = 365
    days = days if days in PERIODS else 365
    data = dispute_analytics(
        as_of=as_of,
        since=as_of - dt.timedelta(days=days),
        reason_label=reason_label,
        unassigned=_("not set"),
    )
    causes = [
        (_("By reason"), data.causes["reason"]),
        (_("By product line"), data.causes["product_line"]),
        (_("By sales rep"), data.causes["sales_rep"]),
        (_("Top customers"), data.causes["customer"]),
    ]
    return render(
        request,
        "disputes/analytics.html",
        {"data": data, "causes": causes, "days": days, "periods": PERIODS},
    )
