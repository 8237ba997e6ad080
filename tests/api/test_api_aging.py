from __future__ import annotations

import json

import pytest

from openar.ledger.selectors import aging_report
from tests.api.conftest import AS_OF
from tests.clock import ON_TODAY

pytestmark = [pytest.mark.django_db, ON_TODAY]

BUCKETS = ["current", "1-30", "31-60", "61-90", "91-120", "120+"]


def test_aging_is_exactly_the_report_json(api, ledger):
    response = api.get("/api/aging?as_of=2026-06-30")
    assert response.status_code == 200
    expected = json.loads(json.dumps(aging_report(as_of=AS_OF).as_dict()))
    assert response.json() == expected
    assert list(response.json()) == [
        "as_of",
        "currency",
        "buckets",
        "rows",
        "totals",
        "unconverted",
    ]


def test_aging_figures_by_customer(api, ledger):
    body = api.get("/api/aging?as_of=2026-06-30").json()
    assert (body["as_of"], body["currency"], body["buckets"]) == ("2026-06-30", "USD", BUCKETS)
    rows = {row["key"]: row for row in body["rows"]}
    assert rows["ACME"]["total"] == "1250.00"
    assert rows["ACME"]["buckets"] == {
        "current": "1000.00",
        "1-30": "-50.00",
        "31-60": "300.00",
        "61-90": "0.00",
        "91-120": "0.00",
        "120+": "0.00",
    }
    assert rows["ACME-SUB"]["buckets"]["120+"] == "250.00"
    assert rows["MEX"]["buckets"]["1-30"] == "100.00"  # 2,000 MXN at 0.05
    assert body["totals"]["total"] == "1600.00"
    assert body["totals"]["buckets"]["1-30"] == "50.00"


def test_aging_grouped_and_filtered(api, ledger):
    def totals(query: str) -> dict[str, str]:
        response = api.get(f"/api/aging?as_of=2026-06-30&{query}")
        assert response.status_code == 200, response.content
        return {row["key"]: row["total"] for row in response.json()["rows"]}

    assert totals("by=collector") == {"col1": "1250.00", "unassigned": "350.00"}
    assert totals("by=group") == {"ACME": "1500.00", "MEX": "100.00"}
    assert totals("by=entity") == {"MX01": "100.00", "US01": "1500.00"}
    assert totals("entity=MX01") == {"MEX": "100.00"}
    assert totals("collector=col1") == {"ACME": "1250.00"}
    assert totals("segment=smb") == {"ACME-SUB": "250.00"}
    assert totals("group=ACME") == {"ACME": "1250.00", "ACME-SUB": "250.00"}


def test_aging_custom_buckets_and_currency(api, ledger):
    body = api.get("/api/aging?as_of=2026-06-30&buckets=30,60&currency=MXN&by=entity").json()
    assert body["buckets"] == ["current", "1-30", "31-60", "60+"]
    assert body["currency"] == "MXN"
    rows = {row["key"]: row for row in body["rows"]}
    assert rows["MX01"]["total"] == "2000.00"
    assert rows["US01"]["buckets"]["60+"] == "5000.00"  # 250 USD / 0.05


def test_aging_errors_have_one_shape(api, ledger):
    response = api.get("/api/aging?by=planet")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and response.json()["field"] == "by"

    response = api.get("/api/aging?as_of=2026-13-01")
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "field"}
    assert (response.json()["code"], response.json()["field"]) == ("invalid", "as_of")

    response = api.get("/api/aging?as_of=2026-06-30&buckets=60,30")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_buckets")

    response = api.get("/api/aging?as_of=2026-06-30&currency=XYZ")
    assert (response.status_code, response.json()["field"]) == (400, "currency")
