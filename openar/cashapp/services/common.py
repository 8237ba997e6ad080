"""What the cash-application services share: the open line statuses, the bulk chunk size and
how bank account numbers compare."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openar.cashapp.choices import LineStatus
from openar.core.money import minor_units

# Lines that still wait for matching or a person; the others are settled.
OPEN_STATUSES = (LineStatus.NEW, LineStatus.REVIEW, LineStatus.UNIDENTIFIED)
CHUNK = 2000


def norm_account(text: str) -> str:
    """Bank account numbers compare without spaces and case: 'de89 3704...' = 'DE893704...'."""
    return "".join(text.split()).upper()


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _places(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))
