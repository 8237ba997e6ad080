"""Write-offs through the API (POST /api/credit/write-offs answers 201; approve and reject) and
the pages: the account page's section, the Write-offs list with its buttons, the bad-debt reserve
report and its CSV (EN/ES)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import pytest
from django.test import Client

from openar.api_auth.services import token_create
from openar.credit.models import WriteOff
from openar.ledger.models import Document
from openar.ledger.services import aging_refresh
from tests.clock import ON_TODAY
from tests.factories import CustomerFactory, DocumentFactory, UserFactory
from tests.strategy.helpers import AS_OF

pytestmark = [pytest.mark.django_db, ON_TODAY]


@pytest.fixture
def clients():
    made = {}
    for name, roles in (("col", ["collector"]), ("mgr", ["manager"]), ("cash", ["cashapp"])):
        user = UserFactory(username=name, roles=roles)
        token = token_create(username=user.username, name=f"erp-{name}", actor="test")[1]
        made[name] = Client(headers={"Authorization": f"Bearer {token}"})
    return made


@pytest.fixture
def item():
    cust = CustomerFactory(customer_ref="W1", name="Writeoff Co")
    return DocumentFactory(customer=cust, document_ref="INV1", amount=D("400.00"))


def post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_the_api_contract(clients, item):
    body = {
        "customer_ref": "W1",
        "items": [{"entity": "US01", "document_ref": "INV1", "amount": "150.00"}],
        "reason": "Not worth collecting",
    }
    assert post(clients["cash"], "/api/credit/write-offs", body).status_code == 403
    over = {**body, "items": [{"entity": "US01", "document_ref": "INV1", "amount": "400.01"}]}
    bad = post(clients["col"], "/api/credit/write-offs", over)
    assert bad.status_code == 400 and bad.json()["field"] == "items[0].amount"
    made = post(clients["col"], "/api/credit/write-offs", body)
    assert made.status_code == 201
    out = made.json()
    assert (out["status"], out["amount"], out["approver"], out["requested_by"]) == (
        "pending", "150.00", "collector", "col",
    )  # fmt: skip
    wid = out["id"]
    own = post(clients["col"], f"/api/credit/write-offs/{wid}/approve")
    assert own.status_code == 403 and own.json()["field"] == "decided_by"
    done = post(clients["mgr"], f"/api/credit/write-offs/{wid}/approve", {"note": "fine"})
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert Document.objects.get(pk=item.pk).open_amount == D("250.00")
    again = post(clients["mgr"], f"/api/credit/write-offs/{wid}/reject")
    assert again.status_code == 409
    second = post(clients["col"], "/api/credit/write-offs", body).json()
    assert (
        post(clients["mgr"], f"/api/credit/write-offs/{second['id']}/reject").json()["status"]
        == "rejected"
    )
    listed = clients["col"].get("/api/credit/write-offs?status=approved").json()
    assert listed["count"] == 1 and listed["items"][0]["items"][0]["document_ref"] == "INV1"


def test_pages_and_the_reserve_report(client, item):
    client.force_login(UserFactory(username="col", roles=["collector"]))
    page = client.get("/customers/W1/").content.decode()
    assert 'id="write-offs"' in page and 'id="ask-write-off"' in page
    client.post(
        "/credit/customers/W1/write-off/",
        {"document": "US01/INV1", "amount": "100", "reason": "Rounding"},
    )
    w = WriteOff.objects.get()
    client.force_login(UserFactory(username="mgr", roles=["manager"]))
    listing = client.get("/credit/write-offs/").content.decode()
    assert f'id="approve-write-off-{w.pk}"' in listing and "Rounding" in listing
    client.post(f"/credit/write-offs/{w.pk}/decide/", {"decision": "approve"})
    w.refresh_from_db()
    assert w.status == "approved"
    aging_refresh(as_of=AS_OF, actor="test")
    report = client.get("/credit/reserve/").content.decode()
    assert 'id="reserve-table"' in report and 'id="reserve--"' in report  # not scored
    assert "300.00" in report
    download = client.get("/credit/reserve/?format=csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert {r["risk_class"] for r in rows} == {"none"} and len(rows) == 6
    assert sum(D(r["open_amount"]) for r in rows) == D("300.00")
    es = client.get("/credit/write-offs/?status=all", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Castigos" in es and "Aprobado" in es
    client.force_login(UserFactory(username="col2", roles=["collector"]))
    assert client.get("/credit/reserve/").status_code == 403
