"""Queue hygiene: the defects a new user found, each pinned by a test (issue 12, section 2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from openar.activity.services import contact_record, promise_record
from openar.ledger.services import aging_refresh
from openar.strategy.models import Action
from openar.worklist.models import WorkItem
from openar.worklist.selectors import queue_for_collector
from openar.worklist.services import queues_rebuild, work_item_close
from tests.factories import DocumentFactory, UserFactory
from tests.worklist.conftest import AS_OF, make_action, past_due_customer


def _refs(items) -> list[str]:
    return [i.customer.customer_ref for i in items]


def test_an_account_with_several_open_actions_is_one_item_with_its_reasons_merged(team):
    acme = team["accounts"]["A1"]
    make_action(acme, kind="custom", reason="Answer the email about invoice 77")
    make_action(acme, kind="call", due_date=AS_OF - dt.timedelta(days=3))
    queues_rebuild(as_of=AS_OF, actor="test")
    items = WorkItem.objects.filter(customer=acme)
    assert items.count() == 1
    item = items.get()
    assert len(item.action_ids) == 3
    assert set(item.kinds) == {"call", "custom"}
    codes = [r["code"] for r in item.reasons]
    assert codes.count("past_due") == 1
    assert {"code": "task", "params": {"text": "Answer the email about invoice 77"}} in item.reasons
    assert {"code": "task_overdue", "params": {"days": 3}} in item.reasons
    queue = queue_for_collector(collector=team["ana"], as_of=AS_OF)
    assert _refs(queue.today).count("A1") == 1


def test_days_past_due_come_from_the_oldest_past_due_debit_not_an_old_credit_memo(team):
    ana = team["ana"]
    old = past_due_customer("C9", "300.00", days=10, collector=ana)
    DocumentFactory(
        customer=old,
        document_ref="CM-OLD",
        document_type="credit_memo",
        document_date=AS_OF - dt.timedelta(days=747),
        due_date=AS_OF - dt.timedelta(days=717),
        amount=Decimal("-12.53"),
    )
    # A paid-down invoice, still open at zero, does not count either.
    DocumentFactory(
        customer=old,
        document_ref="INV-ZERO",
        due_date=AS_OF - dt.timedelta(days=400),
        amount=Decimal("50.00"),
        open_amount=Decimal("0.00"),
        cleared_date=None,
    )
    aging_refresh(as_of=AS_OF, actor="test")
    make_action(old, days_past_due=717)
    queues_rebuild(as_of=AS_OF, actor="test")
    item = WorkItem.objects.get(customer=old)
    assert item.days_past_due == 10
    assert old.aging.days_past_due == 10


def test_credit_and_tiny_balances_are_not_in_today(team, settings):
    settings.OPENAR_SMALL_BALANCE = {"USD": "25.00", "MXN": "500.00"}
    ana = team["ana"]
    credit = past_due_customer("CR", "100.00", days=40, collector=ana)
    DocumentFactory(
        customer=credit,
        document_ref="CM-CR",
        document_type="credit_memo",
        due_date=AS_OF - dt.timedelta(days=50),
        amount=Decimal("-112.53"),
    )
    tiny = past_due_customer("T1", "1.00", days=90, collector=ana)
    aging_refresh(as_of=AS_OF, actor="test")
    make_action(credit)
    make_action(tiny)
    queues_rebuild(as_of=AS_OF, actor="test")
    queue = queue_for_collector(collector=ana, as_of=AS_OF)
    assert "CR" not in _refs(queue.today) and "T1" not in _refs(queue.today)
    assert set(_refs(queue.today)) == {"A1", "A2", "A3"}
    tiny_item = WorkItem.objects.get(customer=tiny)
    assert tiny_item.slot == "waiting"
    assert tiny_item.reasons[0]["code"] == "small_balance"


def test_calls_today_counts_the_calls_made_not_the_calls_planned(team):
    ana = team["ana"]
    queues_rebuild(as_of=AS_OF, actor="test")
    queue = queue_for_collector(collector=ana, as_of=AS_OF)
    assert queue.calls_made == 0
    for ref in ("A1", "A2"):
        contact_record(
            customer=team["accounts"][ref],
            user=ana,
            channel="call",
            outcome="no_answer",
            contacted_at=timezone.make_aware(dt.datetime(2026, 6, 30, 10, 0)),
            actor=ana,
        )
    # An email and yesterday's call are not today's calls.
    contact_record(
        customer=team["accounts"]["A3"], user=ana, channel="email", outcome="sent", actor=ana,
        contacted_at=timezone.make_aware(dt.datetime(2026, 6, 30, 11, 0)),
    )  # fmt: skip
    contact_record(
        customer=team["accounts"]["A3"], user=ana, channel="call", outcome="reached", actor=ana,
        contacted_at=timezone.make_aware(dt.datetime(2026, 6, 29, 11, 0)),
    )  # fmt: skip
    queue = queue_for_collector(collector=ana, as_of=AS_OF)
    assert queue.calls_made == 2


@pytest.mark.time_machine(dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_promise_recorded_on_the_account_page_takes_the_account_out_of_the_queue(team):
    ana = team["ana"]
    queues_rebuild(as_of=AS_OF, actor="test")
    assert "A1" in _refs(queue_for_collector(collector=ana, as_of=AS_OF).today)
    promise_record(
        customer=team["accounts"]["A1"],
        amount="42300.00",
        currency="USD",
        promised_date=AS_OF + dt.timedelta(days=5),
        taken_on=AS_OF,
        actor=ana,
    )
    queue = queue_for_collector(collector=ana, as_of=AS_OF)
    assert "A1" not in _refs([*queue.today, *queue.waiting])
    # Its call waits for the promise: still open, back in the queue if the promise breaks.
    assert Action.objects.get(pk=team["actions"]["A1"].pk).status == "open"
    queues_rebuild(as_of=AS_OF + dt.timedelta(days=6), actor="test")
    assert WorkItem.objects.filter(customer=team["accounts"]["A1"]).exists()

    # Taken on a call logged with it: the call was made, its task is done.
    promise_record(
        customer=team["accounts"]["A3"], amount="100.00", currency="USD",
        promised_date=AS_OF + dt.timedelta(days=5), taken_on=AS_OF, actor=ana, channel="call",
    )  # fmt: skip
    assert Action.objects.get(pk=team["actions"]["A3"].pk).status == "done"
    assert not WorkItem.objects.filter(customer=team["accounts"]["A3"]).exists()


@pytest.mark.time_machine(dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_call_logged_on_the_account_page_closes_the_call_task(team):
    ana = team["ana"]
    queues_rebuild(as_of=AS_OF, actor="test")
    contact_record(
        customer=team["accounts"]["A2"], user=ana, channel="call", outcome="left_message",
        actor=ana,
    )  # fmt: skip
    action = Action.objects.get(pk=team["actions"]["A2"].pk)
    assert action.status == "done" and action.outcome.startswith("left_message")
    assert not WorkItem.objects.filter(customer=team["accounts"]["A2"]).exists()


def test_an_escalation_owned_by_the_manager_goes_to_the_manager_not_the_collector(team):
    acme = team["accounts"]["A1"]
    make_action(acme, kind="escalation", owner_role="manager")
    make_action(acme, kind="custom", owner_role="credit")  # nobody holds credit: unassigned
    queues_rebuild(as_of=AS_OF, actor="test")
    ana_item = WorkItem.objects.get(customer=acme, collector=team["ana"])
    assert ana_item.kinds == ["call"]
    boss_item = WorkItem.objects.get(customer=acme, collector=team["manager"])
    assert boss_item.kinds == ["escalation"]
    assert WorkItem.objects.filter(customer=acme, collector=None).count() == 1


def test_a_second_manager_gets_the_escalations_of_their_own_collectors(team):
    other = UserFactory(username="chief", roles=["manager"])
    from openar.worklist.models import CollectorProfile

    CollectorProfile.objects.create(user=team["ben"], manager=other)
    make_action(team["accounts"]["B1"], kind="escalation", owner_role="manager")
    make_action(team["accounts"]["A1"], kind="escalation", owner_role="manager")
    queues_rebuild(as_of=AS_OF, actor="test")
    assert WorkItem.objects.get(customer=team["accounts"]["B1"], kind="escalation").collector == (
        other
    )
    # Two managers and no manager named for ana: nobody is guessed.
    assert WorkItem.objects.get(customer=team["accounts"]["A1"], kind="escalation").collector is (
        None
    )


def test_a_collector_closes_any_action_with_an_outcome(team):
    ana = team["ana"]
    acme = team["accounts"]["A1"]
    task = make_action(acme, kind="custom", reason="Send the statement")
    queues_rebuild(as_of=AS_OF, actor="test")
    item = WorkItem.objects.get(customer=acme)
    work_item_close(item=item, user=ana, outcome="done", note="sent by post", actor=ana)
    for action in Action.objects.filter(pk__in=[task.pk, team["actions"]["A1"].pk]):
        assert action.status == "done"
        assert "sent by post" in action.outcome
    assert not WorkItem.objects.filter(customer=acme).exists()


def test_closing_as_not_needed_cancels(team):
    ana = team["ana"]
    queues_rebuild(as_of=AS_OF, actor="test")
    item = WorkItem.objects.get(customer=team["accounts"]["A2"])
    work_item_close(item=item, user=ana, outcome="not_needed", note="", actor=ana)
    assert Action.objects.get(pk=team["actions"]["A2"].pk).status == "cancelled"
