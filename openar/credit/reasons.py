"""The texts of credit's reason codes (``core.reasons``), in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openar.core.reasons import amount_text, register_reason
from openar.credit.choices import ReleaseCondition


def _requested(params: Mapping[str, Any]) -> str:
    return _("Asked for by %(user)s") % {"user": params.get("user", "")}


def _text(params: Mapping[str, Any]) -> str:
    return str(params.get("text", ""))


def _condition_met(params: Mapping[str, Any]) -> str:
    value = str(params.get("condition", ""))
    label = ReleaseCondition(value).label if value in ReleaseCondition.values else value
    return _("Release condition met: %(condition)s") % {"condition": label}


def _n(params: Mapping[str, Any], name: str) -> int:
    try:
        return int(params.get(name, 0))
    except (TypeError, ValueError):
        return 0


_REVIEW: dict[str, Any] = {
    "review_trigger_over": lambda p: _("Limit exceeded"),
    "review_trigger_promises": lambda p: (
        ngettext(
            "%(count)d promise broken in 90 days",
            "%(count)d promises broken in 90 days",
            _n(p, "count"),
        )
        % {"count": _n(p, "count")}
    ),
    "review_trigger_class": lambda p: (
        _("Risk class dropped from %(before)s to %(after)s")
        % {"before": p.get("before", ""), "after": p.get("after", "")}
    ),
    "review_trigger_periodic": lambda p: (
        ngettext(
            "Periodic review (every %(months)d month)",
            "Periodic review (every %(months)d months)",
            _n(p, "months"),
        )
        % {"months": _n(p, "months")}
    ),
    "review_no_limit": lambda p: _("no limit to review"),
    "review_over_limit": lambda p: (
        _("%(amount)s over the limit")
        % {"amount": amount_text(p.get("amount", "0"), str(p.get("currency", "")))}
    ),
    "review_days_past_due": lambda p: (
        ngettext(
            "oldest item %(days)d day past due", "oldest item %(days)d days past due", _n(p, "days")
        )
        % {"days": _n(p, "days")}
    ),
    "review_promises_broken": lambda p: (
        ngettext("%(count)d promise broken", "%(count)d promises broken", _n(p, "count"))
        % {"count": _n(p, "count")}
    ),
    "review_class_dropped": lambda p: (
        _("risk class down from %(before)s to %(after)s")
        % {"before": p.get("before", ""), "after": p.get("after", "")}
    ),
    "review_pays_late": lambda p: (
        ngettext(
            "pays %(days)d day late on average", "pays %(days)d days late on average", _n(p, "days")
        )
        % {"days": _n(p, "days")}
    ),
    "review_high_use": lambda p: (
        _("uses %(percent)d%% of the limit") % {"percent": _n(p, "percent")}
    ),
    "review_good_payer": lambda p: _("pays on time, no broken promises"),
    "review_steady": lambda p: _("collection behaviour steady"),
}
_LEADS = {
    "review_trigger_over", "review_trigger_promises", "review_trigger_class",
    "review_trigger_periodic",
}  # fmt: skip


def register() -> None:
    for code, render in _REVIEW.items():
        register_reason(code, render, lead=code in _LEADS)
    register_reason("requested", _requested, lead=True)
    register_reason("text", _text)
    register_reason("release_condition_met", _condition_met)
