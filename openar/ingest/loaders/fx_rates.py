"""FX rates: one rate per day and currency pair."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openar.core.money import decimals_of
from openar.ingest import domain
from openar.ingest.bulk import fetch
from openar.ingest.loaders.base import Counts, Errors, LoadContext, Loader, generic_merge
from openar.ledger.services import documents_convert


class FxRateLoader(Loader):
    kind = "fx-rates"
    stage_columns = [
        ("line", "int"), ("date", "date"), ("from_currency", "text"), ("to_currency", "text"),
        ("rate", "num"),
    ]  # fmt: skip

    def __init__(self, ctx: LoadContext, extra_columns: Sequence[str]) -> None:
        super().__init__(ctx, extra_columns)
        self.seen: dict[str, int] = {}

    def check(self, line: int, row: dict[str, Any], errors: Errors) -> Sequence[Any] | None:
        date = domain.date_value(row, "date", errors)
        a = domain.currency_value(row, "from_currency", errors)
        b = domain.currency_value(row, "to_currency", errors)
        if a and b and a == b:
            errors.append(("to_currency", "must differ from from_currency"))
        raw = domain.text(row, "rate", errors, required=True)
        rate = None
        if raw:
            if not domain._NUMBER_RE.match(raw):
                errors.append(("rate", f"{raw!r} is not a number"))
            else:
                rate = Decimal(raw)
                if rate <= 0:
                    errors.append(("rate", "must be positive"))
                elif decimals_of(rate.normalize()) > 10:
                    errors.append(("rate", "has more than 10 decimals"))
        key = f"{date}\x1f{a}\x1f{b}"
        if date and a and b:
            if key in self.seen:
                errors.append(("date", f"duplicate of line {self.seen[key]} (same day and pair)"))
            else:
                self.seen[key] = line
        if errors:
            return None
        return (line, date, a, b, rate)

    def merge(self) -> Counts:
        return generic_merge(
            self, "ledger_fxrate", ("date", "from_currency", "to_currency"), ["rate"], None,
            with_updated_at=False,
        )  # fmt: skip

    def after_merge(self, *, actor: Any) -> None:
        """Documents loaded before their rate existed get their functional amounts now."""
        s = self.stage.name
        rows = fetch(f"SELECT from_currency, to_currency, MIN(date) FROM {s} GROUP BY 1, 2")
        if not rows:
            return
        since = min(_as_date(day) for _, _, day in rows)
        currencies = {a for a, _, _ in rows} | {b for _, b, _ in rows}
        self.ctx.documents_converted = documents_convert(
            currencies=currencies, since=since, actor=actor
        )


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
