"""The pure balancing algorithm: evenness, groups kept whole, few moves (no database)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openar.worklist.domain import Unit, balance_portfolios, load_spread


def portfolio(n: int, seed: int = 7) -> list[Unit]:
    rng = random.Random(seed)
    units = []
    for key in range(1, n + 1):
        accounts = 1 if rng.random() < 0.9 else rng.randint(2, 12)  # a few parent groups
        past_due = Decimal(rng.choice([0, 0, rng.randint(100, 5000), rng.randint(5000, 90000)]))
        units.append(
            Unit(
                key=key,
                accounts=accounts,
                past_due=past_due,
                calls=accounts if past_due else 0,
                owner_id=1,  # everything starts with one collector
            )
        )
    return units


def test_balancing_is_even_on_every_measure():
    units = portfolio(3000)
    plan = balance_portfolios(units, [1, 2, 3, 4, 5])
    for measure in ("accounts", "past_due", "calls"):
        assert plan.spread(measure) < 1.05, measure
    assert plan.spread("accounts", after=False) == pytest.approx(5.0)
    assert sum(load.accounts for load in plan.after.values()) == sum(u.accounts for u in units)


def test_every_group_goes_to_exactly_one_collector():
    units = portfolio(500)
    plan = balance_portfolios(units, [10, 20, 30])
    assert set(plan.assignment) == {u.key for u in units}
    assert set(plan.assignment.values()) <= {10, 20, 30}
    keys = [k for load in plan.after.values() for k in load.units]
    assert sorted(keys) == sorted(u.key for u in units)  # no group split or duplicated


def test_a_balanced_portfolio_barely_moves():
    units = portfolio(2000)
    first = balance_portfolios(units, [1, 2, 3])
    settled = [Unit(u.key, u.accounts, u.past_due, u.calls, first.assignment[u.key]) for u in units]
    second = balance_portfolios(settled, [1, 2, 3])
    assert second.moved_accounts < 0.05 * sum(u.accounts for u in units)
    assert second.spread("accounts") < 1.05


def test_one_huge_group_stays_whole_even_if_uneven():
    units = [Unit(1, 100, Decimal(1000), 10, None)] + [
        Unit(k, 1, Decimal(10), 1, None) for k in range(2, 12)
    ]
    plan = balance_portfolios(units, [1, 2])
    big_owner = plan.assignment[1]
    assert plan.after[big_owner].accounts >= 100
    other = next(c for c in (1, 2) if c != big_owner)
    assert plan.after[other].accounts == 10  # every small unit went to the other one


def test_needs_a_collector():
    with pytest.raises(ValueError):
        balance_portfolios(portfolio(3), [])


def test_load_spread():
    assert load_spread([10, 10]) == 1.0
    assert load_spread([30, 10]) == 1.5
    assert load_spread([]) == 1.0


units_strategy = st.lists(
    st.builds(
        lambda key, accounts, past_due, calls, owner: Unit(key, accounts, past_due, calls, owner),
        key=st.integers(1, 10_000),
        accounts=st.integers(1, 20),
        past_due=st.decimals(0, 100_000, places=2),
        calls=st.integers(0, 5),
        owner=st.sampled_from([None, 1, 2, 3, 9]),
    ),
    max_size=60,
    unique_by=lambda u: u.key,
)


@settings(max_examples=60, deadline=None)
@given(units=units_strategy, collectors=st.lists(st.integers(1, 5), min_size=1, max_size=4))
def test_every_unit_goes_to_exactly_one_listed_collector(units, collectors):
    plan = balance_portfolios(units, collectors)
    assert set(plan.assignment) == {u.key for u in units}
    assert set(plan.assignment.values()) <= set(collectors)
    assert sum(load.accounts for c, load in plan.after.items() if c in collectors) == sum(
        u.accounts for u in units
    )
    assert plan.moved_units == sum(1 for u in units if plan.assignment[u.key] != u.owner_id)
