"""The daily snapshot: by account and by portfolio combination, exact after the data changes,
rebuilt from history on the first run, per-account rows thinned with age."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openar.reports.models import CustomerSnapshot, PortfolioSnapshot, SnapshotDay
from openar.reports.selectors.kpis import Scope, balances_on
from openar.reports.services import snapshot_take, snapshots_backfill, snapshots_daily
from tests.factories import DocumentFactory

AS_OF = dt.date(2026, 6, 30)


def test_snapshot_by_account_and_combination(portfolio):
    day = snapshot_take(as_of=AS_OF, actor="test")
    assert day.balance == Decimal("4700.00")
    assert [b["name"] for b in day.buckets] == [
        "current",
        "1-30",
        "31-60",
        "61-90",
        "91-120",
        "120+",
    ]
    rows = {r.customer_id: r for r in CustomerSnapshot.objects.filter(as_of=AS_OF)}
    a, b = rows[portfolio["a"].id], rows[portfolio["b"].id]
    assert (a.balance, a.past_due, a.b0, a.b1, a.b4) == (
        Decimal("3900"),
        Decimal("2400"),
        Decimal("1500"),
        Decimal("2000"),
        Decimal("400"),
    )
    assert (b.balance, b.past_due, b.disputed, b.b5) == (
        Decimal("800"),
        Decimal("300"),
        Decimal("500"),
        Decimal("300"),
    )
    assert a.collector_id == portfolio["ana"].id and b.days_past_due == 141
    combos = {r.collector_id: r for r in PortfolioSnapshot.objects.filter(as_of=AS_OF)}
    assert combos[portfolio["ana"].id].segment == "retail"
    assert combos[portfolio["ana"].id].invoiced == Decimal("0")
    assert combos[portfolio["bob"].id].customers == 1


def test_day_flows(portfolio):
    snapshot_take(as_of=dt.date(2026, 6, 5), actor="test")
    bob = PortfolioSnapshot.objects.get(as_of=dt.date(2026, 6, 5), collector=portfolio["bob"])
    assert bob.collected == Decimal("3000")
    snapshot_take(as_of=dt.date(2026, 6, 20), actor="test")
    ana = PortfolioSnapshot.objects.get(as_of=dt.date(2026, 6, 20), collector=portfolio["ana"])
    assert ana.invoiced == Decimal("1500")


def test_as_it_was_stays_exact_after_the_data_changes(portfolio):
    snapshot_take(as_of=AS_OF, actor="test")
    # Later: the collector changes and an invoice is back-dated into the period.
    a = portfolio["a"]
    a.collector = portfolio["bob"]
    a.save()
    DocumentFactory(customer=a, document_ref="LATE", document_date=dt.date(2026, 6, 1),
                    due_date=dt.date(2026, 6, 2), amount=Decimal("999"))  # fmt: skip
    then = balances_on(AS_OF, Scope(collector="ana"))
    assert (then.source, then.total) == ("snapshot", Decimal("3900"))
    assert balances_on(AS_OF, Scope()).total == Decimal("4700")
    # A day without a snapshot reads the ledger as it is now.
    now = balances_on(AS_OF - dt.timedelta(days=1), Scope(collector="bob"))
    assert now.source == "ledger" and now.total == Decimal("3900") + Decimal("999") + 800


def test_rerun_replaces_the_day(portfolio):
    snapshot_take(as_of=AS_OF, actor="test")
    snapshot_take(as_of=AS_OF, actor="test")
    assert SnapshotDay.objects.count() == 1
    assert CustomerSnapshot.objects.filter(as_of=AS_OF).count() == 2


def test_first_daily_run_backfills_history(portfolio, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from openar.reports.tasks import snapshots_backfill_job

    settings.OPENAR_SNAPSHOT_BACKFILL_DAYS = 60
    with django_capture_on_commit_callbacks(execute=True):
        assert snapshots_daily(as_of=AS_OF, actor="test") == 1
    # The history is left to the task worker.
    assert DBTaskResult.objects.count() == 1
    assert snapshots_backfill_job.call("2026-06-30") == {
        "days": 60, "from": "2026-05-01", "to": "2026-06-29"
    }  # fmt: skip
    days = list(SnapshotDay.objects.order_by("as_of").values_list("as_of", "source"))
    assert days[0] == (dt.date(2026, 5, 1), "backfill")
    assert days[-1] == (AS_OF, "daily")
    # Rolled back from the applications: on 05-01 A1 1000 + B1 3000 + B3 300; on 05-15 A1 400
    # (600 applied 05-10) + A2 2000 + B1 3000 + B3 300.
    assert SnapshotDay.objects.get(as_of=dt.date(2026, 5, 1)).balance == Decimal("4300")
    assert SnapshotDay.objects.get(as_of=dt.date(2026, 5, 15)).balance == Decimal("5700")
    # The next day's run takes only its own day and leaves the worker nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert snapshots_daily(as_of=AS_OF + dt.timedelta(days=1), actor="test") == 1
    assert DBTaskResult.objects.count() == 1


def test_account_rows_thin_out_with_age(portfolio):
    snapshots_backfill(start=dt.date(2026, 3, 1), end=AS_OF, actor="test")
    kept = set(CustomerSnapshot.objects.values_list("as_of", flat=True).distinct())
    assert dt.date(2026, 6, 1) in kept  # within 35 days: every day
    assert dt.date(2026, 5, 24) in kept and dt.date(2026, 5, 25) not in kept  # Sundays
    assert dt.date(2026, 3, 31) in kept and dt.date(2026, 3, 29) not in kept  # month ends
    # The portfolio rows stay for every day.
    assert SnapshotDay.objects.count() == 122
