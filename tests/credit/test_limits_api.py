"""The limits API: POST /api/credit/limits (credit, manager, admin; a collector gets 403; bad
input a 400 naming the field), the exposure and limit history of an account; and the customer
page's credit-limit section."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.test import Client

from openar.api_auth.services import token_create
from openar.credit.models import CreditLimit, OpenOrder
from tests.clock import ON_TODAY
from tests.factories import UserFactory
from tests.strategy.helpers import account

pytestmark = [pytest.mark.django_db, ON_TODAY]


@pytest.fixture
def clients():
    made = {}
    for name, roles in (("cred", ["credit"]), ("col", ["collector"])):
        user = UserFactory(username=name, roles=roles)
        token = token_create(username=user.username, name=f"erp-{name}", actor="test")[1]
        made[name] = Client(headers={"Authorization": f"Bearer {token}"})
    return made


@pytest.fixture
def customer():
    return account(days_past_due=20, amount="2500.00", customer_ref="C1", credit_limit=None)


def post(client, body):
    return client.post("/api/credit/limits", body, content_type="application/json")


def test_credit_sets_a_limit_and_reads_exposure(clients, customer):
    response = post(
        clients["cred"],
        {"customer_ref": "C1", "amount": "2000.00", "currency": "USD", "reason": "New financials"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == CreditLimit.objects.get().pk
    assert (body["amount"], body["kind"], body["set_by"], body["previous_amount"]) == (
        "2000.00", "permanent", "cred", None,
    )  # fmt: skip
    OpenOrder.objects.create(
        entity=customer.entity, customer=customer, kind="shipment", order_ref="D1",
        currency="USD", amount=D("300.00"), loaded_at="2026-06-30T00:00:00Z",
    )  # fmt: skip
    x = clients["col"].get("/api/credit/customers/C1/exposure").json()
    assert (x["credit_limit"], x["limit_kind"], x["open_ar"], x["uninvoiced_shipments"]) == (
        "2000.00", "permanent", "2500.00", "300.00",
    )  # fmt: skip
    assert (x["exposure"], x["available_credit"], x["over_limit"]) == ("2800.00", "-800.00", True)
    history = clients["col"].get("/api/credit/customers/C1/limits").json()
    assert history["count"] == 1 and history["items"][0]["reason"] == "New financials"


def test_a_collector_gets_403_and_bad_input_400_naming_the_field(clients, customer):
    body = {"customer_ref": "C1", "amount": "10", "currency": "USD", "reason": "x"}
    denied = post(clients["col"], body)
    assert denied.status_code == 403
    for change, field in (({"amount": "-5"}, "amount"), ({"currency": "EUR"}, "currency")):
        response = post(clients["cred"], {**body, **change})
        assert response.status_code == 400 and response.json()["field"] == field
    assert post(clients["cred"], {**body, "customer_ref": "NOPE"}).status_code == 404
    assert not CreditLimit.objects.exists()


def test_the_customer_page_shows_and_sets_the_limit(client, customer):
    client.force_login(UserFactory(username="cred", roles=["credit"]))
    page = client.get("/customers/C1/").content.decode()
    assert 'id="credit-limit"' in page and 'id="set-limit"' in page and "No limit" in page
    response = client.post(
        "/credit/customers/C1/limit/",
        {"amount": "3000", "currency": "USD", "reason": "Good payer", "ends_on": "2026-07-31"},
    )
    assert response["Location"] == "/customers/C1/#credit-limit"
    page = client.get("/customers/C1/").content.decode()
    assert "Temporary until 2026-07-31" in page and "Good payer" in page
    assert "500.00" in page  # available: 3000 - 2500
    client.force_login(UserFactory(username="col", roles=["collector"]))
    page = client.get("/customers/C1/").content.decode()
    assert 'id="credit-limit"' in page and 'id="set-limit"' not in page
    assert client.post("/credit/customers/C1/limit/", {"amount": "1"}).status_code == 403


def test_the_page_in_spanish(client, customer):
    client.force_login(UserFactory(username="cred", roles=["credit"]))
    page = client.get("/customers/C1/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Límite de crédito" in page and "Crédito disponible" in page
