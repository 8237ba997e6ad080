"""The dashboards: the manager's (portfolio trend, aging by week, DSO trend, top past-due
accounts, collector leaderboard, disputes by reason) and the collector's (my portfolio, my
promises, my targets), filtered by entity, collector, segment and period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from openar.core.dates import today
from openar.core.roles import Role, has_role, role_required
from openar.reports import charts
from openar.reports.forms import DashboardFilterForm
from openar.reports.selectors.dashboard import (
    Trend,
    calls_on,
    disputes_by_reason,
    leaderboard,
    promises_due,
    top_past_due,
    trend,
)
from openar.reports.selectors.forecast import SOURCES, cash_forecast
from openar.reports.selectors.kpis import Scope, kpis
from openar.worklist.selectors import daily_target

MANAGERS = (Role.MANAGER, Role.ADMIN, Role.CREDIT)


def _label(day: dt.date) -> str:
    return dateformat.format(day, "j M")


def trend_charts(data: Trend, currency: str) -> dict[str, SafeString]:
    """The portfolio trend, the aging stacked by week and the DSO trend as SVG."""
    labels = [_label(p.day) for p in data.points]
    portfolio = charts.line_chart(
        labels,
        [
            charts.Series(_("Balance"), [p.balance for p in data.points], charts.PALETTE[0]),
            charts.Series(_("Past due"), [p.past_due for p in data.points], charts.PALETTE[1]),
        ],
        label=_("Portfolio trend in %(currency)s") % {"currency": currency},
    )
    aging = charts.stacked_bar_chart(
        labels,
        [
            charts.Series(
                _("Current") if name == "current" else name,
                [p.buckets[i] for p in data.points],
                charts.BUCKET_COLORS[i],
            )
            for i, name in enumerate(data.bucket_names)
        ],
        label=_("Aging by week in %(currency)s") % {"currency": currency},
        width=1280,
        height=300,
    )
    dso = charts.line_chart(
        labels,
        [charts.Series(_("DSO"), [p.dso for p in data.points], charts.PALETTE[4])],
        label=_("DSO trend in days"),
        fmt=lambda v: f"{v:.0f}",
    )
    return {"portfolio": mark_safe(portfolio), "aging": mark_safe(aging), "dso": mark_safe(dso)}


def _context(request: HttpRequest, form: DashboardFilterForm, scope: Scope) -> dict[str, Any]:
    f = form.values()
    as_of, weeks = f["as_of"], f["weeks"]
    currency = settings.OPENAR_REPORTING_CURRENCY
    data = trend(as_of=as_of, weeks=weeks, scope=scope)
    return {
        "form": form,
        "as_of": as_of,
        "weeks": weeks,
        "period_days": weeks * 7,
        "currency": currency,
        "scope": scope,
        "kpi": kpis(as_of=as_of, period_days=weeks * 7, scope=scope),
        "charts": trend_charts(data, currency),
        "has_trend": bool(data.points),
        "top": top_past_due(as_of=as_of, scope=scope),
        **forecast_context(as_of, scope, currency),
    }


def forecast_context(as_of: dt.date, scope: Scope, currency: str) -> dict[str, Any]:
    """The 13-week cash forecast and its chart."""
    forecast = cash_forecast(as_of=as_of, weeks=13, scope=scope)
    names = {"promised": _("Promised"), "predicted": _("Predicted"), "due": _("Due")}
    colors = {"promised": charts.PALETTE[2], "predicted": charts.PALETTE[0], "due": "#98a2b3"}
    chart = charts.stacked_bar_chart(
        [_label(w.start) for w in forecast.weeks],
        [
            charts.Series(str(names[k]), [w.amounts[k] for w in forecast.weeks], colors[k])
            for k in SOURCES
        ],
        label=_("Cash forecast in %(currency)s") % {"currency": currency},
        width=1280,
        height=300,
    )
    return {"forecast": forecast, "forecast_chart": mark_safe(chart)}


def _with_date(request: HttpRequest) -> Any:
    """The filters asked for, the as-of date shown as today when none was given."""
    data = request.GET.copy()
    if not data.get("as_of"):
        data["as_of"] = today().isoformat()
    return data


@role_required(*MANAGERS)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(_with_date(request))
    f = form.values()
    scope = Scope(entity=f["entity"], collector=f["collector"], segment=f["segment"])
    context = _context(request, form, scope)
    reasons = disputes_by_reason(as_of=context["as_of"], scope=scope)
    context["leaders"] = leaderboard(
        as_of=context["as_of"], period_days=context["period_days"], scope=scope
    )
    context["reasons"] = reasons
    context["reasons_chart"] = (
        mark_safe(
            charts.hbar_chart(
                [(label, amount) for label, _n, amount in reasons[:8]],
                label=_("Disputes by reason"),
                color=charts.PALETTE[3],
            )
        )
        if reasons
        else ""
    )
    return render(request, "reports/dashboard.html", context)


@role_required(Role.COLLECTOR, *MANAGERS)
def my_dashboard_view(request: HttpRequest) -> HttpResponse:
    """A collector's own dashboard; a manager may open any collector's with ?collector=."""
    manager = has_role(request.user, *MANAGERS)
    form = DashboardFilterForm(_with_date(request), with_collector=manager)
    f = form.values()
    username = (f.get("collector") if manager else None) or request.user.get_username()
    scope = Scope(entity=f["entity"], collector=username, segment=f["segment"])
    context = _context(request, form, scope)
    as_of = context["as_of"]
    from django.contrib.auth import get_user_model

    collector = get_user_model().objects.filter(username=username).first() or request.user
    target = daily_target(collector.pk or 0)
    week_start = as_of - dt.timedelta(days=as_of.weekday())
    workdays = min(as_of.weekday(), 4) + 1
    context.update(
        {
            "collector": collector,
            "promises": promises_due(as_of=as_of, collector=collector),
            "calls_today": calls_on(user=collector, start=as_of, end=as_of),
            "calls_week": calls_on(user=collector, start=week_start, end=as_of),
            "target_today": target,
            "target_week": target * workdays,
            "is_manager": manager,
        }
    )
    return render(request, "reports/my_dashboard.html", context)
