"""The pure ranking: factors, weights, reasons, capacity and cover (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.worklist.domain import (
    AbsenceSpan,
    ItemFacts,
    cover_map,
    effective_collector,
    item_factors,
    normalize_weights,
    rank_items,
    split_capacity,
)

AS_OF = dt.date(2026, 6, 30)


def facts(action_id: int, **kw) -> ItemFacts:
    base = dict(
        action_id=action_id,
        customer_id=action_id,
        kind="call",
        due_date=AS_OF,
        past_due_amount=Decimal("1000.00"),
        currency="USD",
        days_past_due=20,
        last_contact_on=AS_OF - dt.timedelta(days=10),
    )
    base.update(kw)
    return ItemFacts(**base)


def test_larger_past_due_ranks_first():
    ranked = rank_items(
        [facts(1, past_due_amount=Decimal("500")), facts(2, past_due_amount=Decimal("42300"))],
        as_of=AS_OF,
    )
    assert [r.facts.action_id for r in ranked] == [2, 1]
    assert ranked[0].priority > ranked[1].priority


def test_riskier_customer_ranks_first_when_all_else_equal():
    ranked = rank_items([facts(1, risk_score=900), facts(2, risk_score=150)], as_of=AS_OF)
    assert [r.facts.action_id for r in ranked] == [2, 1]


def test_broken_promise_yesterday_outranks_a_bigger_quiet_account():
    quiet = facts(1, past_due_amount=Decimal("3000"))
    broken = facts(2, past_due_amount=Decimal("2000"), promise_broken_on=AS_OF - dt.timedelta(1))
    ranked = rank_items([quiet, broken], as_of=AS_OF)
    assert ranked[0].facts.action_id == 2
    assert {"code": "promise_broken", "params": {"days_ago": 1}} in ranked[0].reasons


def test_weights_change_the_order():
    old_big = facts(1, past_due_amount=Decimal("100000"), days_past_due=5)
    small_old = facts(2, past_due_amount=Decimal("200"), days_past_due=170)
    by_amount = rank_items([old_big, small_old], as_of=AS_OF, weights={"past_due": 100})
    by_age = rank_items([old_big, small_old], as_of=AS_OF, weights={"days_past_due": 100})
    assert by_amount[0].facts.action_id == 1
    assert by_age[0].facts.action_id == 2


def test_recent_contact_lowers_priority():
    called_today = facts(1, last_contact_on=AS_OF)
    not_called = facts(2, last_contact_on=None)
    ranked = rank_items([called_today, not_called], as_of=AS_OF)
    assert ranked[0].facts.action_id == 2
    assert item_factors(called_today, AS_OF)["last_contact"] == 0.0
    assert item_factors(not_called, AS_OF)["last_contact"] == 1.0


def test_escalation_and_overdue_task_are_more_urgent():
    call = item_factors(facts(1), AS_OF)["urgency"]
    escalation = item_factors(facts(2, kind="escalation"), AS_OF)["urgency"]
    overdue = item_factors(facts(3, due_date=AS_OF - dt.timedelta(days=4)), AS_OF)["urgency"]
    assert escalation > call
    assert overdue > call


def test_reasons_are_data_in_importance_order():
    item = facts(
        1,
        past_due_amount=Decimal("42300.00"),
        days_past_due=47,
        risk_class="D",
        promise_broken_on=AS_OF - dt.timedelta(days=1),
    )
    reasons = rank_items([item], as_of=AS_OF)[0].reasons
    assert [r["code"] for r in reasons[:3]] == ["past_due", "risk", "promise_broken"]
    assert reasons[0]["params"] == {"amount": "42300.00", "currency": "USD", "days": 47}


def test_priority_is_within_0_and_1000_and_order_is_stable():
    items = [facts(i) for i in range(1, 6)]
    ranked = rank_items(list(reversed(items)), as_of=AS_OF)
    assert all(0 <= r.priority <= 1000 for r in ranked)
    # Equal facts: the action id decides, so the order never depends on input order.
    assert [r.facts.action_id for r in ranked] == [1, 2, 3, 4, 5]


def test_normalize_weights():
    shares = normalize_weights({"past_due": 1, "risk": 1})
    assert shares["past_due"] == pytest.approx(0.5)
    assert shares["promise"] == 0
    assert sum(normalize_weights({}).values()) == pytest.approx(1.0)  # all zero: defaults
    with pytest.raises(ValueError):
        normalize_weights({"risk": -1})


def test_capacity_limits_calls_not_escalations():
    kinds = ["call", "escalation", "call", "call", "custom", "call"]
    assert split_capacity(kinds, 2) == [True, True, True, False, True, False]
    assert split_capacity(["call"] * 3, 0) == [False, False, False]


def test_cover_applies_in_the_date_range_only_and_follows_chains():
    spans = [
        AbsenceSpan(1, 2, dt.date(2026, 6, 29), dt.date(2026, 7, 3)),
        AbsenceSpan(2, 3, dt.date(2026, 6, 30), dt.date(2026, 6, 30)),
    ]
    assert cover_map(spans, dt.date(2026, 6, 28)) == {}
    assert cover_map(spans, dt.date(2026, 6, 29)) == {1: 2}
    assert cover_map(spans, AS_OF) == {1: 3, 2: 3}  # 2 is away too: 3 works both
    assert effective_collector(1, {1: 3}) == (3, 1)
    assert effective_collector(4, {1: 3}) == (4, None)
    assert effective_collector(None, {1: 3}) == (None, None)


def test_cover_cycle_stops():
    spans = [AbsenceSpan(1, 2, AS_OF, AS_OF), AbsenceSpan(2, 1, AS_OF, AS_OF)]
    result = cover_map(spans, AS_OF)
    assert set(result) == {1, 2}
