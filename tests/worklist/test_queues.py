"""Queue rebuild on the database: ranking inputs, capacity, cover, idempotence, scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openar.activity.models import AccountEvent, ContactLog
from openar.risk.models import CustomerScore
from openar.worklist.models import Absence, CollectorProfile, WorkItem
from openar.worklist.selectors import queue_for_collector
from openar.worklist.services import queues_rebuild
from tests.worklist.conftest import AS_OF, make_action, past_due_customer


def _order(user) -> list[str]:
    return list(
        WorkItem.objects.filter(collector=user)
        .order_by("rank")
        .values_list("customer__customer_ref", flat=True)
    )


def _snapshot() -> list[tuple]:
    return sorted(
        WorkItem.objects.values_list(
            "action_id", "collector_id", "rank", "priority", "slot", "reasons", "covering_for_id"
        )
    )


def test_rebuild_makes_one_item_per_account_from_its_open_calls_escalations_and_tasks(team):
    acme = team["accounts"]["A1"]
    make_action(acme, kind="email")  # outbox, not the queue
    make_action(acme, kind="credit_hold", owner_role="credit")  # a recommendation
    make_action(acme, kind="escalation")
    make_action(acme, kind="call", status="done")
    assert queues_rebuild(as_of=AS_OF, actor="test") == 5
    item = WorkItem.objects.get(customer=acme)
    assert item.kinds == ["escalation", "call"] and item.kind == "escalation"


def test_rebuild_ranks_by_past_due_and_age(team):
    queues_rebuild(as_of=AS_OF, actor="test")
    assert _order(team["ana"]) == ["A1", "A3", "A2"]
    assert _order(team["ben"]) == ["B1", "B2"]
    first = WorkItem.objects.get(customer=team["accounts"]["A1"])
    assert first.rank == 1
    assert first.past_due_amount == Decimal("42300.00")
    assert first.days_past_due == 47
    assert first.reasons[0]["code"] == "past_due"
    assert first.reasons[0]["params"]["days"] == 47
    assert Decimal(first.reasons[0]["params"]["amount"]) == Decimal("42300")


def test_risk_promise_and_contact_feed_the_ranking(team):
    accounts = team["accounts"]
    # Beta (small, young) gets a very bad score and a promise broken yesterday.
    CustomerScore.objects.create(
        customer=accounts["A2"], as_of=AS_OF, score=50, risk_class="E", engine="scorecard"
    )
    AccountEvent.objects.create(
        customer=accounts["A2"],
        kind="promise_broken",
        occurred_on=AS_OF - dt.timedelta(days=1),
        ref="promise:1",
        source="test",
    )
    queues_rebuild(as_of=AS_OF, actor="test")
    item = WorkItem.objects.get(customer=accounts["A2"])
    codes = [r["code"] for r in item.reasons]
    assert "promise_broken" in codes and "risk" in codes
    assert item.risk_class == "E"
    before = _order(team["ana"]).index("A2")
    assert before < 2  # moved above Gamma (older, bigger, quiet)

    # Acme was called today: it drops below the others.
    from django.utils import timezone

    ContactLog.objects.create(
        customer=accounts["A1"],
        user=team["ana"],
        channel="call",
        outcome="no_answer",
        contacted_at=timezone.make_aware(dt.datetime(2026, 6, 30, 9, 0)),
    )
    queues_rebuild(as_of=AS_OF, actor="test", collector=team["ana"])
    assert _order(team["ana"])[0] != "A1"
    acme = WorkItem.objects.get(customer=accounts["A1"])
    assert {"code": "last_contact", "params": {"days_ago": 0}} in acme.reasons


def test_capacity_decides_today_and_waiting(team):
    CollectorProfile.objects.create(user=team["ana"], daily_target=2)
    make_action(team["accounts"]["A2"], kind="escalation")
    queues_rebuild(as_of=AS_OF, actor="test")
    queue = queue_for_collector(collector=team["ana"], as_of=AS_OF)
    assert queue.daily_target == 2
    assert queue.calls_today == 3  # items with a call in Today (the plan)
    # Two calls, then Beta: a call beyond the target, but its escalation comes today.
    assert [i.customer.customer_ref for i in queue.today] == ["A1", "A3", "A2"]
    make_action(team["accounts"]["A2"], kind="call")
    c = past_due_customer("A4", "100.00", days=5, collector=team["ana"])
    make_action(c)
    queues_rebuild(as_of=AS_OF, actor="test")
    queue = queue_for_collector(collector=team["ana"], as_of=AS_OF)
    assert [i.customer.customer_ref for i in queue.waiting] == ["A4"]
    ranks = [i.rank for i in [*queue.today, *queue.waiting]]
    assert sorted(ranks) == list(range(1, 5))
    # Ben has the default target of 50: both calls are today.
    assert WorkItem.objects.filter(collector=team["ben"], slot="today").count() == 2


def test_absence_hands_the_queue_to_the_cover_for_the_date_range(team):
    ana, ben = team["ana"], team["ben"]
    Absence.objects.create(
        collector=ana, cover=ben, start_date=AS_OF, end_date=AS_OF + dt.timedelta(days=4)
    )
    queues_rebuild(as_of=AS_OF, actor="test")
    assert _order(ana) == []
    assert sorted(_order(ben)) == ["A1", "A2", "A3", "B1", "B2"]
    assert set(
        WorkItem.objects.filter(covering_for=ana).values_list("customer__customer_ref", flat=True)
    ) == {"A1", "A2", "A3"}
    queue = queue_for_collector(collector=ana, as_of=AS_OF)
    assert queue.cover == ben and queue.away_until == AS_OF + dt.timedelta(days=4)

    # After the absence ana has her queue back.
    queues_rebuild(as_of=AS_OF + dt.timedelta(days=5), actor="test")
    assert sorted(_order(ana)) == ["A1", "A2", "A3"]
    assert not WorkItem.objects.filter(covering_for__isnull=False).exists()


def test_rebuilding_one_collector_as_absentee_rebuilds_the_cover(team):
    ana, ben = team["ana"], team["ben"]
    Absence.objects.create(collector=ana, cover=ben, start_date=AS_OF, end_date=AS_OF)
    n = queues_rebuild(as_of=AS_OF, actor="test", collector=ana)
    assert n == 5
    assert WorkItem.objects.filter(collector=ben).count() == 5


def test_rebuild_is_idempotent(team):
    CollectorProfile.objects.create(user=team["ana"], daily_target=1)
    first = queues_rebuild(as_of=AS_OF, actor="test")
    snap = _snapshot()
    second = queues_rebuild(as_of=AS_OF, actor="test")
    assert first == second == 5
    assert _snapshot() == snap
    queues_rebuild(as_of=AS_OF, actor="test", collector=team["ana"])
    assert _snapshot() == snap


def test_one_collector_rebuild_leaves_other_queues_alone(team):
    queues_rebuild(as_of=AS_OF, actor="test")
    ben_items = sorted(WorkItem.objects.filter(collector=team["ben"]).values_list("id", flat=True))
    action = team["actions"]["A1"]
    action.status = "done"
    action.save()
    assert queues_rebuild(as_of=AS_OF, actor="test", collector=team["ana"]) == 2
    assert _order(team["ana"]) == ["A3", "A2"]
    assert sorted(WorkItem.objects.filter(collector=team["ben"]).values_list("id", flat=True)) == (
        ben_items
    )


def test_reassigned_account_moves_queue_on_single_rebuild(team):
    queues_rebuild(as_of=AS_OF, actor="test")
    b1 = team["accounts"]["B1"]
    b1.collector = team["ana"]
    b1.save()
    queues_rebuild(as_of=AS_OF, actor="test", collector=team["ana"])
    assert "B1" in _order(team["ana"])
    assert WorkItem.objects.filter(customer=b1).count() == 1


def test_a_managers_step_goes_to_whom_it_was_assigned(team):
    action = make_action(
        team["accounts"]["A1"],
        kind="escalation",
        owner_role="manager",
        assigned_to=team["manager"],
    )
    queues_rebuild(as_of=AS_OF, actor="test")
    assert WorkItem.objects.get(action=action).collector == team["manager"]
    queues_rebuild(as_of=AS_OF, actor="test", collector=team["manager"])
    assert WorkItem.objects.get(action=action).collector == team["manager"]


def test_a_collectors_step_follows_the_portfolio_not_the_assignment_snapshot(team):
    """The engine stamps the collector of the day on the action; after the account changes
    hands the new collector works it."""
    b2 = team["accounts"]["B2"]
    action = team["actions"]["B2"]
    action.assigned_to = team["ben"]
    action.save()
    b2.collector = team["ana"]
    b2.save()
    queues_rebuild(as_of=AS_OF, actor="test", collector=team["ana"])
    assert WorkItem.objects.get(action=action).collector == team["ana"]
    queues_rebuild(as_of=AS_OF, actor="test", collector=team["ben"])
    assert WorkItem.objects.get(action=action).collector == team["ana"]
    queues_rebuild(as_of=AS_OF, actor="test")
    assert WorkItem.objects.get(action=action).collector == team["ana"]


def test_unassigned_accounts_wait_without_a_collector(team):
    from tests.worklist.conftest import past_due_customer

    orphan = past_due_customer("Z1", "100.00", days=30)
    make_action(orphan)
    queues_rebuild(as_of=AS_OF, actor="test")
    item = WorkItem.objects.get(customer=orphan)
    assert item.collector is None and item.slot == "waiting"


def test_rebuild_query_count_does_not_grow_with_items(team, django_assert_max_num_queries):
    from tests.worklist.conftest import past_due_customer

    for i in range(30):
        make_action(past_due_customer(f"X{i:02d}", "100.00", days=20 + i, collector=team["ana"]))
    with django_assert_max_num_queries(17):
        assert queues_rebuild(as_of=AS_OF, actor="test", collector=team["ana"]) == 33
    with django_assert_max_num_queries(22):  # PostgreSQL adds its advisory lock
        assert queues_rebuild(as_of=AS_OF, actor="test") == 35


def test_rebuild_reports_progress_and_records_an_audit_event(team):
    from openar.core.models import AuditEvent

    calls: list[tuple[int, int]] = []
    queues_rebuild(
        as_of=AS_OF, actor="run-daily", progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(0, 5), (5, 5)]
    event = AuditEvent.objects.get(action="queues.rebuild")
    assert event.actor_label == "run-daily" and "5 work items" in event.summary
