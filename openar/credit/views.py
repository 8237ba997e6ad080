"""Recommendations waiting for a credit decision: list, approve, reject."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from openar.core.errors import OpenARError
from openar.core.roles import has_role, role_required
from openar.credit.choices import RecommendationKind, RecommendationStatus
from openar.credit.models import Recommendation
from openar.credit.selectors import recommendation_counts, recommendation_list
from openar.credit.services import DECIDER_ROLES, recommendation_decide

PER_PAGE = 50
DECIDE_DENIED = _lazy("Only a credit analyst or a collections manager can decide recommendations.")


@login_required
def recommendation_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", RecommendationStatus.PENDING.value).strip()
    kind = request.GET.get("kind", "").strip()
    customer = request.GET.get("customer", "").strip()
    qs = recommendation_list(
        status=status if status in RecommendationStatus.values else None,
        kind=kind if kind in RecommendationKind.values else None,
        customer=customer or None,
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    params = {"status": status, "kind": kind, "customer": customer}
    return render(
        request,
        "credit/recommendation_list.html",
        {
            "page": page,
            "filters": params,
            "query": urlencode({k: v for k, v in params.items() if v}),
            "counts": recommendation_counts(),
            "status_choices": RecommendationStatus.choices,
            "kind_choices": RecommendationKind.choices,
            "kind_labels": dict(RecommendationKind.choices),
            "status_labels": dict(RecommendationStatus.choices),
            "can_decide": has_role(request.user, *DECIDER_ROLES),
        },
    )


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
