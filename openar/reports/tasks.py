"""Background tasks of reporting (run by the ``db_worker``): rebuilding the snapshot history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.tasks import task


@task()
def snapshots_backfill_job(as_of: str) -> dict[str, Any]:
    """Worker entry point: take the missing snapshots before ``as_of`` (ISO date), as far back
    as ``OPENAR_SNAPSHOT_BACKFILL_DAYS`` and the oldest document allow."""
    from openar.reports.services import backfill_start, snapshots_backfill

    day = dt.date.fromisoformat(as_of)
    start = backfill_start(day)
    end = day - dt.timedelta(days=1)
    days = snapshots_backfill(start=start, end=end, actor="snapshot-backfill") if start else 0
    return {"days": days, "from": start.isoformat() if start else None, "to": end.isoformat()}
