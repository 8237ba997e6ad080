"""YAML/JSON import and export, the default set, and saving through the service."""

from __future__ import annotations

import json

import pytest
import yaml

from openar.core.models import AuditEvent
from openar.strategy.models import Strategy, StrategyStep
from openar.strategy.selectors import strategies_export
from openar.strategy.services import (
    StrategyInvalid,
    dump_document,
    parse_document,
    strategies_import,
    strategies_load_defaults,
    strategy_save,
)
from tests.strategy.helpers import make_strategy, step

pytestmark = pytest.mark.django_db


def test_default_set_loads_once_and_holds_the_issue_example():
    assert strategies_load_defaults(actor="test") == 2
    assert strategies_load_defaults(actor="test") == 0
    standard = Strategy.objects.get(code="standard")
    assert standard.is_default and standard.active
    ladder = list(
        standard.steps.filter(trigger="dpd").values_list("days_from", "kind", "owner_role")
    )
    assert ladder == [
        (-5, "email", "collector"), (1, "email", "collector"), (15, "call", "collector"),
        (31, "call", "collector"), (31, "letter", "collector"), (61, "escalation", "manager"),
        (90, "credit_hold", "credit"), (120, "agency", "manager"),
    ]  # fmt: skip
    assert set(standard.steps.exclude(trigger="dpd").values_list("trigger", flat=True)) == {
        "promise_broken", "dispute_lost", "payment_bounced", "class_dropped",
    }  # fmt: skip


def test_round_trip_yaml_and_json():
    strategies_load_defaults(actor="test")
    make_strategy(
        "custom", [step("c", "custom", 3, days_to=9, wait_days=2,
                        conditions={"skip_if_balance_under": "25.5"})],
        criteria={"risk_class": ["D", "E"], "attributes": {"channel": ["web", "edi"]}},
        priority=5, active=False,
    )  # fmt: skip
    exported = strategies_export()
    for fmt in ("yaml", "json"):
        text = dump_document(exported, fmt)
        data, problems = parse_document(text.encode())
        assert problems == []
        report = strategies_import(data=data, actor="test")
        assert report.ok
        assert (report.created, report.updated) == ([], [])
        assert sorted(report.unchanged) == ["custom", "key-accounts", "standard"]
        assert strategies_export() == exported
    assert json.loads(dump_document(exported, "json"))["strategies"][0]["code"] == "custom"


def test_import_creates_and_updates_by_code_and_dry_run_writes_nothing():
    make_strategy("std", [step("call", "call", 15)], is_default=True)
    doc = {
        "version": 1,
        "strategies": [
            {"code": "std", "name": "Standard", "is_default": True, "active": True,
             "steps": [step("notice", "email", 1), step("call", "call", 20)]},
            {"code": "vip", "name": "VIP", "priority": 5,
             "criteria": {"segment": ["key"]}, "steps": [step("call", "call", 5)]},
        ],
    }  # fmt: skip
    dry = strategies_import(data=doc, actor="test", dry_run=True)
    assert (dry.created, dry.updated) == (["vip"], ["std"])
    assert Strategy.objects.count() == 1
    assert list(StrategyStep.objects.values_list("code", "days_from")) == [("call", 15)]
    report = strategies_import(data=doc, actor="test")
    assert report.ok and report.created == ["vip"]
    std = Strategy.objects.get(code="std")
    assert list(std.steps.order_by("order").values_list("code", "days_from")) == [
        ("notice", 1), ("call", 20),
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="strategy.import").count() == 1


def test_invalid_file_changes_nothing_and_names_every_problem():
    make_strategy("std", [step("call", "call", 15)], is_default=True)
    before = strategies_export()
    doc = {
        "strategies": [
            {"code": "std", "name": "Changed", "steps": [step("call", "call", 20)]},
            {"code": "bad", "name": "Bad", "steps": [
                {"code": "a", "kind": "call", "days_from": 10},
                {"code": "b", "kind": "phone", "owner_role": "collector", "days_from": 5},
            ]},
        ]
    }  # fmt: skip
    report = strategies_import(data=doc, actor="test")
    assert not report.ok
    assert [str(i) for i in report.errors] == [
        "strategies[1].steps[0].owner_role: a step needs an owner role",
        "strategies[1].steps[1].kind: unknown kind 'phone' (known: email, letter, call, "
        "escalation, credit_hold, agency, custom)",
        "strategies[1].steps[1].days_from: days out of order: step 'b' starts at 5 after step "
        "'a' at 10",
    ]
    assert strategies_export() == before


def test_warnings_do_not_stop_an_import():
    doc = {"strategies": [{"code": "s", "name": "S", "steps": [
        step("c1", "call", 10, days_to=40), step("c2", "call", 20),
    ]}]}  # fmt: skip
    report = strategies_import(data=doc, actor="test")
    assert report.ok and report.created == ["s"]
    assert "overlapping steps" in report.warnings[0].message


def test_unreadable_file_is_reported():
    data, problems = parse_document(b"strategies: [unclosed")
    assert data is None and "not valid YAML or JSON" in problems[0].message
    assert parse_document(b"\xff\xfe")[1][0].message == "the file is not UTF-8 text"


def test_a_new_default_replaces_the_old_one():
    make_strategy("old", [step("c", "call", 1)], is_default=True)
    report = strategies_import(
        data={"strategies": [{"code": "new", "name": "New", "is_default": True,
                              "steps": [step("c", "call", 1)]}]},
        actor="test",
    )  # fmt: skip
    assert "'new' becomes the default instead of 'old'" in report.warnings[0].message
    assert list(Strategy.objects.filter(is_default=True).values_list("code", flat=True)) == ["new"]


def test_save_refuses_a_duplicate_code_and_keeps_steps_by_code():
    make_strategy("a", [step("call", "call", 15)])
    with pytest.raises(StrategyInvalid) as info:
        strategy_save(data={"code": "a", "name": "A", "steps": [step("x", "call", 1)]}, actor="t")
    assert info.value.field == "code"
    first_id = StrategyStep.objects.get(code="call").pk
    strategy_save(
        data={
            "code": "a",
            "name": "A2",
            "steps": [step("pre", "email", 1), step("call", "call", 20)],
        },
        actor="t",
        original_code="a",
    )
    assert StrategyStep.objects.get(code="call").pk == first_id  # actions keep pointing at it
    assert yaml.safe_load(dump_document(strategies_export()))["strategies"][0]["name"] == "A2"
