"""Model fields every app shares: money amounts and FX rates with one precision each."""

from __future__ import annotations

from typing import Any

from django.db import models

from openar.core.money import (
    AMOUNT_DECIMAL_PLACES,
    AMOUNT_MAX_DIGITS,
    RATE_DECIMAL_PLACES,
    RATE_MAX_DIGITS,
)


def AmountField(**kwargs: Any) -> models.DecimalField:
    """An amount: four stored decimals so every ISO currency fits; values are quantized per
    currency on write."""
    return models.DecimalField(
        max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES, **kwargs
    )


def RateField(**kwargs: Any) -> models.DecimalField:
    """An exchange rate: ten decimals."""
    return models.DecimalField(
        max_digits=RATE_MAX_DIGITS, decimal_places=RATE_DECIMAL_PLACES, **kwargs
    )
