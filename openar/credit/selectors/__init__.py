"""Reads for credit decisions: recommendations and holds (``holds``), limits and exposure
(``exposure``). Other apps read these names from here."""

from openar.credit.selectors.exposure import (
    CustomerExposure,
    Exposure,
    GroupExposure,
    LimitInForce,
    customer_exposure,
    customer_exposures,
    limit_history,
    open_orders,
)
from openar.credit.selectors.holds import (
    active_hold,
    hold_events,
    hold_list,
    on_hold_expression,
    pending_hold_recommendation,
    recommendation_counts,
    recommendation_list,
    recommendations_with_action,
)
from openar.credit.selectors.reviews import review_counts, review_facts, review_list
from openar.credit.selectors.writeoffs import (
    ReserveReport,
    approved_write_off_items,
    bad_debt_reserve,
    write_off_counts,
    write_off_list,
)

__all__ = [
    "CustomerExposure",
    "Exposure",
    "GroupExposure",
    "LimitInForce",
    "ReserveReport",
    "active_hold",
    "approved_write_off_items",
    "bad_debt_reserve",
    "customer_exposure",
    "customer_exposures",
    "hold_events",
    "hold_list",
    "limit_history",
    "on_hold_expression",
    "open_orders",
    "pending_hold_recommendation",
    "recommendation_counts",
    "recommendation_list",
    "recommendations_with_action",
    "review_counts",
    "review_facts",
    "review_list",
    "write_off_counts",
    "write_off_list",
]
