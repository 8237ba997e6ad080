"""The cash application API: upload a statement, match, read the review queue, apply by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openar.api_auth.services import token_create
from openar.cashapp.services import bank_account_add
from openar.core.roles import Role
from openar.demo.bank_formats import write_camt053
from openar.demo.bank_statements import GeneratedStatement, Line
from openar.ledger.models import Document
from tests.factories import CustomerFactory, DocumentFactory, EntityFactory, UserFactory

DAY = dt.date(2026, 6, 30)


def client(username: str, role: str) -> Client:
    UserFactory(username=username, roles=[role])
    token = token_create(username=username, name="t", actor="test")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def setup(db):
    entity = EntityFactory(code="US01", currency="USD")
    bank_account_add(
        entity=entity, account_number="US01USD0001", name="Main", currency="USD", actor="t"
    )
    blue = CustomerFactory(customer_ref="C0000002", name="Blue Steel LLC", entity=entity)
    for ref in ("INVUS00000201", "INVUS00000202"):
        DocumentFactory(customer=blue, entity=entity, document_ref=ref, amount=Decimal("800.00"))
    lines = [Line(Decimal("800.00"), "USD", DAY, DAY, "BR1", "E1", "BLUE STEEL", "", "PAYMENT")]
    data = write_camt053(
        GeneratedStatement("US01USD0001", "US01", "USD", "S1", Decimal("0.00"), DAY, DAY, lines)
    )
    return data


def test_upload_match_queue_apply(setup) -> None:
    api = client("cash1", Role.CASHAPP)
    upload = SimpleUploadedFile("s1.xml", setup)
    response = api.post("/api/cash/statements", {"file": upload})
    assert response.status_code == 200, response.content
    assert response.json()["receipts_created"] == 1
    again = api.post("/api/cash/statements", {"file": SimpleUploadedFile("copy.xml", setup)})
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_file"

    summary = api.post(f"/api/cash/match?as_of={DAY.isoformat()}").json()
    assert summary["review"] == 1  # two open items of 800.00: a person decides

    page = api.get("/api/cash/lines?queue=review").json()
    assert (page["count"], page["limit"], page["offset"]) == (1, 50, 0)
    queue = page["items"]
    assert [q["bank_reference"] for q in queue] == ["BR1"]
    assert queue[0]["proposals"][0]["customer_ref"] == "C0000002"
    doc = Document.objects.get(document_ref="INVUS00000202")
    applied = api.post(
        f"/api/cash/lines/{queue[0]['id']}/apply",
        {"allocations": [{"document_id": doc.pk, "amount": "800.00"}]},
        content_type="application/json",
    )
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "applied"
    assert applied.json()["customer_ref"] == "C0000002"
    doc.refresh_from_db()
    assert doc.open_amount == 0
    over = api.post(
        f"/api/cash/lines/{queue[0]['id']}/apply",
        {"allocations": [{"document_id": doc.pk, "amount": "1.00"}]},
        content_type="application/json",
    )
    assert over.status_code == 409


def test_collectors_cannot_apply_cash(setup) -> None:
    api = client("col9", Role.COLLECTOR)
    assert api.get("/api/cash/lines").status_code == 403
