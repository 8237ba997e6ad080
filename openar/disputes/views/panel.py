"""The customer page's disputes section: disputed apart from collectible past due, the open
cases, and the button to open a dispute."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from openar.core.roles import has_role
from openar.disputes.models import DisputeCase
from openar.disputes.selectors import case_list, customer_disputed
from openar.disputes.views.common import OPENERS, READERS


def customer_panel(request: HttpRequest, customer: Any, as_of: Any) -> str:
    if not has_role(request.user, *READERS):
        return ""
    from openar.ledger.selectors import customer_summary

    summary = customer_summary(customer_ref=customer.customer_ref, as_of=as_of)
    figures = customer_disputed(customer=customer, as_of=as_of, past_due=summary.past_due)
    cases = list(
        case_list(queryset=DisputeCase.objects.filter(customer=customer)).prefetch_related(
            "items__document"
        )[:10]
    )
    return render_to_string(
        "disputes/_customer_panel.html",
        {
            "customer": customer,
            "figures": figures,
            "cases": cases,
            "can_open": has_role(request.user, *OPENERS),
            "as_of": as_of,
        },
        request=request,
    )
