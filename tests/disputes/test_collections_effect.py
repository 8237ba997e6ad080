"""Disputed amounts leave dunning (the balance strategies work from) and the collector's
priority (the past due that ranks the queue), unless configured to stay."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openar.disputes.selectors import disputed_past_due_by_customer
from openar.disputes.services import dispute_open
from openar.strategy.selectors import account_facts
from openar.worklist.selectors import ActionRow, item_facts
from tests.disputes.conftest import AS_OF

pytestmark = pytest.mark.django_db
D = Decimal


def _dispute(books, people):
    dispute_open(customer=books["acme"], items=[(books["inv2"], D("120.00"))],
                 reason_code="pricing", description="", opened_on=AS_OF,
                 actor=people["collector"])  # fmt: skip


def _priority_past_due(books) -> Decimal:
    row = ActionRow(1, books["acme"].pk, "call", AS_OF, 46, None)
    return item_facts(as_of=AS_OF, actions=[row], customers=[books["acme"].pk])[0].past_due_amount


def test_disputed_past_due_leaves_dunning_and_priority(books, people):
    acme = books["acme"].pk
    facts, _ = account_facts(as_of=AS_OF, strategies=[])
    assert (facts[acme].balance, facts[acme].disputed) == (D("1300.00"), False)
    assert _priority_past_due(books) == D("300.00")
    _dispute(books, people)
    assert disputed_past_due_by_customer(as_of=AS_OF, currency="USD") == {acme: D("120.00")}
    facts, _ = account_facts(as_of=AS_OF, strategies=[])
    assert (facts[acme].balance, facts[acme].disputed) == (D("1180.00"), True)
    assert _priority_past_due(books) == D("180.00")


def test_configured_to_keep_them(books, people, settings):
    settings.OPENAR_DISPUTES_IN_COLLECTIONS = True
    _dispute(books, people)
    facts, _ = account_facts(as_of=AS_OF, strategies=[])
    assert facts[books["acme"].pk].balance == D("1300.00")
    assert _priority_past_due(books) == D("300.00")
