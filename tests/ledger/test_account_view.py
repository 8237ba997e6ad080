"""The account page as a collector's workbench: the header's figures, contacts, the parent and
children roll-up, selectable open items, a timeline with filters, and a query count that does
not grow with the account's history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openar.activity.services import contact_record, promise_record
from openar.ledger.services import aging_refresh
from tests.clock import ON_TODAY
from tests.factories import CustomerFactory, DocumentFactory, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]
DAY = dt.date(2026, 6, 30)


@pytest.fixture
def account():
    ana = UserFactory(username="ana", first_name="Ana", last_name="Rojas", roles=["collector"])
    parent = CustomerFactory(customer_ref="P1", name="Holding SA", collector=ana)
    customer = CustomerFactory(
        customer_ref="K1", name="Kilo Foods", collector=ana, parent=parent, phone="+1 555 0100",
        email="ap@kilo.example", language="es", country="MX",
        attributes={"time_zone": "America/Mexico_City"},
    )  # fmt: skip
    child = CustomerFactory(customer_ref="K1-1", name="Kilo Norte", parent=customer)
    DocumentFactory(customer=customer, document_ref="INV-1", amount=Decimal("500.00"),
                    due_date=DAY - dt.timedelta(days=40))  # fmt: skip
    DocumentFactory(customer=child, document_ref="INV-2", amount=Decimal("70.00"),
                    due_date=DAY - dt.timedelta(days=10))  # fmt: skip
    aging_refresh(as_of=DAY, actor="test")
    return {"ana": ana, "customer": customer}


def _history(customer, user, n: int) -> None:
    for i in range(n):
        contact_record(
            customer=customer, user=user, channel="call", outcome="no_answer", actor=user,
            contacted_at=timezone.make_aware(dt.datetime(2026, 6, 1 + i % 28, 9, i % 60)),
        )  # fmt: skip
    promise_record(
        customer=customer, amount="100.00", currency="USD", taken_on=DAY, actor=user,
        promised_date=DAY + dt.timedelta(days=3),
    )  # fmt: skip


def test_the_header_shows_what_a_collector_needs_before_dialling(client, account):
    client.force_login(account["ana"])
    html = client.get("/customers/K1/").content.decode()
    markers = ["kpi-balance", "kpi-past-due", "kpi-disputed", "kpi-collectible"]
    markers += ["kpi-credit-limit", "kpi-available", "fact-phone", "America/Mexico_City"]
    for marker in markers:
        assert marker in html, marker
    assert 'href="tel:+1 555 0100"' in html
    assert "Holding SA" in html  # parent
    assert 'id="children-table"' in html and "K1-1" in html and "70.00" in html
    # Open items can be ticked for the promise form.
    assert 'class="item-pick" name="documents"' in html and 'form="promise-form"' in html


def test_the_timeline_lists_everything_and_filters_by_kind(client, account):
    _history(account["customer"], account["ana"], 3)
    client.force_login(account["ana"])
    html = client.get("/customers/K1/").content.decode()
    assert 'id="timeline"' in html
    assert html.count('data-kind="call"') == 3
    assert 'data-kind="promise"' in html
    only = client.get(
        "/promises/customers/K1/timeline/?kind=promise", headers={"HX-Request": "true"}
    ).content.decode()
    assert 'data-kind="promise"' in only and 'data-kind="call"' not in only


def test_the_account_page_query_count_does_not_grow_with_its_history(client, account):
    client.force_login(account["ana"])
    _history(account["customer"], account["ana"], 2)
    client.get("/customers/K1/")  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/customers/K1/").status_code == 200
    _history(account["customer"], account["ana"], 25)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/customers/K1/").status_code == 200
    assert len(many) == len(few), (len(few), len(many))
    # A fixed budget for every panel the page holds (the credit limit, write-off and review panels
    # added their reads); what matters above is that history does not add queries.
    assert len(few) <= 80, len(few)


def test_a_promise_for_ticked_items_is_recorded_for_them(client, account):
    client.force_login(account["ana"])
    doc = account["customer"].documents.get(document_ref="INV-1")
    response = client.post(
        "/promises/customers/K1/promise/",
        {"amount": "500.00", "currency": "USD", "promised_date": "2026-07-05", "channel": "",
         "note": "", "documents": [str(doc.pk)]},
    )  # fmt: skip
    assert response.status_code == 302
    promise = account["customer"].promises.get()
    assert list(promise.documents.values_list("document_ref", flat=True)) == ["INV-1"]
    too_much = client.post(
        "/promises/customers/K1/promise/",
        {"amount": "900.00", "currency": "USD", "promised_date": "2026-07-05", "channel": "",
         "note": ""},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert "more than the" in too_much.content.decode()
    assert account["customer"].promises.count() == 1
