from __future__ import annotations

import pytest

from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def _refs(api, query: str) -> list[str]:
    response = api.get(f"/api/items?{query}")
    assert response.status_code == 200, response.content
    return [row["document_ref"] for row in response.json()["items"]]


def test_items_of_a_customer_oldest_due_first(api, ledger):
    assert _refs(api, "customer_ref=ACME") == ["INV-0", "INV-2", "CM-1", "INV-1"]


def test_item_filters(api, ledger):
    assert _refs(api, "customer_ref=ACME&open=true") == ["INV-2", "CM-1", "INV-1"]
    assert _refs(api, "customer_ref=ACME&open=false") == ["INV-0"]
    assert _refs(api, "customer_ref=ACME&due_before=2026-06-01") == ["INV-0", "INV-2"]
    assert _refs(api, "entity=MX01") == ["INV-M"]
    assert _refs(api, "open=true&due_before=2026-03-01") == ["INV-3"]


def test_item_row_amounts_are_decimal_strings(api, ledger):
    rows = api.get("/api/items?customer_ref=ACME&open=true").json()["items"]
    inv2, cm1 = rows[0], rows[1]
    assert inv2 == {
        "entity": "US01",
        "document_ref": "INV-2",
        "customer_ref": "ACME",
        "document_type": "invoice",
        "document_date": "2026-04-15",
        "due_date": "2026-05-15",
        "currency": "USD",
        "amount": "500.00",
        "open_amount": "300.00",
        "cleared_date": None,
        "reference": "",
        "po_number": "PO-77",
        "disputed": False,
    }
    assert (cm1["document_type"], cm1["amount"]) == ("credit_memo", "-50.00")


def test_items_paginate(api, ledger):
    page = api.get("/api/items?limit=2&offset=1").json()
    assert page["count"] == 6
    assert [row["document_ref"] for row in page["items"]] == ["INV-3", "INV-2"]


def test_items_query_count_does_not_grow_with_rows(api, ledger, django_assert_num_queries):
    api.get("/api/items")
    with django_assert_num_queries(3):
        api.get("/api/items")
    for n in range(10):
        DocumentFactory(customer=ledger["sub"], document_ref=f"MORE-{n}")
    with django_assert_num_queries(3):
        response = api.get("/api/items")
    assert response.json()["count"] == 16


def test_item_detail_with_applications(api, ledger):
    response = api.get("/api/items/US01/INV-2")
    assert response.status_code == 200
    body = response.json()
    assert (body["amount"], body["open_amount"], body["customer_name"]) == (
        "500.00",
        "300.00",
        "Acme Corp",
    )
    assert body["applications"] == [
        {"receipt_ref": "R-1", "amount": "200.00", "applied_date": "2026-06-20"}
    ]
    assert body["changes"] == []
    assert body["functional_currency"] == "USD"


def test_item_detail_with_slash_in_document_number(api, ledger):
    DocumentFactory(customer=ledger["acme"], document_ref="2026/0001")
    assert api.get("/api/items/US01/2026/0001").json()["document_ref"] == "2026/0001"


def test_item_detail_unknown_is_404(api, ledger):
    response = api.get("/api/items/MX01/INV-1")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["field"] == "document_ref"


def test_items_envelope_keeps_its_keys_in_order_and_its_bounds(api, ledger):
    response = api.get("/api/items?limit=2")
    assert list(response.json()) == ["count", "limit", "offset", "items"]
    assert response.json()["limit"] == 2 and response.json()["offset"] == 0
    assert api.get("/api/items").json()["limit"] == 50
    for query in ("limit=501", "limit=0", "offset=-1"):
        bad = api.get(f"/api/items?{query}")
        assert bad.status_code == 400, query
        assert bad.json()["field"] == query.split("=")[0]
    assert api.get("/api/items?limit=500").status_code == 200
