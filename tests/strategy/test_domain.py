"""Validation of strategy definitions and the pure matching rules (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openar.strategy.domain.definitions import StepDef, StrategyDef, effective_windows
from openar.strategy.domain.evaluation import (
    AccountFacts,
    compile_strategy,
    criteria_match,
    due_steps,
    order_for_matching,
    pick_strategy,
)
from openar.strategy.domain.validation import validate_document, validate_strategy

AS_OF = dt.date(2026, 6, 30)


def _strategy(steps, **extra):
    return {"code": "s1", "name": "S1", "steps": steps, **extra}


def _fields(issues):
    return {i.field: i.message for i in issues}


def test_valid_strategy_has_no_errors():
    out = validate_strategy(
        _strategy([
            {"code": "mail", "kind": "email", "owner_role": "collector", "days_from": -5,
             "days_to": -1, "template": "reminder"},
            {"code": "call", "kind": "call", "owner_role": "collector", "days_from": 15},
            {"code": "broken", "kind": "call", "owner_role": "collector",
             "trigger": "promise_broken", "wait_days": 3},
        ])
    )  # fmt: skip
    assert out.errors == []
    assert out.warnings == []
    [strategy] = out.strategies
    assert [s.code for s in strategy.steps] == ["mail", "call", "broken"]
    assert strategy.steps[2].trigger == "promise_broken"


def test_step_without_owner_is_an_error():
    out = validate_strategy(_strategy([{"code": "call", "kind": "call", "days_from": 15}]))
    assert _fields(out.errors) == {"steps[0].owner_role": "a step needs an owner role"}
    assert out.strategies == []


def test_days_out_of_order_within_a_step_and_between_steps():
    out = validate_strategy(
        _strategy([
            {"code": "a", "kind": "call", "owner_role": "collector", "days_from": 30,
             "days_to": 10},
        ])
    )  # fmt: skip
    assert "days out of order" in _fields(out.errors)["steps[0].days_to"]
    out = validate_strategy(
        _strategy([
            {"code": "a", "kind": "call", "owner_role": "collector", "days_from": 30},
            {"code": "b", "kind": "letter", "owner_role": "collector", "days_from": 10,
             "template": "x"},
        ])
    )  # fmt: skip
    assert "days out of order" in _fields(out.errors)["steps[1].days_from"]


def test_unknown_kind_role_trigger_and_condition_are_named():
    out = validate_strategy(
        _strategy([
            {"code": "a", "kind": "fax", "owner_role": "collector", "days_from": 1},
            {"code": "b", "kind": "call", "owner_role": "sales", "days_from": 2},
            {"code": "c", "kind": "call", "owner_role": "collector", "trigger": "moon"},
            {"code": "d", "kind": "call", "owner_role": "collector", "days_from": 3,
             "conditions": {"skip_if_rain": True}},
        ])
    )  # fmt: skip
    fields = _fields(out.errors)
    assert "unknown kind 'fax'" in fields["steps[0].kind"]
    assert "unknown role 'sales'" in fields["steps[1].owner_role"]
    assert "unknown trigger 'moon'" in fields["steps[2].trigger"]
    assert "unknown condition 'skip_if_rain'" in fields["steps[3].conditions.skip_if_rain"]


def test_bad_criteria_are_errors():
    out = validate_strategy(
        _strategy(
            [{"code": "a", "kind": "call", "owner_role": "collector", "days_from": 1}],
            criteria={"risk_class": ["Z"], "balance_min": "lots", "colour": ["red"]},
        )
    )
    fields = _fields(out.errors)
    assert "unknown risk class 'Z'" in fields["criteria.risk_class"]
    assert "'lots' is not an amount" in fields["criteria.balance_min"]
    assert "unknown criterion 'colour'" in fields["criteria.colour"]
    out = validate_strategy(
        _strategy(
            [{"code": "a", "kind": "call", "owner_role": "collector", "days_from": 1}],
            criteria={"balance_min": "500", "balance_max": "100"},
        )
    )
    assert "lower than balance_min" in _fields(out.errors)["criteria.balance_max"]


def test_overlapping_and_contradictory_steps_are_warnings_not_errors():
    out = validate_strategy(
        _strategy(
            [
                {"code": "c1", "kind": "call", "owner_role": "collector", "days_from": 15,
                 "days_to": 45},
                {"code": "c2", "kind": "call", "owner_role": "collector", "days_from": 31},
                {"code": "small", "kind": "letter", "owner_role": "collector", "days_from": 60,
                 "template": "x", "conditions": {"skip_if_balance_under": "5000"}},
                {"code": "hold", "kind": "credit_hold", "owner_role": "credit", "days_from": 90},
            ],
            criteria={"balance_max": "1000"},
        )
    )  # fmt: skip
    assert out.errors == []
    messages = " | ".join(i.message for i in out.warnings)
    assert "overlapping steps: 'c1' and 'c2'" in messages
    assert "contradictory: step 'small'" in messages
    assert len(out.strategies) == 1


def test_document_level_checks():
    out = validate_document({"version": 2, "strategies": []})
    assert {i.field for i in out.errors} == {"version", "strategies"}
    one = {"code": "x", "name": "X", "is_default": True,
           "steps": [{"code": "a", "kind": "call", "owner_role": "collector",
                      "days_from": 1}]}  # fmt: skip
    out = validate_document({"strategies": [one, {**one, "code": "y"}]})
    assert "only one default strategy" in out.errors[0].message
    out = validate_document({"strategies": [one, one]})
    assert "appears twice" in out.errors[0].message
    assert not validate_document("just text").ok


def _facts(**extra):
    base = dict(
        customer_id=1, entity="US01", segment="key", country="US", language="en",
        attributes={"channel": "retail"}, risk_class="C", balance=Decimal("500"),
        oldest_due=AS_OF - dt.timedelta(days=20), disputed=False, promise_active=False,
    )  # fmt: skip
    base.update(extra)
    return AccountFacts(**base)


def test_criteria_match_each_kind():
    facts = _facts()
    assert criteria_match({}, facts)
    assert criteria_match({"entity": ["US01"], "segment": ["key", "strategic"]}, facts)
    assert not criteria_match({"entity": ["MX01"]}, facts)
    assert criteria_match({"risk_class": ["C", "D"]}, facts)
    assert not criteria_match({"risk_class": ["A"]}, facts)
    assert not criteria_match({"risk_class": ["C"]}, _facts(risk_class=None))
    assert criteria_match({"balance_min": "500", "balance_max": "500"}, facts)
    assert not criteria_match({"balance_min": "500.01"}, facts)
    assert criteria_match({"attributes": {"channel": ["retail", "web"]}}, facts)
    assert not criteria_match({"attributes": {"channel": "web"}}, facts)
    assert criteria_match({"country": ["US"], "language": ["en"]}, facts)


def test_first_match_by_priority_then_default():
    step = StepDef(code="a", name="A", kind="call", owner_role="collector", days_from=1, id=1)
    wide = StrategyDef(
        code="wide", name="W", priority=50, criteria={"entity": ["US01"]}, steps=(step,)
    )
    narrow = StrategyDef(code="narrow", name="N", priority=10, criteria={"segment": ["key"]})
    default = StrategyDef(code="dflt", name="D", priority=1, is_default=True)
    ordered = order_for_matching([default, wide, narrow])
    assert [s.code for s in ordered] == ["narrow", "wide", "dflt"]
    assert pick_strategy(ordered, _facts()).code == "narrow"
    assert pick_strategy(ordered, _facts(segment="small")).code == "wide"
    assert pick_strategy(ordered, _facts(segment="small", entity="MX01")).code == "dflt"
    assert pick_strategy(ordered[:2], _facts(segment="small", entity="MX01")) is None


def test_windows_run_until_the_next_step():
    steps = (
        StepDef(code="r", name="r", kind="email", owner_role="collector", days_from=-5, days_to=-1),
        StepDef(code="n", name="n", kind="email", owner_role="collector", days_from=1),
        StepDef(code="c", name="c", kind="call", owner_role="collector", days_from=15),
        StepDef(
            code="l", name="l", kind="letter", owner_role="collector", days_from=15, days_to=60
        ),
        StepDef(code="h", name="h", kind="credit_hold", owner_role="credit", days_from=90),
    )
    assert effective_windows(steps) == {
        "r": (-5, -1), "n": (1, 14), "c": (15, 89), "l": (15, 60), "h": (90, None),
    }  # fmt: skip


def test_due_steps_keys_follow_episode_and_wait():
    call = StepDef(code="c", name="c", kind="call", owner_role="collector", days_from=15,
                   wait_days=7, id=7)  # fmt: skip
    strategy = StrategyDef(code="s", name="S", steps=(call,))
    compiled = compile_strategy(strategy)
    skipped: dict[str, int] = {}
    oldest = AS_OF - dt.timedelta(days=20)
    keys = [
        due_steps(compiled, _facts(oldest_due=oldest), AS_OF + dt.timedelta(days=d),
                  skipped)[0].dedupe_key
        for d in (0, 1, 2, 3)
    ]  # fmt: skip
    # Days past due 20, 21 share the period 15..21; 22 starts the next one.
    assert keys[0] == keys[1] != keys[2] == keys[3]
    assert due_steps(compiled, _facts(balance=Decimal("-5")), AS_OF, skipped) == []
    assert due_steps(compiled, _facts(oldest_due=AS_OF), AS_OF, skipped) == []
