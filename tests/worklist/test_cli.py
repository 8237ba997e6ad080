"""The openar queue / portfolio / report productivity commands."""

from __future__ import annotations

import json

import pytest

from openar.cli import main
from openar.ledger.models import Customer
from openar.worklist.models import WorkItem
from tests.clock import ON_TODAY

pytestmark = ON_TODAY


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_queue_rebuild_and_show(team, capsys):
    assert main(["queue", "rebuild", "--as-of", "2026-06-30", "--json"]) == 0
    assert _json(capsys)["queue_items"] == 5
    assert main(["queue", "show", "--collector", "ana", "--as-of", "2026-06-30", "--json"]) == 0
    out = _json(capsys)
    assert out["today"] == 3 and out["daily_target"] == 50
    assert [i["customer_ref"] for i in out["items"]] == ["A1", "A3", "A2"]
    assert out["items"][0]["reason_text"].startswith("$42,300 past due 47 days")
    assert main(["queue", "show", "--collector", "ana"]) == 0
    text = capsys.readouterr().out
    assert "ana: 3 today, 0 waiting" in text and "A1" in text


def test_queue_rebuild_one_collector(team, capsys):
    main(["queue", "rebuild", "--as-of", "2026-06-30"])
    capsys.readouterr()
    assert main(["queue", "rebuild", "--as-of", "2026-06-30", "--collector", "ben", "--json"]) == 0
    assert _json(capsys)["queue_items"] == 2
    assert WorkItem.objects.count() == 5


def test_unknown_collector_exits_1(team, capsys):
    assert main(["queue", "show", "--collector", "nobody"]) == 1
    assert "no user 'nobody'" in capsys.readouterr().err


def test_portfolio_assign_one_account_and_balance(team, capsys):
    assert main(["portfolio", "assign", "--customer", "B2", "--collector", "ana", "--json"]) == 0
    assert _json(capsys)["changed"] == 1
    assert Customer.objects.get(customer_ref="B2").collector.username == "ana"

    assert main(["portfolio", "balance", "--collectors", "ana,ben", "--json"]) == 0
    preview = _json(capsys)
    assert preview["applied"] is False
    assert Customer.objects.filter(collector__username="ana").count() == 4
    assert main(["portfolio", "balance", "--collectors", "ana,ben", "--apply", "--json"]) == 0
    applied = _json(capsys)
    assert applied["applied"] is True
    assert applied["accounts_moved"] == preview["accounts_moved"]
    assert main(["portfolio", "balance", "--collectors", "ana,ben", "--json"]) == 0
    assert _json(capsys)["accounts_moved"] == 0


def test_portfolio_assign_by_rules_preview_then_apply(team, capsys):
    from openar.worklist.services import portfolio_rule_add

    portfolio_rule_add(collector=team["ben"], actor="t", entity="US01")
    assert main(["portfolio", "assign", "--json"]) == 0
    out = _json(capsys)
    assert out == {
        "applied": False,
        "changed": 3,
        "moves": [{"from": "ana", "to": "ben", "accounts": 3}],
    }
    assert main(["portfolio", "assign", "--apply"]) == 0
    assert "3 accounts reassigned" in capsys.readouterr().out
    assert Customer.objects.filter(collector__username="ben").count() == 5


def test_portfolio_assign_needs_both_customer_and_collector(team):
    with pytest.raises(SystemExit) as exc:
        main(["portfolio", "assign", "--customer", "A1"])
    assert exc.value.code == 2


def test_report_productivity_json_and_aging_still_registered(team, capsys):
    assert main(["report", "productivity", "--date", "2026-06-30", "--json"]) == 0
    out = _json(capsys)
    assert out["date"] == "2026-06-30"
    assert {r["collector"] for r in out["rows"]} == {"ana", "ben"}
    assert main(["report", "aging", "--as-of", "2026-06-30", "--format", "json"]) == 0
    assert _json(capsys)["as_of"] == "2026-06-30"
