"""The holds API: POST /api/credit/holds (credit, manager, admin), release, the hold events the
ERP polls, and ``on_hold`` on the customer API."""

from __future__ import annotations

import pytest
from django.test import Client

from openar.api_auth.services import token_create
from openar.credit.models import CreditHold, HoldEvent
from openar.ledger.services import aging_refresh
from tests.clock import ON_TODAY
from tests.factories import UserFactory
from tests.strategy.helpers import AS_OF, account

pytestmark = [pytest.mark.django_db, ON_TODAY]


@pytest.fixture
def clients():
    made = {}
    for name, roles, superuser in (
        ("cred", ["credit"], False),
        ("mgr", ["manager"], False),
        ("col", ["collector"], False),
        ("root", [], True),
    ):
        user = UserFactory(username=name, roles=roles, is_superuser=superuser)
        token = token_create(username=user.username, name=f"erp-{name}", actor="test")[1]
        made[name] = Client(headers={"Authorization": f"Bearer {token}"})
    return made


@pytest.fixture
def customer():
    cust = account(days_past_due=60, amount="2500.00", customer_ref="C1", name="Holdme")
    aging_refresh(as_of=AS_OF, actor="test")
    return cust


def post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_credit_puts_on_hold_and_releases(clients, customer):
    response = post(
        clients["cred"], "/api/credit/holds", {"customer_ref": "C1", "reason": "Over limit"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == CreditHold.objects.get().pk
    assert (body["customer_ref"], body["entity"], body["status"]) == (
        "C1",
        customer.entity.code,
        "active",
    )
    assert (body["reason"], body["release_condition"], body["placed_by"]) == (
        "Over limit", "past_due_paid", "cred",
    )  # fmt: skip
    assert clients["cred"].get("/api/customers/C1").json()["on_hold"] is True
    listed = clients["mgr"].get("/api/customers").json()["items"]
    assert [row["on_hold"] for row in listed] == [True]

    released = post(clients["mgr"], f"/api/credit/holds/{body['id']}/release", {"reason": "Paid"})
    assert released.status_code == 200
    assert (released.json()["status"], released.json()["released_by"]) == ("released", "mgr")
    assert clients["cred"].get("/api/customers/C1").json()["on_hold"] is False
    again = post(clients["mgr"], f"/api/credit/holds/{body['id']}/release")
    assert again.status_code == 409 and again.json()["field"] == "status"


def test_admin_may_hold_a_collector_may_not(clients, customer):
    refused = post(clients["col"], "/api/credit/holds", {"customer_ref": "C1", "reason": "x"})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert not CreditHold.objects.exists()
    placed = post(clients["root"], "/api/credit/holds", {"customer_ref": "C1", "reason": "x"})
    assert placed.status_code == 201
    hold_id = placed.json()["id"]
    refused = post(clients["col"], f"/api/credit/holds/{hold_id}/release")
    assert refused.status_code == 403
    assert CreditHold.objects.get().status == "active"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"customer_ref": "NOPE", "reason": "x"}, 404, "customer_ref"),
        ({"customer_ref": "C1", "reason": " "}, 400, "reason"),
        ({"customer_ref": "C1"}, 400, "reason"),
        (
            {"customer_ref": "C1", "reason": "x", "release_condition": "soon"},
            400,
            "release_condition",
        ),
    ],
)
def test_bad_input_names_the_field(clients, customer, body, status, field):
    response = post(clients["cred"], "/api/credit/holds", body)
    assert response.status_code == status
    assert response.json()["field"] == field
    assert not CreditHold.objects.exists() and not HoldEvent.objects.exists()


def test_a_second_hold_is_a_conflict(clients, customer):
    post(clients["cred"], "/api/credit/holds", {"customer_ref": "C1", "reason": "x"})
    response = post(clients["mgr"], "/api/credit/holds", {"customer_ref": "C1", "reason": "y"})
    assert response.status_code == 409 and response.json()["field"] == "customer_ref"


def test_unknown_hold_is_404(clients, customer):
    response = post(clients["cred"], "/api/credit/holds/999/release")
    assert response.status_code == 404 and response.json()["field"] == "hold_id"


def test_hold_events_feed_pages_after_the_last_read(clients, customer, django_assert_num_queries):
    hold_id = post(
        clients["cred"], "/api/credit/holds", {"customer_ref": "C1", "reason": "Late"}
    ).json()["id"]
    post(clients["cred"], f"/api/credit/holds/{hold_id}/release", {"reason": "Paid"})
    feed = clients["mgr"].get("/api/credit/hold-events").json()
    assert feed["count"] == 2
    first, second = feed["items"]
    assert {k: first[k] for k in ("entity", "customer_ref", "action", "reason", "decided_by")} == {
        "entity": customer.entity.code, "customer_ref": "C1", "action": "hold",
        "reason": "Late", "decided_by": "cred",
    }  # fmt: skip
    assert second["action"] == "release" and second["id"] > first["id"]
    later = clients["mgr"].get(f"/api/credit/hold-events?after={first['id']}").json()
    assert [e["action"] for e in later["items"]] == ["release"]
    with django_assert_num_queries(3):  # token+user, count, page
        clients["mgr"].get("/api/credit/hold-events")
    holds = clients["mgr"].get("/api/credit/holds?status=released").json()
    assert [h["id"] for h in holds["items"]] == [hold_id]
