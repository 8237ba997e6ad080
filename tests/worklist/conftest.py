from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest

from openar.ledger.services import aging_refresh
from openar.strategy.models import Action
from tests.factories import CustomerFactory, DocumentFactory, EntityFactory, UserFactory

AS_OF = dt.date(2026, 6, 30)
_keys = itertools.count(1)


def make_action(
    customer: Any, *, kind: str = "call", due_date: dt.date = AS_OF, **kw: Any
) -> Action:
    return Action.objects.create(
        customer=customer,
        kind=kind,
        owner_role=kw.pop("owner_role", "collector"),
        as_of=kw.pop("as_of", AS_OF),
        due_date=due_date,
        days_past_due=kw.pop("days_past_due", None),
        reason=kw.pop("reason", ""),
        dedupe_key=f"test:{next(_keys)}",
        **kw,
    )


def past_due_customer(ref: str, amount: str, *, days: int, collector: Any = None, **kw: Any) -> Any:
    customer = CustomerFactory(
        customer_ref=ref, name=kw.pop("name", f"Customer {ref}"), collector=collector, **kw
    )
    due = AS_OF - dt.timedelta(days=days)
    DocumentFactory(
        customer=customer,
        document_ref=f"INV-{ref}",
        document_date=due - dt.timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
    )
    return customer


@pytest.fixture
def team(db):
    """Two collectors and a manager; three past-due accounts for ana, two for ben; one open
    call per account; aging refreshed."""
    EntityFactory(code="US01", currency="USD")
    ana = UserFactory(username="ana", first_name="Ana", last_name="Rojas", roles=["collector"])
    ben = UserFactory(username="ben", first_name="Ben", last_name="Ode", roles=["collector"])
    manager = UserFactory(username="boss", roles=["manager"])
    accounts = {
        "A1": past_due_customer("A1", "42300.00", days=47, collector=ana, name="Acme Industrial"),
        "A2": past_due_customer("A2", "800.00", days=20, collector=ana, name="Beta Foods"),
        "A3": past_due_customer("A3", "5000.00", days=60, collector=ana, name="Gamma Parts"),
        "B1": past_due_customer("B1", "1200.00", days=35, collector=ben, name="Delta Retail"),
        "B2": past_due_customer("B2", "300.00", days=16, collector=ben, name="Echo Labs"),
    }
    aging_refresh(as_of=AS_OF, actor="test")
    actions = {ref: make_action(c) for ref, c in accounts.items()}
    return {
        "ana": ana,
        "ben": ben,
        "manager": manager,
        "accounts": accounts,
        "actions": actions,
    }
