"""The risk section of the customer page (registered in ``RiskConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from openar.risk.charts import score_trend_svg
from openar.risk.models import CreditRating, ItemPrediction
from openar.risk.reasons import reason_text
from openar.risk.selectors import customer_score_history


def latest_ratings(customer_id: int, as_of: dt.date) -> list[CreditRating]:
    """The newest rating of each provider on or before ``as_of``."""
    newest: dict[str, CreditRating] = {}
    for rating in CreditRating.objects.filter(customer_id=customer_id, rated_on__lte=as_of):
        if rating.provider not in newest:  # ordered newest first
            newest[rating.provider] = rating
    return sorted(newest.values(), key=lambda r: r.provider)


def render_panel(request: HttpRequest, customer: Any, as_of: dt.date) -> str:
    from openar.risk.services import risk_settings

    history = customer_score_history(customer_id=customer.id, as_of=as_of)
    latest = history[-1] if history else None
    cutoffs = risk_settings().class_cutoffs
    reasons = []
    if latest is not None:
        reasons = [
            {"text": reason_text(r), "direction": (r.get("params") or {}).get("direction", "")}
            for r in latest.reasons
        ]
    previous = history[-2] if len(history) > 1 else None
    predictions = list(
        ItemPrediction.objects.filter(customer_id=customer.id)
        .select_related("document")
        .order_by("-late_probability", "predicted_pay_date")[:5]
    )
    trend = ""
    if len(history) > 0:
        trend = mark_safe(
            score_trend_svg(
                [(s.as_of, s.score, s.risk_class) for s in history],
                cutoffs=cutoffs,
                title=_("Risk score over time"),
                width=520,
                height=130,
            )
        )
    return render_to_string(
        "risk/_panel.html",
        {
            "customer": customer,
            "score": latest,
            "previous": previous,
            "reasons": reasons,
            "trend": trend,
            "ratings": latest_ratings(customer.id, as_of),
            "predictions": predictions,
            "as_of": as_of,
        },
        request=request,
    )
