"""`openar run-daily`: the JSON contract, and a rerun of the same date creates nothing new."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from openar.activity.models import AccountEvent, PromiseToPay
from openar.activity.services import promise_record
from openar.cli import main
from openar.comms.models import OutboxMessage
from openar.core.models import JobRun
from openar.jobs.daily import JSON_KEYS, run_daily
from openar.strategy.models import Action
from tests.factories import BASE_DATE

pytestmark = pytest.mark.django_db


def _run_json(capsys, as_of=BASE_DATE) -> dict:
    assert main(["run-daily", "--as-of", as_of.isoformat(), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _state():
    return (
        sorted(Action.objects.values_list("dedupe_key", flat=True)),
        sorted(OutboxMessage.objects.values_list("action_id", "template_code", "language")),
    )


def test_json_contract_and_idempotent_rerun(portfolio, capsys):
    first = _run_json(capsys)
    assert list(first) == list(JSON_KEYS)
    assert first["as_of"] == "2026-06-30"
    assert first["customers"] == 6
    assert first["items_aged"] == 6
    assert first["actions_created"] > 0
    assert first["queue_items"] > 0
    assert isinstance(first["seconds"], float)
    actions, messages = _state()
    assert len(actions) == first["actions_created"]
    # Emails and letters went to the outbox, in each customer's language.
    assert {lang for _, _, lang in messages} == {"en", "es"}

    again = _run_json(capsys)
    assert again["actions_created"] == 0
    assert again["queue_items"] == first["queue_items"]
    assert _state() == (actions, messages)
    assert JobRun.objects.filter(kind="daily", status="done").count() == 2


def test_table_output_without_json(portfolio, capsys):
    assert main(["run-daily", "--as-of", "2026-06-30"]) == 0
    out = capsys.readouterr().out
    assert "actions created" in out
    assert "queue items" in out


def test_broken_promise_is_checked_and_triggers_its_step(portfolio):
    customer = portfolio[2]
    promise = promise_record(
        customer=customer,
        amount=Decimal("500.00"),
        currency="USD",
        # Two grace days: the deadline is yesterday, so it breaks on the run date.
        promised_date=BASE_DATE - dt.timedelta(days=3),
        taken_on=BASE_DATE - dt.timedelta(days=10),
        actor="test",
    )
    result = run_daily(as_of=BASE_DATE, actor="test")
    assert result["promises_checked"] == 1
    promise.refresh_from_db()
    assert promise.status == "broken"
    assert AccountEvent.objects.filter(kind="promise_broken", customer=customer).exists()
    steps = set(Action.objects.filter(customer=customer).values_list("step__code", flat=True))
    assert "promise-broken" in steps
    assert PromiseToPay.objects.get().checked_as_of == BASE_DATE


def test_progress_is_reported_for_every_step(portfolio):
    seen = []
    run_daily(as_of=BASE_DATE, actor="test", progress=lambda d, t, s: seen.append((d, t, s)))
    assert [s for _, _, s in seen] == [
        "disputes",
        "aging",
        "promises",
        "scores",
        "strategies",
        "holds",
        "outbox",
        "queues",
        "snapshot",
        "done",
    ]
    assert seen[-1][:2] == (9, 9)
