"""Routing and resolution rules: pure, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.disputes.domain import (
    CaseFacts,
    Route,
    RuleDef,
    age_band,
    days_overdue,
    resolution_credit,
    route,
    spread,
)

D = Decimal


def rule(id, priority=100, team="billing", owner=None, **conds):
    return RuleDef(
        id=id, priority=priority, reason=conds.get("reason"), entity_id=conds.get("entity"),
        customer_id=conds.get("customer"), min_amount=conds.get("min"),
        max_amount=conds.get("max"), owner_team=team, owner_id=owner,
    )  # fmt: skip


CASE = CaseFacts(reason="pricing", entity_id=1, customer_id=7, amount=D("1500.00"))


def test_no_rule_sends_the_case_to_research():
    assert route([], CASE) == Route("research", None, None)


def test_the_first_matching_rule_by_priority_wins():
    rules = [
        rule(1, priority=50, team="sales", reason="tax"),
        rule(2, priority=20, team="billing", reason="pricing", owner=9),
        rule(3, priority=10, team="logistics", reason="damaged"),
        rule(4, priority=90, team="sales"),
    ]
    assert route(rules, CASE) == Route("billing", 9, 2)


def test_amount_entity_and_customer_conditions():
    big = rule(1, priority=1, team="sales", min=D("1000.00"))
    small = rule(2, priority=1, team="billing", max=D("999.99"))
    assert route([small, big], CASE).owner_team == "sales"
    assert route([small], CASE).owner_team == "research"
    assert route([rule(3, entity=2)], CASE).rule_id is None
    assert route([rule(3, entity=1, customer=7)], CASE).rule_id == 3
    assert route([rule(3, customer=8)], CASE).rule_id is None
    # Bounds are inclusive.
    assert route([rule(5, min=D("1500.00"), max=D("1500.00"))], CASE).rule_id == 5


def test_sla_and_age():
    assert days_overdue(dt.date(2026, 6, 1), dt.date(2026, 6, 30)) == 29
    assert days_overdue(dt.date(2026, 7, 1), dt.date(2026, 6, 30)) == 0
    assert age_band(dt.date(2026, 6, 1), dt.date(2026, 6, 30)) == "0-30"
    assert age_band(dt.date(2026, 3, 1), dt.date(2026, 6, 30)) == "90+"


def test_what_each_outcome_credits():
    assert resolution_credit("valid", D("300"), None) == D("300")
    assert resolution_credit("valid", D("300"), D("120")) == D("120")
    assert resolution_credit("invalid", D("300"), None) == 0
    assert resolution_credit("partial", D("300"), D("100")) == D("100")
    assert resolution_credit("write_off", D("300"), D("300")) == D("300")
    for outcome, amount, why in [
        ("valid", D("301"), "more than the disputed"),
        ("partial", None, "give the amount"),
        ("partial", D("300"), "less than the disputed"),
        ("write_off", D("0"), "positive"),
        ("invalid", D("5"), "credits nothing"),
    ]:
        with pytest.raises(ValueError, match=why):
            resolution_credit(outcome, D("300"), amount)


def test_spread_fills_items_in_order():
    assert spread(D("350"), [D("300"), D("100")]) == [D("300"), D("50")]
    assert spread(D("0"), [D("1")]) == [D("0")]
