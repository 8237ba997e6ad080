"""Template helpers for work items: reasons in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template

from openar.worklist.reasons import reason_text, reasons_text

register = template.Library()


@register.filter
def reasons(value: Any) -> str:
    """A work item's reasons as one line: "$42,300 past due 47 days, risk D, ..."."""
    return reasons_text(value or [])


@register.filter
def reason(value: Any) -> str:
    return reason_text(value or {})


@register.filter
def percent(value: Any) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return "—"
