from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory, UserFactory

# Days past due of each customer's oldest item: before due, early, call, letter, escalation, hold.
DPDS = (-3, 5, 20, 45, 70, 100)


@pytest.fixture
def portfolio(db):
    """Six customers of one collector, one open invoice each at a different age, and the default
    strategies loaded and active."""
    from openar.strategy.services import strategies_load_defaults

    collector = UserFactory(username="collector1", roles=["collector"])
    customers = []
    for i, dpd in enumerate(DPDS):
        customer = CustomerFactory(
            collector=collector,
            email=f"ap{i}@example.com",
            language="es" if i % 2 else "en",
            segment="smb",
        )
        DocumentFactory(
            customer=customer,
            amount=Decimal("1000.00") * (i + 1),
            document_date=BASE_DATE - dt.timedelta(days=dpd + 30),
            due_date=BASE_DATE - dt.timedelta(days=dpd),
        )
        customers.append(customer)
    strategies_load_defaults(actor="test")
    return customers
