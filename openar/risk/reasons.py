"""Reason codes in plain words. Scores store ``{"code", "params", "weight"}``; the text is made
when shown, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _late_avg(p: dict[str, Any]) -> str:
    days = int(p.get("days", 0))
    if days > 0:
        text = ngettext(
            "pays %(days)d day late on average", "pays %(days)d days late on average", days
        ) % {"days": days}
    elif days < 0:
        text = ngettext(
            "pays %(days)d day early on average", "pays %(days)d days early on average", -days
        ) % {"days": -days}
    else:
        text = _("pays on time on average")
    trend = p.get("trend")
    if trend is not None and abs(int(trend)) >= 5:
        values = {"recent": int(p.get("recent", 0)), "prior": int(p.get("prior", 0))}
        if trend > 0:
            text += _(", worse lately (%(recent)d days last quarter, %(prior)d before)") % values
        else:
            text += _(", better lately (%(recent)d days last quarter, %(prior)d before)") % values
    return text


def _count(p: dict[str, Any], key: str = "count") -> int:
    return int(p.get(key, 0))


def _text(code: str, p: dict[str, Any]) -> str:
    if code == "no_history":
        return _("no payment history yet: scored on the scorecard")
    if code == "thin_history":
        return _(
            "only %(count)d paid invoices (the model needs %(needed)d): scored on the scorecard"
        ) % {"count": _count(p), "needed": _count(p, "needed")}
    if code == "model_unavailable":
        return _("the learned model could not be loaded: scored on the scorecard")
    if code == "late_avg":
        return _late_avg(p)
    if code == "late_weighted":
        return _("pays %(days)d days beyond terms, weighted by amount") % {
            "days": _count(p, "days")
        }
    if code == "late_trend":
        trend = int(p.get("trend", 0))
        if trend > 0:
            return ngettext(
                "paying %(days)d day later than the quarter before",
                "paying %(days)d days later than the quarter before",
                trend,
            ) % {"days": trend}
        if trend < 0:
            return ngettext(
                "paying %(days)d day sooner than the quarter before",
                "paying %(days)d days sooner than the quarter before",
                -trend,
            ) % {"days": -trend}
        return _("paying as promptly as the quarter before")
    if code == "share_late":
        return _("%(pct)d%% of invoices paid late") % {"pct": _count(p, "pct")}
    if code == "share_late30":
        return _("%(pct)d%% of invoices paid more than %(days)d days late") % {
            "pct": _count(p, "pct"),
            "days": _count(p, "days"),
        }
    if code == "partial_payments":
        return _("%(pct)d%% of invoices paid in parts or short") % {"pct": _count(p, "pct")}
    if code == "past_due_limit":
        return _("%(pct)d%% of credit limit past due") % {"pct": _count(p, "pct")}
    if code == "balance_limit":
        return _("balance is %(pct)d%% of the credit limit") % {"pct": _count(p, "pct")}
    if code == "oldest_past_due":
        days = _count(p, "days")
        if days <= 0:
            return _("nothing past due")
        return ngettext(
            "oldest open item %(days)d day past due",
            "oldest open item %(days)d days past due",
            days,
        ) % {"days": days}
    if code == "disputes_open":
        count = _count(p)
        if count == 0:
            return _("no open disputes")
        return ngettext(
            "%(count)d open dispute, %(days)d days old",
            "%(count)d open disputes, the oldest %(days)d days old",
            count,
        ) % {"count": count, "days": _count(p, "days")}
    if code == "promises_broken":
        count = _count(p)
        if count == 0:
            return _("no broken promises in %(days)d days") % {"days": _count(p, "days")}
        return ngettext(
            "%(count)d broken promise in %(days)d days",
            "%(count)d broken promises in %(days)d days",
            count,
        ) % {"count": count, "days": _count(p, "days")}
    if code == "promises_kept":
        return _("%(count)d promises kept in %(days)d days") % {
            "count": _count(p),
            "days": _count(p, "days"),
        }
    if code == "tenure":
        months = _count(p, "months")
        if months >= 24:
            return _("customer for %(years)d years") % {"years": months // 12}
        return ngettext(
            "customer for %(months)d month", "customer for %(months)d months", months
        ) % {"months": months}
    if code == "rating":
        if p.get("provider"):
            return _("%(provider)s rating %(rating)s (%(score)d/100)") % {
                "provider": p["provider"],
                "rating": p.get("rating", ""),
                "score": _count(p, "score"),
            }
        return _("bureau rating %(score)d/100") % {"score": _count(p, "score")}
    if code == "group_late":
        return _("its group pays %(days)d days late on average") % {"days": _count(p, "days")}
    if code == "history_size":
        return _("%(count)d invoices paid in the last year") % {"count": _count(p)}
    return code


def reason_text(reason: dict[str, Any], *, language: str | None = None) -> str:
    """The reason in plain words, in ``language`` (default: the active language)."""
    code = str(reason.get("code", ""))
    params = reason.get("params") or {}
    if language:
        with translation.override(language):
            return _text(code, params)
    return _text(code, params)
