"""The customer page's "Actions" section: the account's open strategy actions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from openar.core.roles import Role
from openar.strategy.choices import ActionStatus, StepKind
from openar.strategy.models import Action

PANEL_ROWS = 10


def actions_panel(request: HttpRequest, customer: Any, as_of: Any) -> str:
    actions = list(
        Action.objects.filter(customer=customer, status=ActionStatus.OPEN)
        .select_related("step", "strategy", "assigned_to")
        .order_by("-as_of", "-id")[: PANEL_ROWS + 1]
    )
    if not actions:
        return ""
    return render_to_string(
        "strategy/_customer_panel.html",
        {
            "actions": actions[:PANEL_ROWS],
            "more": len(actions) > PANEL_ROWS,
            "customer": customer,
            "kind_labels": dict(StepKind.choices),
            "role_labels": dict(Role.choices),
        },
        request=request,
    )
