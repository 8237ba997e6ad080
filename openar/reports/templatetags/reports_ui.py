"""Template helpers of the report pages: fractions as percentages, days, KPI tooltips."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats

from openar.reports.kpi_labels import BY_KEY

register = template.Library()


@register.filter
def pct(value: Any) -> str:
    """0.4255 -> 42.6 % in the reader's number format; — when there is no figure."""
    if value is None or value == "":
        return "—"
    return formats.number_format(float(value) * 100, decimal_pos=1, use_l10n=True) + " %"


@register.filter
def days(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return formats.number_format(float(value), decimal_pos=1, use_l10n=True)


@register.simple_tag
def kpi_label(key: str) -> str:
    return str(BY_KEY[key].label)


@register.simple_tag
def kpi_help(key: str) -> str:
    return str(BY_KEY[key].definition)
