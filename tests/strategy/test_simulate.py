"""Simulation: what a strategy would do, before it is active, without writing anything."""

from __future__ import annotations

import pytest

from openar.credit.models import Recommendation
from openar.strategy.models import Action, StrategyRun
from openar.strategy.selectors import strategy_simulate
from openar.strategy.services import strategies_evaluate
from tests.strategy.helpers import AS_OF, account, make_strategy, step

pytestmark = pytest.mark.django_db


def test_simulation_of_an_inactive_strategy_creates_nothing_and_matches_the_real_run():
    std = make_strategy("std", [step("notice", "email", 1)], is_default=True)
    vip = make_strategy(
        "vip",
        [step("call", "call", 1), step("hold", "credit_hold", 90, owner_role="credit")],
        criteria={"segment": ["key"]},
        priority=10,
        active=False,
    )
    key_late = account(days_past_due=95, segment="key", customer_ref="K1")
    account(days_past_due=5, segment="key", customer_ref="K2")
    account(days_past_due=5, segment="small", customer_ref="S1")
    sim = strategy_simulate(strategy=vip, as_of=AS_OF)
    assert (Action.objects.count(), Recommendation.objects.count()) == (0, 0)
    assert StrategyRun.objects.count() == 0
    assert sim.customers_matched == 2 and sim.customers_evaluated == 3
    assert sim.new_actions == 2 and sim.existing_actions == 0
    assert sim.by_step == {"call": 1, "hold": 1}
    assert [a.customer_ref for a in sim.actions] == ["K1", "K2"]  # oldest debt first
    assert sim.actions[0].kind == "credit_hold" and "95 days past due" in sim.actions[0].reason
    # The inactive strategy does not take accounts from the active ones in a real run...
    strategies_evaluate(as_of=AS_OF, actor="test")
    assert set(Action.objects.values_list("strategy__code", flat=True)) == {"std"}
    # ...and once active, the real run does what the simulation said.
    vip.active = True
    vip.save()
    sim_std = strategy_simulate(strategy=std, as_of=AS_OF)
    assert sim_std.customers_matched == 1 and sim_std.existing_actions == 1
    result = strategies_evaluate(as_of=AS_OF, actor="test")
    assert result.by_kind == {"call": 1, "credit_hold": 1}
    assert Action.objects.filter(customer=key_late, strategy=vip).count() == 1
    again = strategy_simulate(strategy=vip, as_of=AS_OF)
    assert (again.new_actions, again.existing_actions) == (0, 2)
    assert all(a.exists for a in again.actions)
