from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.ledger.models import Application, Customer, Document, Entity, Receipt
from tests.factories import BASE_DATE, CustomerFactory, EntityFactory

AS_OF = BASE_DATE


class HistoryBuilder:
    """Invoices with fixed dates, each paid in full ``late`` days after its due date."""

    def __init__(self) -> None:
        self.n = 0

    def invoice(
        self,
        customer: Customer,
        *,
        issued: dt.date,
        late: int | None,
        amount: str = "1000.00",
        terms: int = 30,
        currency: str | None = None,
        disputed: bool = False,
        due: dt.date | None = None,
    ) -> Document:
        self.n += 1
        due = due or issued + dt.timedelta(days=terms)
        paid_on = None if late is None else due + dt.timedelta(days=late)
        value = Decimal(amount)
        doc = Document.objects.create(
            entity=customer.entity,
            customer=customer,
            document_ref=f"INV{self.n:06d}",
            document_type="invoice",
            document_date=issued,
            due_date=due,
            currency=currency or customer.currency,
            amount=value,
            open_amount=value
            if paid_on is None or paid_on > AS_OF + dt.timedelta(days=3650)
            else 0,
            functional_currency=customer.entity.currency,
            cleared_date=paid_on,
            disputed=disputed,
        )
        if paid_on is not None:
            receipt = Receipt.objects.create(
                entity=customer.entity,
                receipt_ref=f"R{self.n:06d}",
                customer=customer,
                receipt_date=paid_on,
                currency=doc.currency,
                amount=value,
            )
            Application.objects.create(
                receipt=receipt, document=doc, amount=value, applied_date=paid_on
            )
        return doc

    def series(
        self,
        customer: Customer,
        *,
        count: int,
        late: int | list[int],
        first: dt.date,
        every: int = 15,
        **kwargs,
    ) -> list[Document]:
        lates = late if isinstance(late, list) else [late] * count
        return [
            self.invoice(customer, issued=first + dt.timedelta(days=every * i), late=lates[i],
                         **kwargs)
            for i in range(count)
        ]  # fmt: skip


@pytest.fixture
def builder() -> HistoryBuilder:
    return HistoryBuilder()


@pytest.fixture
def entity(db) -> Entity:
    return EntityFactory()


@pytest.fixture
def customer(entity) -> Customer:
    return CustomerFactory(entity=entity, credit_limit=Decimal("10000.00"))


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path, monkeypatch):
    # Model files go to a per-test directory; a few boosting rounds are enough for behaviour.
    settings.VAR_DIR = tmp_path / "var"
    from openar.risk import learning

    monkeypatch.setattr(learning, "MAX_ITER", 25)
