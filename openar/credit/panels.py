"""The customer page's credit sections: "Credit limit" (limit, exposure, available credit,
history, the form to set a limit) and "Credit hold" (the hold and its reason, release condition
and history, with the forms to put on hold, or ask for it, and to release)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string

from openar.core.reasons import reason_text
from openar.core.roles import has_role
from openar.credit.choices import LimitScope, ReleaseCondition
from openar.credit.models import LimitReview
from openar.credit.selectors import (
    active_hold,
    customer_exposure,
    hold_events,
    limit_history,
    pending_hold_recommendation,
    write_off_list,
)
from openar.credit.services import (
    HOLD_ROLES,
    LIMIT_ROLES,
    REQUEST_ROLES,
    REVIEW_REQUEST_ROLES,
    WRITE_OFF_REQUEST_ROLES,
    collector_hold_limit,
)
from openar.ledger.models import Document

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


LIMIT_HISTORY_ROWS = 6


def limit_panel(request: HttpRequest, customer: Any, as_of: Any) -> str:
    """The customer page's "Credit limit" section: limit in force, exposure (open AR, open
    orders, uninvoiced shipments), available credit, the group limits shared, the limit history
    and, for credit, the form to set a limit."""
    exposure = customer_exposure(customer, as_of=as_of)
    history = list(limit_history(customer=customer)[:LIMIT_HISTORY_ROWS])
    return render_to_string(
        "credit/_limit_panel.html",
        {
            "customer": customer,
            "as_of": as_of,
            "x": exposure,
            "history": history,
            "can_set": has_role(request.user, *LIMIT_ROLES),
            "has_children": customer.children.exists(),
            "open_review": LimitReview.objects.filter(customer=customer, status="open").first(),
            "can_request_review": has_role(request.user, *REVIEW_REQUEST_ROLES),
            "scopes": LimitScope.choices,
        },
        request=request,
    )


def write_off_panel(request: HttpRequest, customer: Any, as_of: Any) -> str:
    """The customer page's "Write-offs" section: pending and recent write-offs, and the form to
    ask for one (collectors, credit, managers)."""
    can = has_role(request.user, *WRITE_OFF_REQUEST_ROLES)
    recent = list(
        write_off_list(customer=customer.customer_ref).prefetch_related("items__document")[:5]
    )
    if not can and not recent:
        return ""
    items = (
        Document.objects.filter(customer=customer, open_amount__gt=0)
        .select_related("entity")
        .order_by("due_date", "document_ref")[:200]
        if can
        else []
    )
    return render_to_string(
        "credit/_write_off_panel.html",
        {"customer": customer, "recent": recent, "items": items, "can_request": can},
        request=request,
    )
