"""An ERP re-import of open items does not take a document out of dispute while a case holds
it (the ERP's file says nothing of OpenAR's cases); once the case lets it go, the ERP's own flag
counts again. Through the real items import (``import_file``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.core.roles import Role
from openar.disputes.services import dispute_open, dispute_resolve, reasons_ensure
from openar.ingest.services import import_file
from openar.ledger.models import Customer, Document, DocumentChange
from openar.ledger.services import entity_add
from tests.clock import ON_TODAY
from tests.factories import UserFactory
from tests.ingest.helpers import customers_csv, items_csv

pytestmark = [pytest.mark.django_db, ON_TODAY]
AS_OF = dt.date(2026, 6, 30)
ROWS = [
    "US01,C1,INV1,invoice,2026-05-01,2026-05-31,USD,1000.00,1000.00,,,,false",
    "US01,C1,INV2,invoice,2026-04-01,2026-04-30,USD,500.00,500.00,,,,false",
    "US01,C1,INV3,invoice,2026-04-01,2026-04-30,USD,70.00,70.00,,,,true",
]


@pytest.fixture
def loaded(db, tmp_path):
    reasons_ensure()
    entity_add(code="US01", name="OpenAR US", currency="USD", actor="test")
    import_file(
        kind="customers",
        path=customers_csv(tmp_path, "C1,Acme Corp,,US01,USD,10000.00,30,en,US,,key,,"),
    )
    first = import_file(kind="items", path=items_csv(tmp_path, *ROWS))
    assert first.created == 3, first.errors
    return Customer.objects.get(customer_ref="C1")


def _disputed() -> dict[str, bool]:
    return dict(Document.objects.order_by("document_ref").values_list("document_ref", "disputed"))


def test_the_dispute_survives_the_erps_reimport(loaded, tmp_path):
    collector = UserFactory(username="col", roles=[Role.COLLECTOR])
    research = UserFactory(username="res", roles=[Role.RESEARCH])
    inv1 = Document.objects.get(document_ref="INV1")
    case = dispute_open(
        customer=loaded, items=[(inv1, Decimal("250.00"))], reason_code="pricing",
        description="", opened_on=AS_OF, actor=collector,
    )  # fmt: skip
    assert _disputed() == {"INV1": True, "INV2": False, "INV3": True}

    # The ERP sends the same open items again (its own flag false): nothing changes.
    again = import_file(kind="items", path=items_csv(tmp_path, *ROWS, name="again.csv"))
    assert (again.updated, again.unchanged) == (0, 3), again.errors
    assert _disputed() == {"INV1": True, "INV2": False, "INV3": True}
    assert not DocumentChange.objects.filter(field="disputed").exists()

    # A re-import that changes the item (part paid in the ERP) keeps the dispute as well.
    paid = [ROWS[0].replace("1000.00,1000.00", "1000.00,600.00"), *ROWS[1:]]
    third = import_file(kind="items", path=items_csv(tmp_path, *paid, name="paid.csv"))
    assert third.updated == 1, third.errors
    inv1.refresh_from_db()
    assert (inv1.open_amount, inv1.disputed) == (Decimal("600.00"), True)
    assert list(DocumentChange.objects.values_list("field", flat=True)) == ["open_amount"]

    # Resolved invalid: the case lets the item go; the ERP's flag counts again.
    dispute_resolve(case=case, outcome="invalid", note="price was right", on=AS_OF,
                    actor=research)  # fmt: skip
    assert _disputed()["INV1"] is False
    flagged = [ROWS[0].replace(",false", ",true"), *ROWS[1:]]
    import_file(kind="items", path=items_csv(tmp_path, *flagged, name="erp.csv"))
    assert _disputed() == {"INV1": True, "INV2": False, "INV3": True}
    import_file(kind="items", path=items_csv(tmp_path, *paid, name="erp2.csv"))
    assert _disputed() == {"INV1": False, "INV2": False, "INV3": True}
