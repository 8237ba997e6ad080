"""The daily engine on a real database: applicability, triggers, conditions, waits, reruns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.activity.models import AccountEvent, PromiseToPay
from openar.core.models import AuditEvent
from openar.credit.models import Recommendation
from openar.risk.models import CustomerScore
from openar.strategy.models import Action, StrategyRun
from openar.strategy.services import strategies_evaluate
from tests.factories import CustomerFactory, DocumentFactory, EntityFactory, UserFactory
from tests.strategy.helpers import AS_OF, account, make_strategy, step

pytestmark = pytest.mark.django_db

LADDER = [
    step("reminder", "email", -5, days_to=-1),
    step("notice", "email", 1),
    step("call", "call", 15),
    step("escalate", "escalation", 61, owner_role="manager"),
    step("hold", "credit_hold", 90, owner_role="credit"),
    step("agency", "agency", 120, owner_role="manager"),
]


def _codes(customer) -> list[str]:
    return sorted(Action.objects.filter(customer=customer).values_list("step__code", flat=True))


def test_each_days_past_due_window_creates_its_action():
    make_strategy("std", LADDER, is_default=True)
    accounts = {dpd: account(days_past_due=dpd) for dpd in (-10, -3, 0, 1, 20, 70, 95, 150)}
    result = strategies_evaluate(as_of=AS_OF, actor="test")
    assert {dpd: _codes(c) for dpd, c in accounts.items()} == {
        -10: [], -3: ["reminder"], 0: [], 1: ["notice"], 20: ["call"], 70: ["escalate"],
        95: ["hold"], 150: ["agency"],
    }  # fmt: skip
    assert result.actions_created == 6
    assert result.customers_evaluated == 8
    assert result.by_kind == {"email": 2, "call": 1, "escalation": 1, "credit_hold": 1, "agency": 1}
    action = Action.objects.get(customer=accounts[20])
    assert (action.kind, action.owner_role, action.as_of, action.due_date) == (
        "call", "collector", AS_OF, AS_OF,
    )  # fmt: skip
    assert action.days_past_due == 20
    assert "oldest item 20 days past due" in action.reason
    assert Action.objects.get(customer=accounts[-3]).days_past_due == -3


def test_rerun_of_the_same_date_creates_nothing():
    make_strategy("std", LADDER, is_default=True)
    for dpd in (3, 20, 95, 130):
        account(days_past_due=dpd)
    first = strategies_evaluate(as_of=AS_OF, actor="test")
    second = strategies_evaluate(as_of=AS_OF, actor="test")
    assert first.actions_created == 4
    assert (second.actions_created, second.actions_existing) == (0, 4)
    assert Action.objects.count() == 4
    assert Recommendation.objects.count() == 2
    run = StrategyRun.objects.get(as_of=AS_OF)
    assert (run.runs, run.actions_created) == (2, 4)
    # The next day the account is still in the same windows and episodes: nothing new either.
    third = strategies_evaluate(as_of=AS_OF + dt.timedelta(days=1), actor="test")
    assert third.actions_created == 0


def test_wait_days_repeat_a_step_while_the_account_stays_in_its_window():
    make_strategy("std", [step("call", "call", 15, days_to=60, wait_days=7)], is_default=True)
    customer = account(days_past_due=15)
    created = []
    for offset in range(0, 15):
        day = AS_OF + dt.timedelta(days=offset)
        created.append(strategies_evaluate(as_of=day, actor="test").actions_created)
    # dpd 15, 22, 29: one call each; the days between wait.
    assert created == [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert Action.objects.filter(customer=customer).count() == 3


def test_a_new_episode_starts_the_ladder_again():
    make_strategy("std", [step("call", "call", 15)], is_default=True)
    customer = account(days_past_due=20)
    assert strategies_evaluate(as_of=AS_OF, actor="test").actions_created == 1
    old = customer.documents.get()
    old.cleared_date, old.open_amount = AS_OF, Decimal(0)
    old.save()
    DocumentFactory(
        customer=customer, document_date=AS_OF - dt.timedelta(days=40),
        due_date=AS_OF - dt.timedelta(days=16), amount=Decimal("50.00"),
    )  # fmt: skip
    assert (
        strategies_evaluate(as_of=AS_OF + dt.timedelta(days=1), actor="test").actions_created == 1
    )


def test_applicability_entity_segment_risk_balance_attributes_and_default():
    mx = EntityFactory(code="MX01", name="Mexico", currency="MXN")
    steps = [step("call", "call", 1)]
    make_strategy("mexico", steps, criteria={"entity": ["MX01"]}, priority=10)
    make_strategy("key", steps, criteria={"segment": ["key"]}, priority=20)
    make_strategy("risky", steps, criteria={"risk_class": ["D", "E"]}, priority=30)
    make_strategy("big", steps, criteria={"balance_min": "10000"}, priority=40)
    make_strategy("web", steps, criteria={"attributes": {"channel": "web"}}, priority=50)
    make_strategy("std", steps, is_default=True, priority=1)
    make_strategy("off", steps, criteria={"segment": ["small"]}, priority=5, active=False)
    both = account(days_past_due=5, entity=mx, currency="MXN", segment="key")
    key = account(days_past_due=5, segment="key")
    risky = account(days_past_due=5, segment="small")
    CustomerScore.objects.create(
        customer=risky, as_of=AS_OF - dt.timedelta(days=1), score=200, risk_class="E",
        engine="scorecard", currency="USD",
    )  # fmt: skip
    big = account(days_past_due=5, amount="25000.00")
    web = account(days_past_due=5, attributes={"channel": "web"})
    plain = account(days_past_due=5, segment="small")
    # MX01 items are in MXN: the balance needs a rate to the reporting currency.
    from tests.factories import FxRateFactory

    FxRateFactory(date=AS_OF, from_currency="MXN", to_currency="USD", rate=Decimal("0.05"))
    result = strategies_evaluate(as_of=AS_OF, actor="test")
    got = {
        c.pk: Action.objects.get(customer=c).strategy.code
        for c in (both, key, risky, big, web, plain)
    }
    assert got == {
        both.pk: "mexico", key.pk: "key", risky.pk: "risky", big.pk: "big", web.pk: "web",
        plain.pk: "std",
    }  # fmt: skip
    assert result.by_strategy == {"mexico": 1, "key": 1, "risky": 1, "big": 1, "web": 1, "std": 1}


def test_without_a_default_unmatched_accounts_get_nothing():
    make_strategy("key", [step("call", "call", 1)], criteria={"segment": ["key"]})
    account(days_past_due=5, segment="small")
    result = strategies_evaluate(as_of=AS_OF, actor="test")
    assert (result.actions_created, result.unmatched) == (0, 1)


@pytest.mark.parametrize(
    "kind", ["promise_broken", "dispute_lost", "class_dropped", "payment_bounced"]
)
def test_each_event_trigger_fires_once_per_event(kind):
    make_strategy(
        "std", [step("ev", "call", trigger=kind), step("never", "letter", 500)], is_default=True
    )
    customer = account(days_past_due=3)
    quiet = account(days_past_due=3)
    AccountEvent.objects.create(
        customer=customer, kind=kind, occurred_on=AS_OF, ref=f"{kind}:1", source="test"
    )
    AccountEvent.objects.create(  # another kind: no step for it
        customer=quiet, kind="promise_kept", occurred_on=AS_OF, ref="kept:1", source="test"
    )
    result = strategies_evaluate(as_of=AS_OF, actor="test")
    assert result.actions_created == 1
    action = Action.objects.get()
    assert (action.customer_id, action.step.code) == (customer.pk, "ev")
    assert action.reason.startswith("Std / Ev: ")
    assert strategies_evaluate(as_of=AS_OF, actor="test").actions_created == 0


def test_event_steps_look_back_to_the_previous_run():
    make_strategy("std", [step("broken", "call", trigger="promise_broken")], is_default=True)
    customer = account(days_past_due=3)
    strategies_evaluate(as_of=AS_OF, actor="test")
    # Recorded after the run of AS_OF, dated the next day; the run two days later still sees it.
    AccountEvent.objects.create(
        customer=customer, kind="promise_broken", occurred_on=AS_OF + dt.timedelta(days=1),
        ref="promise:9", source="test",
    )  # fmt: skip
    result = strategies_evaluate(as_of=AS_OF + dt.timedelta(days=2), actor="test")
    assert result.event_window == ("2026-07-01", "2026-07-02")
    assert result.actions_created == 1
    # An event before the previous run's date is not picked up again.
    AccountEvent.objects.create(
        customer=customer, kind="promise_broken", occurred_on=AS_OF, ref="promise:8",
        source="test",
    )  # fmt: skip
    assert (
        strategies_evaluate(as_of=AS_OF + dt.timedelta(days=3), actor="test").actions_created == 0
    )


def test_event_step_waits_before_firing_again():
    make_strategy(
        "std", [step("broken", "call", trigger="promise_broken", wait_days=3)], is_default=True
    )
    customer = account(days_past_due=3)
    fired = []
    for offset in range(5):
        day = AS_OF + dt.timedelta(days=offset)
        AccountEvent.objects.create(
            customer=customer, kind="promise_broken", occurred_on=day, ref=f"p:{offset}",
            source="test",
        )  # fmt: skip
        fired.append(strategies_evaluate(as_of=day, actor="test").actions_created)
    assert fired == [1, 0, 0, 1, 0]


def test_conditions_skip_disputed_promise_plan_and_small_balance():
    steps = [
        step("call", "call", 1, conditions={
            "skip_if_disputed": True, "skip_if_promise": True, "skip_if_payment_plan": True,
            "skip_if_balance_under": "100",
        }),
    ]  # fmt: skip
    make_strategy("std", steps, is_default=True)
    disputed = account(days_past_due=5, disputed=True)
    promised = account(days_past_due=5)
    PromiseToPay.objects.create(
        customer=promised, amount=Decimal("500"), currency="USD",
        promised_date=AS_OF + dt.timedelta(days=3), taken_on=AS_OF - dt.timedelta(days=1),
    )  # fmt: skip
    lapsed = account(days_past_due=5)  # an open promise whose date has passed does not protect
    PromiseToPay.objects.create(
        customer=lapsed, amount=Decimal("500"), currency="USD",
        promised_date=AS_OF - dt.timedelta(days=1), taken_on=AS_OF - dt.timedelta(days=5),
    )  # fmt: skip
    small = account(days_past_due=5, amount="99.99")
    plain = account(days_past_due=5)
    result = strategies_evaluate(as_of=AS_OF, actor="test")
    assert set(Action.objects.values_list("customer_id", flat=True)) == {lapsed.pk, plain.pk}
    assert result.skipped == {"disputed": 1, "promise_active": 1, "balance_under": 1}
    assert {disputed.pk, promised.pk, small.pk}.isdisjoint(
        Action.objects.values_list("customer_id", flat=True)
    )


def test_credit_balance_gets_no_dunning_and_credit_memos_do_not_age():
    make_strategy("std", [step("notice", "email", 1)], is_default=True)
    customer = account(days_past_due=10, amount="100.00")
    DocumentFactory(
        customer=customer, document_type="credit_memo", document_date=AS_OF - dt.timedelta(days=90),
        due_date=AS_OF - dt.timedelta(days=90), amount=Decimal("-150.00"),
    )  # fmt: skip
    assert strategies_evaluate(as_of=AS_OF, actor="test").actions_created == 0


def test_recommendations_and_collector_assignment():
    collector = UserFactory(username="ana")
    make_strategy("std", LADDER, is_default=True)
    held = account(days_past_due=100, collector=collector)
    agency = account(days_past_due=200, collector=collector)
    called = account(days_past_due=20, collector=collector)
    result = strategies_evaluate(as_of=AS_OF, actor="test")
    assert result.recommendations_created == 2
    recs = {r.customer_id: r for r in Recommendation.objects.select_related("action")}
    assert recs[held.pk].kind == "credit_hold" and recs[held.pk].status == "pending"
    assert recs[agency.pk].kind == "agency"
    assert recs[held.pk].action.customer_id == held.pk
    assert Action.objects.get(customer=called).assigned_to == collector
    # Only collector-owned work is assigned to the account's collector.
    assert Action.objects.get(customer=held).assigned_to is None


def test_inactive_strategies_are_not_evaluated_and_empty_set_is_fine():
    make_strategy("std", LADDER, is_default=True, active=False)
    account(days_past_due=20)
    result = strategies_evaluate(as_of=AS_OF, actor="test")
    assert result.actions_created == 0
    assert CustomerFactory._meta.model.objects.count() == 1


def test_paid_account_leaves_its_past_due_work_behind():
    make_strategy("std", LADDER, is_default=True)
    paid = account(days_past_due=20)
    still_owing = account(days_past_due=20)
    upcoming = account(days_past_due=-3)
    strategies_evaluate(as_of=AS_OF, actor="test")
    assert Action.objects.filter(status="open").count() == 3
    # The first account pays its invoice the next day.
    paid.documents.update(open_amount=Decimal("0"), cleared_date=AS_OF + dt.timedelta(days=1))
    result = strategies_evaluate(as_of=AS_OF + dt.timedelta(days=1), actor="test")
    assert result.actions_closed == 1
    closed = Action.objects.get(customer=paid)
    assert closed.status == "cancelled"
    assert "nothing past due" in closed.outcome
    # The closing is audited per action, as a person's closing is (action_close).
    event = AuditEvent.objects.get(action="action.cancelled")
    assert (event.object_type, event.object_id) == ("action", str(closed.pk))
    assert event.actor_label == "test"
    assert event.summary == f"{closed.kind} for customer {paid.pk}: {closed.outcome}"
    assert event.before == {"status": "open"}
    assert event.after == {"status": "cancelled", "outcome": closed.outcome}
    assert Action.objects.get(customer=still_owing).status == "open"
    # A reminder before the due date is not past-due work: it stays.
    assert Action.objects.get(customer=upcoming).status == "open"
    # Rerunning the day closes nothing more; rerunning the first day closes nothing either.
    assert strategies_evaluate(as_of=AS_OF + dt.timedelta(days=1), actor="test").actions_closed == 0
    assert strategies_evaluate(as_of=AS_OF, actor="test").actions_closed == 0
    assert AuditEvent.objects.filter(action="action.cancelled").count() == 1
