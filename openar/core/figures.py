"""Figures a higher app adds to an account's summary (``GET /api/customers/{ref}``, the customer
page): disputes adds what is disputed and what is collectible past due, without ledger
importing disputes. Apps register in ``AppConfig.ready()``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

# fn(customer, as_of, currency, past_due) -> {name: Decimal}
FiguresFn = Callable[[Any, dt.date, str, Decimal], dict[str, Decimal]]

_FIGURES: dict[str, FiguresFn] = {}


def register_customer_figures(key: str, fn: FiguresFn) -> None:
    _FIGURES[key] = fn


def customer_figures(
    customer: Any, as_of: dt.date, currency: str, past_due: Decimal
) -> dict[str, Decimal]:
    """Every registered app's figures for one account, merged."""
    out: dict[str, Decimal] = {}
    for fn in _FIGURES.values():
        out.update(fn(customer, as_of, currency, past_due))
    return out
