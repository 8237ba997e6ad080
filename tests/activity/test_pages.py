"""Promise page, the customer page's activity panel and its forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from openar.activity.models import ContactLog, PromiseToPay
from openar.activity.services import promise_record
from tests.clock import ON_TODAY
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]


@pytest.fixture
def collector(client):
    user = UserFactory(username="collector1", roles=["collector"])
    client.force_login(user)
    return user


def _promise(customer, promised, status="open"):
    p = promise_record(
        customer=customer,
        amount=Decimal("250.00"),
        currency="USD",
        promised_date=promised,
        taken_on=BASE_DATE,
        actor="t",
    )
    PromiseToPay.objects.filter(pk=p.pk).update(status=status)
    return p


def test_promise_list_filters_by_status(client, collector, django_assert_max_num_queries):
    kept = CustomerFactory(name="Kept Co", collector=collector)
    broken = CustomerFactory(name="Broken Co")
    for i in range(5):
        _promise(kept, BASE_DATE + dt.timedelta(days=i), status="kept")
    _promise(broken, BASE_DATE, status="broken")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("activity:promise_list"), {"status": "broken"})
    assert b"Broken Co" in page.content
    assert b"Kept Co" not in page.content
    mine = client.get(reverse("activity:promise_list"), {"mine": "on"})
    assert b"Kept Co" in mine.content
    assert b"Broken Co" not in mine.content


def test_customer_page_shows_panel_and_records_a_promise(client, collector):
    customer = CustomerFactory(collector=collector)
    # A promise typed in may not exceed what the account owes.
    DocumentFactory(customer=customer, amount=Decimal("2000.00"))
    url = reverse("ledger:customer_detail", args=[customer.customer_ref])
    page = client.get(url)
    assert b'id="activity"' in page.content
    assert b"No promises yet" in page.content

    promised = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    response = client.post(
        reverse("activity:promise_record", args=[customer.customer_ref]),
        {"amount": "1,250.00", "currency": "USD", "promised_date": promised, "channel": "call"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert b"1,250.00" in response.content
    promise = PromiseToPay.objects.get()
    assert (promise.amount, promise.taken_by) == (Decimal("1250.00"), collector)
    assert ContactLog.objects.get().outcome == "promise_taken"


def test_bad_promise_shows_the_error_next_to_the_field(client, collector):
    customer = CustomerFactory()
    response = client.post(
        reverse("activity:promise_record", args=[customer.customer_ref]),
        {"amount": "-5", "currency": "USD", "promised_date": "2026-07-10"},
        headers={"HX-Request": "true"},
    )
    assert b"must be positive" in response.content
    assert PromiseToPay.objects.count() == 0


def test_log_a_contact_and_cancel_a_promise(client, collector):
    customer = CustomerFactory()
    promise = _promise(customer, BASE_DATE + dt.timedelta(days=3))
    response = client.post(
        reverse("activity:contact_record", args=[customer.customer_ref]),
        {"channel": "call", "outcome": "no_answer", "note": "rang twice"},
    )
    assert response.status_code == 302
    contact = ContactLog.objects.get()
    assert (contact.user, contact.outcome, contact.note) == (collector, "no_answer", "rang twice")
    client.post(reverse("activity:promise_cancel", args=[promise.pk]))
    promise.refresh_from_db()
    assert promise.status == "cancelled"


def test_research_role_sees_the_panel_but_cannot_write(client):
    client.force_login(UserFactory(username="r1", roles=["research"]))
    customer = CustomerFactory()
    page = client.get(reverse("ledger:customer_detail", args=[customer.customer_ref]))
    assert b"Record a promise" not in page.content
    response = client.post(
        reverse("activity:contact_record", args=[customer.customer_ref]),
        {"channel": "call", "outcome": "reached"},
    )
    assert response.status_code == 403
