"""Limit reviews: the list (open ones first, on the list kit), one review with what it shows
(payment behaviour, score and reasons, exposure, insurer cover) and the decision form, and
asking for a review from the account page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.money import format_amount
from openar.core.roles import has_role, role_required
from openar.credit.choices import ReviewOutcome, ReviewStatus
from openar.credit.filters import ReviewFilterSet
from openar.credit.models import LimitReview
from openar.credit.selectors import customer_exposure, limit_history, review_counts
from openar.credit.services import (
    LIMIT_ROLES,
    REVIEW_REQUEST_ROLES,
    limit_review_decide,
    limit_review_request,
)
from openar.credit.tables import ReviewTable
from openar.ledger.models import Customer
from openar.risk.reasons import reason_text as score_reason_text

REVIEW_ROLES = REVIEW_REQUEST_ROLES  # administrators hold every role
REVIEW_DENIED = gettext_lazy("Limit reviews are for collectors, credit analysts and managers.")
DECIDE_DENIED = gettext_lazy(
    "Only a credit analyst or a collections manager can decide limit reviews."
)


class ReviewListView(ObjectListView):
    filterset_class = ReviewFilterSet
    table_class = ReviewTable
    template_name = "credit/review_list.html"
    filter_defaults = {"status": ReviewStatus.OPEN.value}
    roles = REVIEW_ROLES
    role_message = REVIEW_DENIED

    def get_queryset(self) -> QuerySet[LimitReview]:
        return LimitReview.objects.all()

    def get_extra_context(self) -> dict[str, Any]:
        return {
            "counts": review_counts(),
            "status_choices": ReviewStatus.choices,
            "show_reserve": has_role(self.request.user, *LIMIT_ROLES),
        }


review_list_view = ReviewListView.as_view()


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


@role_required(*REVIEW_ROLES, message=REVIEW_DENIED)
def review_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(
        LimitReview.objects.select_related("customer", "decided_by", "requested_by", "new_limit"),
        pk=pk,
    )
    facts = review.facts or {}
    as_of = dates.today()
    return render(
        request,
        "credit/review_detail.html",
        {
            "review": review,
            "facts": facts,
            "cur": review.currency,
            "amounts": {
                key: _decimal(facts.get(key))
                for key in (
                    "credit_limit",
                    "open_ar",
                    "open_orders",
                    "shipments",
                    "exposure",
                    "available_credit",
                    "avg_days_late",
                )
            },
            "score_reasons": [score_reason_text(r) for r in facts.get("score_reasons") or []],
            "now": customer_exposure(review.customer, as_of=as_of),
            "history": list(limit_history(customer=review.customer)[:5]),
            "outcomes": ReviewOutcome.choices,
            "new_limit_value": (
                format_amount(review.recommended_limit, review.currency)
                if review.recommended_limit is not None
                else ""
            ),
            "can_decide": has_role(request.user, *LIMIT_ROLES)
            and review.status == ReviewStatus.OPEN
            and review.requested_by_id != request.user.pk,
            "cover": None,
        },
    )


@role_required(*LIMIT_ROLES, message=DECIDE_DENIED)
@require_POST
def review_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(LimitReview, pk=pk)
    try:
        limit_review_decide(
            review=review,
            outcome=request.POST.get("outcome", ""),
            new_limit=request.POST.get("new_limit") or None,
            note=request.POST.get("note", ""),
            actor=request.user,
            as_of=dates.today(),
        )
    except OpenARError as exc:
        messages.error(request, exc.message)
        return redirect("credit:review", pk=pk)
    messages.success(request, _("The review is decided."))
    return redirect(reverse("credit:reviews"))


@role_required(*REVIEW_REQUEST_ROLES, message=REVIEW_DENIED)
@require_POST
def review_request_view(request: HttpRequest, customer_ref: str) -> HttpResponse:
    customer = get_object_or_404(Customer, customer_ref=customer_ref)
    try:
        review = limit_review_request(
            customer=customer, actor=request.user, as_of=dates.today(),
            note=request.POST.get("note", ""),
        )  # fmt: skip
    except OpenARError as exc:
        messages.error(request, exc.message)
        return redirect(
            reverse("ledger:customer_detail", args=[customer.customer_ref]) + "#credit-limit"
        )
    messages.success(request, _("A limit review is open."))
    return redirect("credit:review", pk=review.pk)
