"""Writes for credit decisions: recommendations and their approval, credit holds."""

from openar.credit.services.holds import (
    HOLD_ROLES,
    REQUEST_ROLES,
    HoldRequest,
    collector_hold_limit,
    hold_place,
    hold_release,
    hold_request,
    holds_review,
)
from openar.credit.services.recommendations import (
    DECIDER_ROLES,
    BulkDecision,
    recommendation_decide,
    recommendations_decide_bulk,
    recommendations_raise_bulk,
)

__all__ = [
    "DECIDER_ROLES",
    "HOLD_ROLES",
    "REQUEST_ROLES",
    "BulkDecision",
    "HoldRequest",
    "collector_hold_limit",
    "hold_place",
    "hold_release",
    "hold_request",
    "holds_review",
    "recommendation_decide",
    "recommendations_decide_bulk",
    "recommendations_raise_bulk",
]
