"""The texts of the strategy engine's reason codes (``core.reasons``), in the reader's language:
``describe_parts`` stores them, pages render them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from openar.core.reasons import amount_text, register_reason
from openar.strategy.choices import StepTrigger


def _step(params: Mapping[str, Any]) -> str:
    # Strategy and step names are the user's own words, shown as written.
    return f"{params.get('strategy', '')} / {params.get('step', '')}"


def _event(params: Mapping[str, Any]) -> str:
    trigger = str(params.get("trigger", ""))
    label = StepTrigger(trigger).label if trigger in StepTrigger.values else trigger
    return _("%(event)s on %(date)s") % {"event": label, "date": params.get("date", "")}


def _days_past_due(params: Mapping[str, Any]) -> str:
    return _("oldest item %(days)s days past due") % {"days": params.get("days", 0)}


def _due_in(params: Mapping[str, Any]) -> str:
    return _("oldest item due in %(days)s days") % {"days": params.get("days", 0)}


def _balance(params: Mapping[str, Any]) -> str:
    return _("balance %(amount)s") % {
        "amount": amount_text(params.get("amount", "0"), str(params.get("currency", "")))
    }


def _risk(params: Mapping[str, Any]) -> str:
    return _("risk %(risk_class)s") % {"risk_class": params.get("risk_class", "")}


def register() -> None:
    register_reason("strategy_step", _step, lead=True)
    register_reason("event", _event)
    register_reason("days_past_due", _days_past_due)
    register_reason("due_in", _due_in)
    register_reason("balance", _balance)
    register_reason("risk_class", _risk)
