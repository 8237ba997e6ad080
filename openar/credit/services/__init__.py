"""Writes for credit decisions: recommendations and their approval, credit holds, credit
limits and the imported open orders and shipments."""

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
from openar.credit.services.limits import LIMIT_ROLES, credit_limit_set, parse_amount
from openar.credit.services.orders import ORDER_COLUMNS, OrderImport, orders_import
from openar.credit.services.recommendations import (
    DECIDER_ROLES,
    BulkDecision,
    recommendation_decide,
    recommendations_decide_bulk,
    recommendations_raise_bulk,
)
from openar.credit.services.reviews import (
    REVIEW_REQUEST_ROLES,
    limit_review_decide,
    limit_review_request,
    limit_reviews_raise,
)
from openar.credit.services.writeoffs import (
    WRITE_OFF_REQUEST_ROLES,
    approval_limits,
    approver_limit,
    approver_role,
    write_off_decide,
    write_off_request,
)

__all__ = [
    "DECIDER_ROLES",
    "HOLD_ROLES",
    "LIMIT_ROLES",
    "ORDER_COLUMNS",
    "REQUEST_ROLES",
    "REVIEW_REQUEST_ROLES",
    "WRITE_OFF_REQUEST_ROLES",
    "BulkDecision",
    "HoldRequest",
    "OrderImport",
    "approval_limits",
    "approver_limit",
    "approver_role",
    "collector_hold_limit",
    "credit_limit_set",
    "hold_place",
    "hold_release",
    "hold_request",
    "holds_review",
    "limit_review_decide",
    "limit_review_request",
    "limit_reviews_raise",
    "orders_import",
    "parse_amount",
    "recommendation_decide",
    "recommendations_decide_bulk",
    "recommendations_raise_bulk",
    "write_off_decide",
    "write_off_request",
]
