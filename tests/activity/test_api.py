"""Promise and contact endpoints: the error shape names the field; roles are checked."""

from __future__ import annotations

import pytest

from openar.activity.models import ContactLog, PromiseToPay
from tests.factories import CustomerFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def collector(client):
    user = UserFactory(username="collector1", roles=["collector"])
    client.force_login(user)
    return user


def test_record_list_and_cancel_a_promise(client, collector):
    customer = CustomerFactory(customer_ref="C1")
    doc = DocumentFactory(customer=customer, document_ref="INV-1")
    response = client.post(
        "/api/promises",
        {
            "customer_ref": "C1",
            "amount": "100.00",
            "currency": "USD",
            "promised_date": "2026-07-10",
            "taken_on": "2026-06-30",
            "document_refs": ["INV-1"],
            "channel": "call",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["status"], body["documents"], body["taken_by"]) == (
        "100.00",
        "open",
        ["INV-1"],
        "collector1",
    )
    assert list(PromiseToPay.objects.get().documents.all()) == [doc]
    assert ContactLog.objects.get().outcome == "promise_taken"

    listed = client.get("/api/promises", {"status": "open"}).json()
    assert listed["count"] == 1
    cancelled = client.post(f"/api/promises/{body['id']}/cancel").json()
    assert cancelled["status"] == "cancelled"


def test_bad_promise_names_the_field(client, collector):
    CustomerFactory(customer_ref="C1")
    response = client.post(
        "/api/promises",
        {"customer_ref": "C1", "amount": "100", "currency": "USD",
         "promised_date": "2026-06-01", "taken_on": "2026-06-30"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["field"] == "promised_date"
    assert PromiseToPay.objects.count() == 0


def test_log_and_list_contacts(client, collector):
    from tests.activity.test_contact_action import _action

    action = _action(CustomerFactory(customer_ref="C1"))
    response = client.post(
        "/api/contacts",
        {"customer_ref": "C1", "channel": "call", "outcome": "no_answer", "action_id": action.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    page = client.get("/api/customers/C1/contacts").json()
    assert (page["count"], page["limit"], page["offset"]) == (1, 50, 0)
    assert [(r["outcome"], r["action_id"], r["user"]) for r in page["items"]] == [
        ("no_answer", action.pk, "collector1")
    ]
    bad = client.post(
        "/api/contacts",
        {"customer_ref": "C1", "channel": "fax", "outcome": "reached"},
        content_type="application/json",
    )
    assert (bad.status_code, bad.json()["field"]) == (400, "channel")


def test_research_role_cannot_write(client):
    client.force_login(UserFactory(username="r", roles=["research"]))
    CustomerFactory(customer_ref="C1")
    response = client.post(
        "/api/contacts",
        {"customer_ref": "C1", "channel": "call", "outcome": "reached"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_contacts_list_pages_with_a_flat_query_count(client, collector):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    customer = CustomerFactory(customer_ref="C9")

    def log(n: int, start: int) -> None:
        for i in range(start, start + n):
            ContactLog.objects.create(
                customer=customer, user=UserFactory(username=f"caller{i}"), channel="call",
                outcome="reached", contacted_at=timezone.now(),
            )  # fmt: skip

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/customers/C9/contacts").status_code == 200
        return len(ctx.captured_queries)

    log(3, 0)
    few = queries()
    log(27, 3)
    assert queries() == few
    page = client.get("/api/customers/C9/contacts?limit=10&offset=25").json()
    assert (page["count"], page["limit"], page["offset"], len(page["items"])) == (30, 10, 25, 5)
    assert client.get("/api/customers/C9/contacts?limit=501").status_code == 400
