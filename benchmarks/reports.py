"""Reporting benchmarks on the imported portfolio (run by ``python -m benchmarks``):

- ``snapshots``: a year of daily snapshots rebuilt from history (the daily cycle's first run),
  with the size of the snapshot tables on PostgreSQL;
- ``dashboard``: the manager's dashboard, server time of a whole request (median of 5) after
  a year of snapshots; also the collector's and ``openar report kpis``.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

DAYS = 365


def _table_mb() -> dict[str, float]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    sizes = {}
    with connection.cursor() as cur:
        for table in (
            "reports_customersnapshot",
            "reports_portfoliosnapshot",
            "reports_snapshotday",
        ):
            cur.execute("SELECT pg_total_relation_size(%s)", [table])
            sizes[table] = round(cur.fetchone()[0] / 1024 / 1024, 1)
    return sizes


def snapshots(*, as_of: dt.date) -> dict[str, Any]:
    """Timed: the missing snapshots of the year before ``as_of`` and the day itself."""
    from benchmarks.scenarios import _django

    _django()
    from openar.reports.models import CustomerSnapshot, PortfolioSnapshot
    from openar.reports.services import snapshot_take, snapshots_backfill

    started = time.perf_counter()
    days = snapshots_backfill(
        start=as_of - dt.timedelta(days=DAYS), end=as_of - dt.timedelta(days=1), actor="bench"
    )
    one = time.perf_counter()
    snapshot_take(as_of=as_of, actor="bench")
    last = time.perf_counter() - one
    seconds = time.perf_counter() - started
    sizes = _table_mb()
    return {
        "rows": CustomerSnapshot.objects.count() + PortfolioSnapshot.objects.count(),
        "seconds": seconds,
        "days": days + 1,
        "note": (
            f"days={days + 1} one_day_s={last:.2f} "
            f"portfolio_rows={PortfolioSnapshot.objects.count()} "
            f"customer_rows={CustomerSnapshot.objects.count()} "
            + " ".join(f"{k.removeprefix('reports_')}_mb={v}" for k, v in sizes.items())
        ),
    }


def _median_request(client: Any, url: str, runs: int = 5) -> float:
    client.get(url)  # warm: templates compiled, connection open
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return statistics.median(times)


def dashboard(*, as_of: dt.date) -> dict[str, Any]:
    """Timed: the manager's dashboard (median server time of 5 requests on the as-of date)."""
    from benchmarks.scenarios import _django

    _django()
    import time_machine
    from django.contrib.auth import get_user_model
    from django.test import Client

    from openar.core.roles import ensure_role_groups
    from openar.reports.models import SnapshotDay
    from openar.reports.selectors.kpis import kpis
    from openar.reports.services import snapshot_take

    if not SnapshotDay.objects.filter(as_of=as_of).exists():
        snapshot_take(as_of=as_of, actor="bench")
    ensure_role_groups()
    User = get_user_model()
    manager, _ = User.objects.get_or_create(username="bench-manager")
    from django.contrib.auth.models import Group

    manager.groups.add(Group.objects.get(name="manager"))
    collector = User.objects.filter(portfolio__isnull=False).first()
    client = Client()
    with time_machine.travel(dt.datetime.combine(as_of, dt.time(12), tzinfo=dt.UTC), tick=True):
        client.force_login(manager)
        seconds = _median_request(client, "/reports/")
        mine = (
            _median_request(client, f"/reports/mine/?collector={collector.username}")
            if collector
            else 0.0
        )
        started = time.perf_counter()
        kpis(as_of=as_of, period_days=90)
        kpi_s = time.perf_counter() - started
    return {
        "rows": SnapshotDay.objects.count(),
        "seconds": seconds,
        "note": f"collector_dashboard_s={mine:.3f} kpis_s={kpi_s:.3f}",
    }
