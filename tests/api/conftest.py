from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory.random  # noqa: F401 - tests/factories.py uses factory.random without importing it
import pytest
from django.test import Client

from openar.api_auth.services import token_create
from openar.core.roles import Role
from openar.ledger.services import aging_refresh
from tests.factories import (
    ApplicationFactory,
    CustomerFactory,
    DocumentFactory,
    EntityFactory,
    FxRateFactory,
    ReceiptFactory,
    UserFactory,
)

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def manager(db):
    return UserFactory(username="mgr", roles=[Role.MANAGER])


@pytest.fixture
def collector_user(db):
    return UserFactory(username="col1", roles=[Role.COLLECTOR])


@pytest.fixture
def manager_token(manager) -> str:
    return token_create(username=manager.username, name="erp-sync", actor="test")[1]


@pytest.fixture
def client_for():
    """A test client that sends the bearer token on every request."""

    def make(token: str) -> Client:
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture
def api(client_for, manager_token) -> Client:
    return client_for(manager_token)


@pytest.fixture
def ledger(db, collector_user):
    """A small portfolio as of 2026-06-30: a USD parent with a child, an MXN customer.

    ACME (USD, limit 10,000): INV-1 1,000.00 due 06-30 (current), INV-2 500.00 due 05-15
    (46 days: 31-60) of which 200.00 paid on 06-20, CM-1 -50.00 due 06-01 (29 days: 1-30),
    INV-0 cleared on 03-01. ACME-SUB (child, USD): INV-3 250.00 due 02-01 (149 days: 120+).
    MEX (MXN): INV-M 2,000.00 MXN due 06-10 (20 days: 1-30), rate 0.05 -> 100.00 USD."""
    us = EntityFactory(code="US01", name="OpenAR US", currency="USD")
    mx = EntityFactory(code="MX01", name="OpenAR MX", currency="MXN")
    acme = CustomerFactory(
        customer_ref="ACME",
        name="Acme Corp",
        entity=us,
        collector=collector_user,
        segment="key",
        credit_limit=Decimal("10000.00"),
    )
    sub = CustomerFactory(
        customer_ref="ACME-SUB", name="Acme Subsidiary", entity=us, parent=acme, segment="smb"
    )
    mex = CustomerFactory(
        customer_ref="MEX", name="Mex SA", entity=mx, currency="MXN", credit_limit=None
    )
    DocumentFactory(
        customer=acme,
        document_ref="INV-1",
        amount=Decimal("1000.00"),
        due_date=AS_OF,
        document_date=dt.date(2026, 5, 31),
    )
    inv2 = DocumentFactory(
        customer=acme,
        document_ref="INV-2",
        amount=Decimal("500.00"),
        open_amount=Decimal("300.00"),
        document_date=dt.date(2026, 4, 15),
        due_date=dt.date(2026, 5, 15),
        po_number="PO-77",
    )
    receipt = ReceiptFactory(
        entity=us,
        receipt_ref="R-1",
        customer=acme,
        amount=Decimal("200.00"),
        receipt_date=dt.date(2026, 6, 20),
    )
    ApplicationFactory(
        receipt=receipt, document=inv2, amount=Decimal("200.00"), applied_date=dt.date(2026, 6, 20)
    )
    DocumentFactory(
        customer=acme,
        document_ref="CM-1",
        document_type="credit_memo",
        amount=Decimal("-50.00"),
        document_date=dt.date(2026, 5, 2),
        due_date=dt.date(2026, 6, 1),
    )
    DocumentFactory(
        customer=acme,
        document_ref="INV-0",
        amount=Decimal("400.00"),
        open_amount=Decimal("0.00"),
        document_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 1, 31),
        cleared_date=dt.date(2026, 3, 1),
    )
    DocumentFactory(
        customer=sub,
        document_ref="INV-3",
        amount=Decimal("250.00"),
        document_date=dt.date(2026, 1, 2),
        due_date=dt.date(2026, 2, 1),
    )
    DocumentFactory(
        customer=mex,
        entity=mx,
        document_ref="INV-M",
        currency="MXN",
        amount=Decimal("2000.00"),
        document_date=dt.date(2026, 5, 11),
        due_date=dt.date(2026, 6, 10),
    )
    FxRateFactory(date=dt.date(2026, 6, 29), from_currency="MXN", to_currency="USD")
    aging_refresh(as_of=AS_OF, actor="test")
    return {"acme": acme, "sub": sub, "mex": mex}
