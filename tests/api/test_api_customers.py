from __future__ import annotations

from decimal import Decimal

import pytest

from openar.ledger.services import aging_refresh
from tests.api.conftest import AS_OF
from tests.clock import ON_TODAY
from tests.factories import CustomerFactory, DocumentFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]


def test_list_shows_snapshot_figures(api, ledger):
    response = api.get("/api/customers")
    assert response.status_code == 200
    page = response.json()
    assert (page["count"], page["limit"], page["offset"]) == (3, 50, 0)
    rows = {row["customer_ref"]: row for row in page["items"]}
    assert list(rows) == ["ACME", "ACME-SUB", "MEX"]
    assert rows["ACME"] == {
        "customer_ref": "ACME",
        "name": "Acme Corp",
        "entity": "US01",
        "currency": "USD",
        "parent_ref": None,
        "collector": "col1",
        "segment": "key",
        "credit_limit": "10000.00",
        "aging_as_of": "2026-06-30",
        "aging_currency": "USD",
        "balance": "1250.00",
        "past_due": "250.00",
        "days_past_due": 46,
        "open_items": 3,
        "on_hold": False,
    }
    assert rows["ACME-SUB"]["parent_ref"] == "ACME"
    assert (rows["ACME-SUB"]["balance"], rows["ACME-SUB"]["days_past_due"]) == ("250.00", 149)
    # MXN account: the snapshot is in the reporting currency (2,000 MXN at 0.05).
    assert (rows["MEX"]["currency"], rows["MEX"]["balance"], rows["MEX"]["credit_limit"]) == (
        "MXN",
        "100.00",
        None,
    )


def test_list_filters(api, ledger):
    def refs(query: str) -> list[str]:
        response = api.get(f"/api/customers?{query}")
        assert response.status_code == 200, response.content
        return [row["customer_ref"] for row in response.json()["items"]]

    assert refs("search=acme") == ["ACME", "ACME-SUB"]
    assert refs("search=Mex") == ["MEX"]
    assert refs("collector=col1") == ["ACME"]
    assert refs("collector=unassigned") == ["ACME-SUB", "MEX"]
    assert refs("entity=MX01") == ["MEX"]
    assert refs("segment=smb") == ["ACME-SUB"]
    assert refs("min_days_past_due=40") == ["ACME", "ACME-SUB"]
    assert refs("min_balance=200&max_balance=1000") == ["ACME-SUB"]


def test_list_paginates(api, ledger):
    page = api.get("/api/customers?limit=1&offset=1").json()
    assert page["count"] == 3
    assert [row["customer_ref"] for row in page["items"]] == ["ACME-SUB"]


def test_list_refuses_bad_paging_with_the_error_shape(api, ledger):
    response = api.get("/api/customers?limit=0")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid", "limit")
    assert "limit" in body["message"]
    assert api.get("/api/customers?limit=501").status_code == 400


def test_customer_without_open_items_lists_zero(api, ledger):
    CustomerFactory(customer_ref="ZZZ", entity=ledger["acme"].entity)
    row = api.get("/api/customers?search=ZZZ").json()["items"][0]
    assert (row["balance"], row["past_due"], row["aging_as_of"], row["open_items"]) == (
        "0.00",
        "0.00",
        None,
        0,
    )


def test_list_query_count_does_not_grow_with_rows(api, ledger, django_assert_num_queries):
    api.get("/api/customers")  # first use of the token writes last_used_at
    with django_assert_num_queries(3):  # token+user, count, page
        api.get("/api/customers")
    for n in range(10):
        customer = CustomerFactory(customer_ref=f"X{n:02d}", entity=ledger["acme"].entity)
        DocumentFactory(customer=customer, document_ref=f"X-INV-{n}", amount=Decimal("10.00"))
    aging_refresh(as_of=AS_OF, actor="test")
    with django_assert_num_queries(3):
        response = api.get("/api/customers")
    assert response.json()["count"] == 13


def test_detail_in_customer_currency(api, ledger):
    response = api.get("/api/customers/ACME?as_of=2026-06-30")
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-06-30"
    assert body["currency"] == "USD"
    assert (body["balance"], body["past_due"]) == ("1250.00", "250.00")
    assert (body["credit_limit"], body["available_credit"]) == ("10000.00", "8750.00")
    assert body["unapplied_cash"] == "0.00"
    assert body["buckets"] == ["current", "1-30", "31-60", "61-90", "91-120", "120+"]
    assert body["aging"] == {
        "current": "1000.00",
        "1-30": "-50.00",
        "31-60": "300.00",
        "61-90": "0.00",
        "91-120": "0.00",
        "120+": "0.00",
    }
    assert body["children"] == ["ACME-SUB"]
    assert (body["collector"], body["entity"], body["open_items"]) == ("col1", "US01", 3)
    assert body["unconverted"] == []


def test_detail_rolls_back_later_cash(api, ledger):
    # On 06-19 the 200.00 paid on 06-20 had not come in: INV-2 was open for all of its 500.00.
    body = api.get("/api/customers/ACME?as_of=2026-06-19").json()
    assert body["balance"] == "1450.00"
    assert body["aging"]["31-60"] == "500.00"


def test_detail_of_foreign_currency_customer(api, ledger):
    body = api.get("/api/customers/MEX?as_of=2026-06-30").json()
    assert (body["currency"], body["balance"], body["aging"]["1-30"]) == (
        "MXN",
        "2000.00",
        "2000.00",
    )
    assert body["credit_limit"] is None and body["available_credit"] is None


def test_detail_unknown_customer_is_404(api, ledger):
    response = api.get("/api/customers/NOPE")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "no customer 'NOPE'",
        "field": "customer_ref",
    }
