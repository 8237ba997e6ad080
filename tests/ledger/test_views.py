"""Ledger pages: customer list, customer page, aging report, drill-down and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from openar.ledger.services import aging_refresh
from tests.clock import ON_TODAY
from tests.factories import (
    CustomerFactory,
    DocumentFactory,
    EntityFactory,
    FxRateFactory,
    UserFactory,
)

pytestmark = ON_TODAY

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def portfolio(db):
    """Four accounts: two USD (parent and child), one MXN with a rate, one EUR without."""
    ana = UserFactory(username="ana", first_name="Ana", last_name="Rojas", roles=["collector"])
    ben = UserFactory(username="ben", roles=["collector"])
    us = EntityFactory(code="US01", name="OpenAR US", currency="USD")
    mx = EntityFactory(code="MX01", name="OpenAR Mexico", currency="MXN")
    acme = CustomerFactory(
        customer_ref="C1",
        name="Acme Corp",
        entity=us,
        collector=ana,
        segment="Enterprise",
        credit_limit=Decimal("5000.00"),
        email="ap@acme.test",
        phone="555-0100",
    )
    west = CustomerFactory(
        customer_ref="C2", name="Acme West", entity=us, parent=acme, collector=ben, segment="SMB"
    )
    tacos = CustomerFactory(
        customer_ref="C3", name="Tacos SA", entity=mx, currency="MXN", segment="SMB",
        credit_limit=Decimal("200000.00"),
    )  # fmt: skip
    euro = CustomerFactory(customer_ref="C4", name="Euro GmbH", entity=us, currency="EUR")
    # C1: 1,000.00 due 60 days ago (31-60) + 500.00 not yet due.
    DocumentFactory(
        customer=acme, document_ref="INV1", document_date=dt.date(2026, 4, 1),
        due_date=dt.date(2026, 5, 1), amount=Decimal("1000.00"),
    )  # fmt: skip
    DocumentFactory(
        customer=acme, document_ref="INV2", document_date=dt.date(2026, 6, 15),
        due_date=dt.date(2026, 7, 15), amount=Decimal("500.00"),
    )  # fmt: skip
    # C2: 300.00 ten days past due, disputed.
    DocumentFactory(
        customer=west, document_ref="INV3", document_date=dt.date(2026, 5, 21),
        due_date=dt.date(2026, 6, 20), amount=Decimal("300.00"), disputed=True,
    )  # fmt: skip
    # C3: MXN 10,000.00, 149 days past due = 500.00 USD at 0.05.
    DocumentFactory(
        customer=tacos, entity=mx, document_ref="INV4", document_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 2, 1), currency="MXN", amount=Decimal("10000.00"),
    )  # fmt: skip
    FxRateFactory(date=dt.date(2026, 6, 29), from_currency="MXN", to_currency="USD")
    # C4: EUR with no rate to USD: reported, not converted.
    DocumentFactory(
        customer=euro, document_ref="INV5", document_date=dt.date(2026, 6, 1),
        due_date=dt.date(2026, 6, 30), currency="EUR", amount=Decimal("200.00"),
    )  # fmt: skip
    aging_refresh(as_of=AS_OF, actor="test")
    return {"ana": ana, "ben": ben}


@pytest.fixture
def manager_client(client, portfolio):
    client.force_login(UserFactory(username="boss", roles=["manager"]))
    return client


def listed(response) -> list[str]:
    return [row.record.customer_ref for row in response.context["table"].page.object_list]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/customers/C1/",
        "/aging/",
        "/aging/items/?by=customer&key=C1",
        "/aging/export.csv",
        "/aging/export.xlsx",
        "/imports/",
    ],
)
def test_anonymous_user_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_login_page_shows_demo_logins_only_in_demo_mode(client, db, settings):
    settings.OPENAR_DEMO_MODE = False
    assert "collector1" not in client.get("/login/").content.decode()
    settings.OPENAR_DEMO_MODE = True
    page = client.get("/login/").content.decode()
    assert "collector1" in page and "cashapp" in page
    UserFactory(username="collector2", roles=["collector"])
    UserFactory(username="manager", roles=["manager"])
    page = client.get("/login/").content.decode()
    assert "<code>manager</code></td><td>Collections manager</td>" in page
    assert page.index("<code>manager</code>") < page.index("<code>collector2</code>")
    assert 'action="/i18n/setlang/"' in page


def test_customer_list_shows_snapshot_figures(manager_client):
    response = manager_client.get("/")
    assert response.status_code == 200
    assert listed(response) == ["C1", "C2", "C3", "C4"]
    page = response.content.decode()
    assert "Aging as of June 30, 2026" in page
    assert "1,500.00" in page  # C1 balance
    assert "1,000.00" in page  # C1 past due
    assert "+ 200.00 EUR" in page  # C4: not convertible, shown rather than dropped


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=tacos", ["C3"]),
        ("q=C2", ["C2"]),
        ("collector=ana", ["C1"]),
        ("collector=unassigned", ["C3", "C4"]),
        ("entity=MX01", ["C3"]),
        ("segment=SMB", ["C2", "C3"]),
        ("min_balance=600", ["C1"]),
        # C4's EUR item has no rate: its converted balance is 0 (the EUR is shown beside it).
        ("max_balance=400", ["C2", "C4"]),
        ("min_days_past_due=100", ["C3"]),
        ("min_days_past_due=5&entity=US01", ["C1", "C2"]),
        ("sort=-balance", ["C1", "C3", "C2", "C4"]),
    ],
)
def test_customer_list_filters(manager_client, query, expected):
    assert listed(manager_client.get(f"/?{query}")) == expected


def test_customer_list_query_count_does_not_grow_with_rows(
    manager_client, django_assert_max_num_queries
):
    us = EntityFactory(code="US01")
    for n in range(80):
        CustomerFactory(customer_ref=f"X{n:03d}", entity=us, collector=None)
    aging_refresh(as_of=AS_OF, actor="test")
    with django_assert_max_num_queries(12):
        response = manager_client.get("/?sort=customer_ref")
    assert len(listed(response)) == 50
    assert response.context["table"].paginator.count == 84


def test_customer_list_htmx_gets_the_results_alone(manager_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = manager_client.get(
            "/?segment=SMB", headers={"HX-Request": "true", "HX-Target": "results"}
        )
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="results"')
    assert "<form" not in page and "<html" not in page
    assert listed(response) == ["C2", "C3"]
    # Another htmx request (a boosted link, another target) gets the whole page.
    whole = manager_client.get("/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<form" in whole.content.decode()


def test_customer_list_ignores_a_bad_filter_and_applies_the_others(manager_client):
    response = manager_client.get("/?min_balance=lots&segment=SMB&min_days_past_due=1.5")
    assert listed(response) == ["C2", "C3"]
    assert "Some filters were not understood and were ignored." in response.content.decode()


def test_customer_page_header_and_items(manager_client):
    response = manager_client.get("/customers/C1/?as_of=2026-06-30")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.balance == Decimal("1500.00")
    assert summary.past_due == Decimal("1000.00")
    assert summary.available_credit == Decimal("3500.00")
    page = response.content.decode()
    assert "INV1" in page and "INV2" in page
    assert "Ana Rojas" in page
    assert "Net 30 days" in page
    assert "ap@acme.test" in page
    assert 'href="/customers/C2/"' in page  # child account


def test_customer_page_child_links_parent_and_flags_dispute(manager_client):
    page = manager_client.get("/customers/C2/?as_of=2026-06-30").content.decode()
    assert 'href="/customers/C1/"' in page
    assert "Disputed" in page


def test_customer_page_as_of_earlier_date(manager_client):
    response = manager_client.get("/customers/C1/?as_of=2026-04-30")
    summary = response.context["summary"]
    # Only INV1 was issued by then, and it was not yet due.
    assert summary.balance == Decimal("1000.00")
    assert summary.past_due == Decimal("0.00")
    assert [i.document.document_ref for i in summary.items] == ["INV1"]


def test_customer_page_unknown_customer_is_404(manager_client):
    assert manager_client.get("/customers/NOPE/").status_code == 404


def test_aging_report_by_customer(manager_client):
    response = manager_client.get("/aging/?as_of=2026-06-30&by=customer")
    report = response.context["report"]
    assert report.total == Decimal("2300.00")
    assert report.totals["31-60"] == Decimal("1000.00")
    assert report.totals["120+"] == Decimal("500.00")
    page = response.content.decode()
    assert "2,300.00" in page
    assert "Not converted" in page and "Euro GmbH" in page
    assert "/aging/items/?as_of=2026-06-30&amp;by=customer&amp;buckets=30%2C60%2C90%2C120" in page
    assert "key=C1&amp;bucket=31-60" in page


def test_aging_report_by_collector_with_custom_buckets(manager_client):
    response = manager_client.get("/aging/?as_of=2026-06-30&by=collector&buckets=15,45")
    report = response.context["report"]
    assert report.bucket_names == ["current", "1-15", "16-45", "45+"]
    by_key = {row.key: row for row in report.rows}
    assert by_key["ana"].total == Decimal("1500.00")
    assert by_key["ana"].buckets["45+"] == Decimal("1000.00")
    assert by_key["unassigned"].total == Decimal("500.00")


def test_aging_report_rejects_bad_buckets_and_uses_defaults(manager_client):
    response = manager_client.get("/aging/?as_of=2026-06-30&buckets=90,30")
    assert response.context["report"].bucket_names[1] == "1-30"
    assert "increasing order" in response.content.decode()


def test_aging_rows_are_paginated_but_totals_cover_all(manager_client):
    us = EntityFactory(code="US01")
    for n in range(60):
        customer = CustomerFactory(customer_ref=f"P{n:03d}", entity=us)
        DocumentFactory(customer=customer, document_ref=f"P-INV{n}", amount=Decimal("10.00"))
    response = manager_client.get("/aging/?as_of=2026-06-30")
    assert len(response.context["rows"]) == 50
    assert response.context["report"].total == Decimal("2900.00")
    assert len(manager_client.get("/aging/?as_of=2026-06-30&page=2").context["rows"]) == 13


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("by=customer&key=C1&bucket=31-60", ["INV1"]),
        ("by=customer&key=C1", ["INV1", "INV2"]),
        ("by=collector&key=ana", ["INV1", "INV2"]),
        ("by=collector&key=unassigned", ["INV4", "INV5"]),
        ("by=entity&key=MX01", ["INV4"]),
        ("by=group&key=C1", ["INV1", "INV3", "INV2"]),
        ("by=group&key=C1&bucket=current", ["INV2"]),
        ("by=customer&key=C1&entity=MX01", []),
        ("by=collector&key=ben&collector=ana", ["INV3"]),
    ],
)
def test_aging_drill_down(manager_client, query, expected):
    response = manager_client.get(f"/aging/items/?as_of=2026-06-30&{query}")
    assert response.status_code == 200
    assert [i.document.document_ref for i in response.context["items"]] == expected


def test_aging_drill_down_unknown_bucket_is_404(manager_client):
    response = manager_client.get("/aging/items/?as_of=2026-06-30&by=customer&key=C1&bucket=9-9")
    assert response.status_code == 404


def test_aging_csv_export(manager_client):
    response = manager_client.get("/aging/export.csv?as_of=2026-06-30&by=entity")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "aging-entity-2026-06-30.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["as_of", "2026-06-30", "currency", "USD", "by", "entity"]
    end = next(i for i, r in enumerate(rows) if r and r[0] == "TOTAL")
    body = {r[0]: r for r in rows[2 : end + 1]}
    assert body["MX01"][-1] == "500.00"
    assert body["US01"][-1] == "1800.00"
    assert body["TOTAL"][-1] == "2300.00"
    # The EUR item has no rate: it is listed after the totals, in EUR.
    assert rows[end + 4] == [
        "US01",
        "OpenAR US",
        "EUR",
        "200.00",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "200.00",
    ]


def test_aging_xlsx_export(manager_client):
    response = manager_client.get("/aging/export.xlsx?as_of=2026-06-30&by=customer&collector=ana")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Aging"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values[2]
    assert header == ["key", "name", "current", "1-30", "31-60", "61-90", "91-120", "120+", "total"]
    assert values[3][:2] == ["C1", "Acme Corp"]
    assert values[3][header.index("31-60")] == 1000
    total_row = next(v for v in values if v[0] == "TOTAL")
    assert total_row[-1] == 1500
