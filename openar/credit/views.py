"""Recommendations waiting for a credit decision: list, approve, reject."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.roles import has_role, role_required
from openar.credit.choices import RecommendationStatus
from openar.credit.filters import RecommendationFilterSet
from openar.credit.models import Recommendation
from openar.credit.selectors import recommendation_counts
from openar.credit.services import DECIDER_ROLES, recommendation_decide
from openar.credit.tables import RecommendationTable

DECIDE_DENIED = gettext_lazy(
    "Only a credit analyst or a collections manager can decide recommendations."
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
