"""The daily cycle: every step takes the same ``as_of`` so a rerun gives the same result.

Later capabilities (promises, scoring, strategies, queues, KPI snapshots) add their steps here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openar.ledger.services import aging_refresh


def run_daily(*, as_of: dt.date, actor: Any) -> dict[str, Any]:
    steps: dict[str, Any] = {}
    steps["aging"] = f"{aging_refresh(as_of=as_of, actor=actor)} customers aged"
    return {"as_of": as_of.isoformat(), "steps": steps}
