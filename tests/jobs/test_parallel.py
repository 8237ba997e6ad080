"""On PostgreSQL the aging chain and the promises-then-scores chain run side by side."""

from __future__ import annotations

import pytest
from django.db import connection

from openar.jobs.daily import PHASES, STEPS, run_daily
from openar.strategy.models import Action
from tests.factories import BASE_DATE

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_run_matches_the_sequential_contract(portfolio):
    if connection.vendor != "postgresql":
        pytest.skip("side-by-side steps need PostgreSQL (SQLite has one writer)")
    seen: list[str] = []
    first = run_daily(as_of=BASE_DATE, actor="test", progress=lambda d, t, s: seen.append(s))
    assert set(first["step_seconds"]) == {
        "disputes",
        "aging",
        "promises",
        "scores",
        "strategies",
        "holds",
        "outbox",
        "queues",
        "snapshot",
    }
    assert seen[-1] == "done"
    assert seen.index("strategies") > max(seen.index(s) for s in ("aging", "promises", "scores"))
    assert seen.index("strategies") < min(seen.index("outbox"), seen.index("queues"))
    assert (first["customers"], first["items_aged"], first["customers_scored"]) == (6, 6, 6)
    assert first["actions_created"] == Action.objects.count() > 0
    again = run_daily(as_of=BASE_DATE, actor="test", parallel=True)
    assert again["actions_created"] == 0
    assert again["queue_items"] == first["queue_items"]


def test_phases_hold_every_step_once_in_order():
    assert [name for phase in PHASES for chain in phase for name in chain] == list(STEPS)
