"""Each KPI's name and definition as people read them (the dashboards' tooltips, the text
table of ``openar report kpis``); docs/reports.md says the same at more length."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class KpiLabel:
    key: str
    label: Any
    definition: Any
    kind: str  # "days", "fraction", "amount", "count", "rate"


KPIS = [
    KpiLabel(
        "dso_countback",
        _("DSO (countback)"),
        _(
            "Days of the most recent sales it takes to add up to today's open receivables, "
            "counting back month by month."
        ),
        "days",
    ),
    KpiLabel(
        "dso_simple",
        _("DSO"),
        _(
            "Open receivables on the date ÷ amount invoiced over the period \u00d7 the period's "
            "days, both in the reporting currency at the date's rate."
        ),
        "days",
    ),
    KpiLabel(
        "best_possible_dso",
        _("Best possible DSO"),
        _("Receivables not yet due ÷ amount invoiced over the period \u00d7 the period's days."),
        "days",
    ),
    KpiLabel(
        "add",
        _("Average days delinquent"),
        _("DSO \u2212 best possible DSO: the days past due, on average, that receivables carry."),
        "days",
    ),
    KpiLabel(
        "cei",
        _("Collection effectiveness"),
        _(
            "What was collected of what could be: (receivables at the start + invoiced \u2212 "
            "receivables at the end) ÷ (receivables at the start + invoiced \u2212 current "
            "receivables at the end)."
        ),
        "fraction",
    ),
    KpiLabel("pct_current", _("Current"), _("Share of receivables not yet due."), "fraction"),
    KpiLabel("pct_past_due", _("Past due"), _("Share of receivables past due."), "fraction"),
    KpiLabel(
        "pct_over_90",
        _("Over 90 days"),
        _("Share of receivables more than 90 days past due."),
        "fraction",
    ),
    KpiLabel(
        "promise_kept_rate",
        _("Promises kept"),
        _("Promises kept ÷ promises kept or broken, resolved in the period."),
        "fraction",
    ),
    KpiLabel(
        "broken_promise_amount",
        _("Broken promises"),
        _("What broken promises of the period left unpaid."),
        "amount",
    ),
    KpiLabel(
        "dispute_cycle_days",
        _("Dispute cycle time"),
        _("Average days from opening to resolution of the disputes resolved in the period."),
        "days",
    ),
    KpiLabel(
        "disputed_amount",
        _("In dispute"),
        _("Open receivables in active disputes on the date."),
        "amount",
    ),
    KpiLabel(
        "cash_collected",
        _("Cash collected"),
        _("Receipts dated in the period."),
        "amount",
    ),
    KpiLabel(
        "collections_vs_target",
        _("Collections vs target"),
        _(
            "Cash collected ÷ the target: what could be collected in the period (receivables "
            "at the start + invoiced \u2212 current receivables at the end)."
        ),
        "fraction",
    ),
    KpiLabel(
        "unapplied_cash",
        _("Unapplied cash"),
        _("Cash received by the date and not yet applied to invoices."),
        "amount",
    ),
    KpiLabel(
        "bad_debt_written_off",
        _("Bad debt written off"),
        _("Amounts written off in the period."),
        "amount",
    ),
    KpiLabel(
        "accounts_on_hold",
        _("Accounts on hold"),
        _("Accounts on credit hold on the date."),
        "count",
    ),
    KpiLabel(
        "calls_per_collector_day",
        _("Calls per collector per day"),
        _(
            "Calls logged in the period ÷ (collectors \u00d7 working days); target: their "
            "daily goal."
        ),
        "rate",
    ),
]

BY_KEY = {k.key: k for k in KPIS}


def kpi_table(result: dict[str, Any]) -> str:
    """The KPIs as aligned text lines, for a terminal."""
    lines = [
        f"KPIs as of {result['as_of']} over {result['period_days']} days ({result['currency']})"
    ]
    for kpi in KPIS:
        value = result.get(kpi.key)
        if value is None:
            text = "-"
        elif kpi.kind == "fraction":
            text = f"{value * 100:.1f}%"
        elif kpi.kind == "amount":
            text = f"{value} {result['currency']}"
        else:
            text = str(value)
        if kpi.key == "calls_per_collector_day" and result.get("calls_target_per_day"):
            text += f" / {result['calls_target_per_day']}"
        lines.append(f"  {kpi.label!s:<30} {text}")
    return "\n".join(lines) + "\n"
