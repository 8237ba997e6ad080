"""Render a work item's reasons (stored as data) in the active language:
"$42,300 past due 47 days, risk D, promise broken yesterday"."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, gettext, ngettext

from openar.core.reasons import reason_text as core_reason_text

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "MXN": "MX$", "CAD": "CA$", "BRL": "R$"}


def short_amount(amount: str | Decimal, currency: str) -> str:
    """Whole units with the language's grouping and the currency's symbol where common."""
    try:
        value = Decimal(amount).quantize(Decimal(1))
    except (InvalidOperation, TypeError, ValueError):
        return f"{amount} {currency}"
    number = formats.number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    if symbol is None:
        return f"{number} {currency}"
    # English writes the symbol first; Spanish (and most of Europe) after the number.
    if (get_language() or "en").startswith("en"):
        return f"{symbol}{number}"
    return f"{number} {symbol}"


def _days_ago(days: int) -> str:
    if days <= 0:
        return gettext("today")
    if days == 1:
        return gettext("yesterday")
    return ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}


def _in_days(days: int) -> str:
    if days < 0:
        return ngettext("%(n)d day ago", "%(n)d days ago", -days) % {"n": -days}
    if days == 0:
        return gettext("today")
    if days == 1:
        return gettext("tomorrow")
    return ngettext("in %(n)d day", "in %(n)d days", days) % {"n": days}


def reason_text(reason: Mapping[str, Any]) -> str:
    """One reason in words; unknown codes show their code (new reasons never break a page)."""
    code = reason.get("code", "")
    p = reason.get("params") or {}
    if code == "task":
        # A task made by an email or by hand: its reason codes in the reader's language.
        return core_reason_text(p.get("parts"), str(p.get("text", "")))
    if code == "small_balance":
        return gettext("small balance (%(amount)s collectible past due)") % {
            "amount": short_amount(p.get("amount", "0"), p.get("currency", ""))
        }
    if code == "past_due":
        days = int(p.get("days", 0))
        return ngettext(
            "%(amount)s past due %(days)d day", "%(amount)s past due %(days)d days", days
        ) % {"amount": short_amount(p.get("amount", "0"), p.get("currency", "")), "days": days}
    if code == "risk":
        return gettext("risk %(class)s") % {"class": p.get("class", "?")}
    if code == "promise_broken":
        return gettext("promise broken %(when)s") % {"when": _days_ago(int(p.get("days_ago", 0)))}
    if code == "promise_due":
        when = _in_days(int(p.get("in_days", 0)))
        if p.get("amount"):
            return gettext("promise of %(amount)s due %(when)s") % {
                "amount": short_amount(p["amount"], p.get("currency", "")),
                "when": when,
            }
        return gettext("promise due %(when)s") % {"when": when}
    if code == "escalation":
        return gettext("escalation")
    if code == "task_overdue":
        days = int(p.get("days", 0))
        return ngettext("task overdue %(n)d day", "task overdue %(n)d days", days) % {"n": days}
    if code == "never_contacted":
        return gettext("never contacted")
    if code == "last_contact":
        return gettext("last contact %(when)s") % {"when": _days_ago(int(p.get("days_ago", 0)))}
    return str(code)


def reasons_text(reasons: Iterable[Mapping[str, Any]]) -> str:
    return ", ".join(reason_text(r) for r in reasons)
