"""The customer page's "Credit hold" section: the hold and its reason, release condition and
history, with the forms to put on hold (or ask for it) and to release."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string

from openar.core.reasons import reason_text
from openar.core.roles import has_role
from openar.credit.choices import ReleaseCondition
from openar.credit.selectors import active_hold, hold_events, pending_hold_recommendation
from openar.credit.services import HOLD_ROLES, REQUEST_ROLES, collector_hold_limit

HISTORY_ROWS = 5


def hold_panel(request: HttpRequest, customer: Any, as_of: Any, *, error: str = "") -> str:
    hold = active_hold(customer=customer)
    history = list(
        hold_events(customer=customer).select_related(None).order_by("-id")[:HISTORY_ROWS]
    )
    return render_to_string(
        "credit/_hold_panel.html",
        {
            "customer": customer,
            "hold": hold,
            "hold_reason": reason_text(hold.reason_parts, hold.reason) if hold else "",
            "pending": pending_hold_recommendation(customer=customer),
            "history": history,
            "can_hold": has_role(request.user, *HOLD_ROLES),
            "can_request": has_role(request.user, *REQUEST_ROLES),
            "collector_limit": collector_hold_limit(),
            "limit_currency": settings.OPENAR_REPORTING_CURRENCY,
            "conditions": ReleaseCondition.choices,
            "error": error,
        },
        request=request,
    )
