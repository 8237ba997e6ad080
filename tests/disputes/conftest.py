from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.core.roles import Role
from openar.disputes.services import reasons_ensure
from openar.ledger.services import aging_refresh
from tests.factories import (
    ApplicationFactory,
    CustomerFactory,
    DocumentFactory,
    EntityFactory,
    ReceiptFactory,
    UserFactory,
)

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def people(db):
    # A transactional test before this one may have flushed the migration's default reasons.
    reasons_ensure()
    return {
        "collector": UserFactory(username="col1", roles=[Role.COLLECTOR]),
        "research": UserFactory(username="ravi", roles=[Role.RESEARCH]),
        "billing": UserFactory(username="bill", roles=[Role.RESEARCH]),
        "manager": UserFactory(username="marta", roles=[Role.MANAGER]),
    }


@pytest.fixture
def books(db, people):
    """ACME (USD): INV-1 1,000.00 due 06-30 (current), INV-2 500.00 due 05-15 with 300.00 open
    (200.00 paid by R-1 with remittance), INV-0 cleared. OTHER: INV-9 80.00 past due."""
    us = EntityFactory(code="US01", name="OpenAR US", currency="USD")
    acme = CustomerFactory(
        customer_ref="ACME", name="Acme Corp", entity=us, collector=people["collector"],
        email="ap@acme.example", language="es",
    )  # fmt: skip
    other = CustomerFactory(customer_ref="OTHER", name="Other Ltd", entity=us)
    inv1 = DocumentFactory(
        customer=acme, document_ref="INV-1", amount=Decimal("1000.00"), due_date=AS_OF,
        document_date=dt.date(2026, 5, 31), attributes={"product_line": "Beverages"},
    )  # fmt: skip
    inv2 = DocumentFactory(
        customer=acme, document_ref="INV-2", amount=Decimal("500.00"),
        open_amount=Decimal("300.00"), document_date=dt.date(2026, 4, 15),
        due_date=dt.date(2026, 5, 15),
    )  # fmt: skip
    receipt = ReceiptFactory(
        entity=us, receipt_ref="R-1", customer=acme, amount=Decimal("200.00"),
        receipt_date=dt.date(2026, 6, 20), remittance="INV-2 part, rest short: damaged",
    )  # fmt: skip
    ApplicationFactory(
        receipt=receipt, document=inv2, amount=Decimal("200.00"), applied_date=dt.date(2026, 6, 20)
    )
    inv0 = DocumentFactory(
        customer=acme, document_ref="INV-0", amount=Decimal("400.00"),
        open_amount=Decimal("0.00"), document_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 1, 31), cleared_date=dt.date(2026, 3, 1),
    )  # fmt: skip
    inv9 = DocumentFactory(
        customer=other, document_ref="INV-9", amount=Decimal("80.00"),
        document_date=dt.date(2026, 4, 1), due_date=dt.date(2026, 5, 1),
    )  # fmt: skip
    aging_refresh(as_of=AS_OF, actor="test")
    return {
        "us": us, "acme": acme, "other": other, "inv1": inv1, "inv2": inv2, "inv0": inv0,
        "inv9": inv9, "receipt": receipt,
    }  # fmt: skip
