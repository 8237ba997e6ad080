"""One loader per kind of file. A loader checks each canonical row, stages the good ones, and
merges the stage into the ledger with set-based SQL (counting created / updated / unchanged)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from openar.ingest.loaders.applications import ApplicationLoader
from openar.ingest.loaders.base import LoadContext, Loader
from openar.ingest.loaders.customers import CustomerLoader
from openar.ingest.loaders.fx_rates import FxRateLoader
from openar.ingest.loaders.items import ItemLoader
from openar.ingest.loaders.receipts import ReceiptLoader

LOADERS: dict[str, Callable[[LoadContext, Sequence[str]], Loader]] = {
    "customers": CustomerLoader,
    "items": ItemLoader,
    "receipts": ReceiptLoader,
    "applications": ApplicationLoader,
    "fx-rates": FxRateLoader,
}
