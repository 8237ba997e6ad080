"""The account figures disputes adds to a customer's summary (core.figures)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from openar.disputes.selectors import customer_disputed


def customer_figures(
    customer: Any, as_of: dt.date, currency: str, past_due: Decimal
) -> dict[str, Decimal]:
    figures = customer_disputed(
        customer=customer, as_of=as_of, past_due=past_due, currency=currency
    )
    return {
        "disputed": figures.disputed,
        "disputed_past_due": figures.disputed_past_due,
        "collectible_past_due": figures.collectible_past_due,
    }
