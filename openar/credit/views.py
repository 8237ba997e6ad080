"""Recommendations waiting for a credit decision (list, approve, reject, in bulk too) and the
hold and release buttons of the customer page's credit-hold section."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.roles import has_role, role_required
from openar.credit.choices import RecommendationStatus
from openar.credit.filters import RecommendationFilterSet
from openar.credit.models import CreditHold, Recommendation
from openar.credit.selectors import recommendation_counts
from openar.credit.services import (
    DECIDER_ROLES,
    HOLD_ROLES,
    LIMIT_ROLES,
    REQUEST_ROLES,
    credit_limit_set,
    hold_release,
    hold_request,
    recommendation_decide,
    recommendations_decide_bulk,
)
from openar.credit.tables import RecommendationTable
from openar.ledger.models import Customer

DECIDE_DENIED = gettext_lazy(
    "Only a credit analyst or a collections manager can decide recommendations."
)
HOLD_REQUEST_DENIED = gettext_lazy("Only collectors, credit analysts and managers ask for holds.")
LIMIT_DENIED = gettext_lazy("Only a credit analyst or a collections manager can set credit limits.")
HOLD_RELEASE_DENIED = gettext_lazy(
    "Only a credit analyst or a collections manager can release a credit hold."
)


class RecommendationListView(ObjectListView):
    """Recommendations, pending ones first unless the filters say otherwise, with the approve
    and reject buttons for those who decide."""

    filterset_class = RecommendationFilterSet
    table_class = RecommendationTable
    template_name = "credit/recommendation_list.html"
    filter_defaults = {"status": RecommendationStatus.PENDING.value}

    def get_queryset(self) -> QuerySet[Recommendation]:
        return Recommendation.objects.all()

    def get_extra_context(self) -> dict[str, Any]:
        return {
            "counts": recommendation_counts(),
            "status_choices": RecommendationStatus.choices,
            "can_decide": has_role(self.request.user, *DECIDER_ROLES),
            "show_reserve": has_role(self.request.user, *DECIDER_ROLES),
        }


recommendation_list_view = RecommendationListView.as_view()


@role_required(*DECIDER_ROLES, message=DECIDE_DENIED)
@require_POST
def recommendation_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    rec = Recommendation.objects.filter(pk=pk).first()
    if rec is None:
        raise Http404(_("No such recommendation"))
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose approve or reject."))
    else:
        try:
            recommendation_decide(
                recommendation=rec,
                approve=decision == "approve",
                actor=request.user,
                note=request.POST.get("note", ""),
            )
        except OpenARError as exc:
            messages.error(request, exc.message)
        else:
            if decision == "approve":
                messages.success(request, _("Recommendation approved."))
            else:
                messages.success(request, _("Recommendation rejected."))
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/credit/") else "credit:recommendations")


@role_required(*DECIDER_ROLES, message=DECIDE_DENIED)
@require_POST
def recommendations_bulk_view(request: HttpRequest) -> HttpResponse:
    """Approve or reject the selected recommendations (the page asks for confirmation first)."""
    decision = request.POST.get("decision")
    try:
        ids = [int(v) for v in request.POST.getlist("ids")]
    except ValueError:
        ids = []
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose approve or reject."))
    elif not ids:
        messages.error(request, _("Select the recommendations to decide first."))
    else:
        result = recommendations_decide_bulk(
            ids=ids,
            approve=decision == "approve",
            actor=request.user,
            note=request.POST.get("note", ""),
        )
        count = len(result.decided)
        if decision == "approve":
            text = ngettext(
                "%(count)d recommendation approved.", "%(count)d recommendations approved.", count
            )
        else:
            text = ngettext(
                "%(count)d recommendation rejected.", "%(count)d recommendations rejected.", count
            )
        messages.success(request, text % {"count": count})
        for pk, why in sorted(result.refused.items()):
            messages.error(
                request, _("Recommendation %(id)s not decided: %(why)s") % {"id": pk, "why": why}
            )
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/credit/") else "credit:recommendations")


def _customer_page(customer: Customer, anchor: str = "credit-hold") -> HttpResponse:
    return redirect(reverse("ledger:customer_detail", args=[customer.customer_ref]) + f"#{anchor}")


@role_required(*REQUEST_ROLES, message=HOLD_REQUEST_DENIED)
@require_POST
def hold_place_view(request: HttpRequest, customer_ref: str) -> HttpResponse:
    """Put the customer on hold, or ask credit for it (a collector above the threshold)."""
    customer = get_object_or_404(Customer, customer_ref=customer_ref)
    try:
        done = hold_request(
            customer=customer,
            reason=request.POST.get("reason", ""),
            release_condition=request.POST.get("release_condition") or "past_due_paid",
            actor=request.user,
            as_of=dates.today(),
        )
    except OpenARError as exc:
        messages.error(request, exc.message)
    else:
        if done.hold is not None:
            messages.success(
                request, _("The customer is on credit hold; the ERP blocks new orders.")
            )
        else:
            messages.success(request, _("The hold went to credit for approval."))
    return _customer_page(customer)


@role_required(*HOLD_ROLES, message=HOLD_RELEASE_DENIED)
@require_POST
def hold_release_view(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(CreditHold.objects.select_related("customer"), pk=pk)
    try:
        hold_release(hold=hold, actor=request.user, reason=request.POST.get("reason", ""))
    except OpenARError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The credit hold is released; the ERP lifts the order block."))
    return _customer_page(hold.customer)


@role_required(*LIMIT_ROLES, message=LIMIT_DENIED)
@require_POST
def limit_set_view(request: HttpRequest, customer_ref: str) -> HttpResponse:
    """Set the account's (or its group's) credit limit, permanent or until a date."""
    customer = get_object_or_404(Customer, customer_ref=customer_ref)
    try:
        ends_on = (
            dates.parse_iso_date(request.POST["ends_on"], field="ends_on")
            if request.POST.get("ends_on")
            else None
        )
        credit_limit_set(
            customer=customer,
            amount=request.POST.get("amount", ""),
            currency=request.POST.get("currency", customer.currency),
            reason=request.POST.get("reason", ""),
            scope=request.POST.get("scope") or "customer",
            ends_on=ends_on,
            actor=request.user,
            as_of=dates.today(),
        )
    except OpenARError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The credit limit is set."))
    return _customer_page(customer, "credit-limit")
