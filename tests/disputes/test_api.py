"""The disputes API as the issue writes it: open, list, resolve, notes, attachments; bad input
gets a 4xx naming the field and writes nothing; the customer gains disputed and collectible."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openar.disputes.models import CaseNote, DisputeCase, ReasonCode
from openar.disputes.services import rule_save
from openar.ledger.models import Document
from tests.clock import ON_TODAY

pytestmark = [pytest.mark.django_db, ON_TODAY]


@pytest.fixture
def as_collector(client, people):
    client.force_login(people["collector"])
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


BODY = {
    "customer_ref": "ACME",
    "items": [{"entity": "US01", "document_ref": "INV-2", "amount": "120.00"}],
    "reason_code": "pricing",
    "description": "10% discount not applied",
}


def test_open_list_resolve(client, books, people, as_collector):
    rule_save(name="pricing to Ravi", reason=ReasonCode.objects.get(code="pricing"),
              owner_team="research", owner=people["research"], actor="t")  # fmt: skip
    response = post(client, "/api/disputes", BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["owner"], body["amount"], body["reason_code"]) == (
        "open", "ravi", "120.00", "pricing",
    )  # fmt: skip
    assert body["items"][0] == {
        "entity": "US01", "document_ref": "INV-2", "amount": "120.00", "open_amount": "300.00",
        "due_date": "2026-05-15",
    }  # fmt: skip
    case_id = body["id"]
    query = {"customer_ref": "ACME", "status": "open", "owner": "ravi", "reason_code": "pricing"}
    listed = client.get("/api/disputes", query).json()
    assert (listed["count"], [i["id"] for i in listed["items"]]) == (1, [case_id])
    assert client.get("/api/disputes", {"reason_code": "tax"}).json()["count"] == 0
    customer = client.get("/api/customers/ACME").json()
    assert (customer["past_due"], customer["disputed"], customer["collectible_past_due"]) == (
        "300.00", "120.00", "180.00",
    )  # fmt: skip
    # A collector may not resolve.
    refused = post(client, f"/api/disputes/{case_id}/resolve", {"outcome": "valid", "note": "ok"})
    assert refused.status_code == 403
    client.force_login(people["research"])
    decision = {"outcome": "partial", "credit_amount": "100.00", "note": "discount was 8%"}
    done = post(client, f"/api/disputes/{case_id}/resolve", decision)
    assert done.status_code == 200, done.content
    resolved = done.json()
    assert (resolved["status"], resolved["outcome"], resolved["credit_amount"]) == (
        "credit_pending", "partial", "100.00",
    )  # fmt: skip
    assert resolved["credit_requests"][0]["amount"] == "100.00"
    customer = client.get("/api/customers/ACME").json()
    assert (customer["disputed"], customer["collectible_past_due"]) == ("100.00", "200.00")


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"items": [{"entity": "US01", "document_ref": "INV-2", "amount": "300.01"}]}, 400,
         "items[0].amount"),
        ({"items": [{"entity": "US01", "document_ref": "INV-0", "amount": "1.00"}]}, 409,
         "items[0].document_ref"),
        ({"items": [{"entity": "US01", "document_ref": "NOPE", "amount": "1.00"}]}, 404,
         "items[0].document_ref"),
        ({"items": [{"entity": "US01", "document_ref": "INV-2", "amount": "abc"}]}, 400, "amount"),
        ({"reason_code": "weather"}, 400, "reason_code"),
        ({"customer_ref": "NOBODY"}, 404, "customer_ref"),
        ({"items": []}, 400, "items"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_field(client, books, as_collector, change, status, field):
    response = post(client, "/api/disputes", {**BODY, **change})
    assert response.status_code == status, response.content
    assert response.json()["field"] == field
    assert not DisputeCase.objects.exists()
    assert not Document.objects.filter(disputed=True).exists()


def test_resolve_bad_input(client, books, people, as_collector):
    case_id = post(client, "/api/disputes", BODY).json()["id"]
    client.force_login(people["research"])
    for payload, field in [
        ({"note": "closing"}, "outcome"),
        ({"outcome": "", "note": "closing"}, "outcome"),
        ({"outcome": "valid", "credit_amount": "120.01", "note": "x"}, "credit_amount"),
    ]:
        response = post(client, f"/api/disputes/{case_id}/resolve", payload)
        assert response.status_code == 400 and response.json()["field"] == field, payload
    assert DisputeCase.objects.get().status == "open"
    assert client.post(
        "/api/disputes/999/resolve", {}, content_type="application/json"
    ).status_code in (400, 404)


def test_notes_and_attachments_endpoints(client, books, people, as_collector, settings):
    settings.OPENAR_DISPUTE_ATTACHMENT_MAX_BYTES = 100
    case_id = post(client, "/api/disputes", BODY).json()["id"]
    note = post(client, f"/api/disputes/{case_id}/notes", {"text": "Customer sent the POD."})
    assert note.status_code == 201 and note.json()["author"] == "col1"
    assert post(client, f"/api/disputes/{case_id}/notes", {"text": ""}).json()["field"] == "text"
    notes = client.get(f"/api/disputes/{case_id}/notes").json()
    assert [n["kind"] for n in notes["items"]] == ["routed", "note"]
    pod = SimpleUploadedFile("pod.pdf", b"%PDF-1.4 delivered", content_type="application/pdf")
    added = client.post(f"/api/disputes/{case_id}/attachments", {"file": pod})
    assert added.status_code == 201, added.content
    attachment = added.json()
    assert (attachment["filename"], attachment["size"]) == ("pod.pdf", 18)
    got = client.get(f"/api/disputes/{case_id}/attachments/{attachment['id']}")
    assert got.content == b"%PDF-1.4 delivered"
    for name, content in [("big.pdf", b"%PDF" + b"x" * 100), ("x.exe", b"MZ")]:
        refused = client.post(f"/api/disputes/{case_id}/attachments",
                              {"file": SimpleUploadedFile(name, content)})  # fmt: skip
        assert refused.status_code == 400 and refused.json()["field"] == "file"
    assert client.get(f"/api/disputes/{case_id}/attachments").json()["count"] == 1
    assert CaseNote.objects.filter(case_id=case_id).count() == 2


def test_waiting_for_information_through_the_api(client, books, people, as_collector):
    case_id = post(client, "/api/disputes", BODY).json()["id"]
    client.force_login(people["research"])
    asked = post(client, f"/api/disputes/{case_id}/info-request",
                 {"party": "customer", "text": "Send the proof of delivery"})  # fmt: skip
    assert asked.json()["status"] == "waiting" and asked.json()["waiting_on"] == "customer"
    back = post(client, f"/api/disputes/{case_id}/info-received", {"text": "POD attached"})
    assert back.json()["status"] == "research"


def test_the_list_reads_a_flat_number_of_queries(client, books, people, as_collector):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/disputes").status_code == 200
        return len(ctx.captured_queries)

    post(client, "/api/disputes", BODY)
    few = count()
    for _ in range(5):
        post(client, "/api/disputes", {**BODY, "items": [
            {"entity": "US01", "document_ref": "INV-1", "amount": "10.00"}]})  # fmt: skip
    assert count() == few
    assert Decimal(client.get("/api/disputes").json()["items"][0]["amount"]) == Decimal("10.00")
