"""Promises to pay: validation on record, kept/broken against cash, the events they leave."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.activity.models import AccountEvent, PromiseToPay
from openar.activity.services import promise_cancel, promise_record, promises_check
from openar.core.errors import Conflict, ValidationError
from tests.factories import (
    BASE_DATE,
    ApplicationFactory,
    CustomerFactory,
    DocumentFactory,
    ReceiptFactory,
)

pytestmark = pytest.mark.django_db
D = dt.timedelta


PROMISED = BASE_DATE + D(days=7)


def _promise(customer, amount="500.00", promised=PROMISED, **kw):
    return promise_record(
        customer=customer,
        amount=Decimal(amount),
        currency=kw.pop("currency", customer.currency),
        promised_date=promised,
        taken_on=kw.pop("taken_on", BASE_DATE),
        actor="test",
        **kw,
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"promised": BASE_DATE - D(days=1)}, "promised_date"),
        ({"currency": "EUR"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
    ],
)
def test_bad_promise_names_the_field_and_writes_nothing(kwargs, field):
    customer = CustomerFactory()
    with pytest.raises(ValidationError) as exc:
        _promise(customer, **kwargs)
    assert exc.value.field == field
    assert PromiseToPay.objects.count() == 0


def test_promise_for_documents_must_match_their_customer_and_currency():
    customer = CustomerFactory()
    other = DocumentFactory()
    with pytest.raises(ValidationError) as exc:
        _promise(customer, documents=[other])
    assert exc.value.field == "documents"
    mxn = DocumentFactory(customer=customer, currency="MXN")
    with pytest.raises(ValidationError) as exc:
        _promise(customer, documents=[mxn], currency="USD")
    assert exc.value.field == "currency"
    promise = _promise(customer, documents=[mxn], currency="MXN")
    assert list(promise.documents.all()) == [mxn]


def test_promise_kept_by_receipts_in_the_window():
    customer = CustomerFactory()
    promise = _promise(customer, amount="500.00")
    ReceiptFactory(customer=customer, amount=Decimal("300.00"), receipt_date=BASE_DATE + D(days=2))
    assert promises_check(as_of=BASE_DATE + D(days=3), actor="test") == 1
    promise.refresh_from_db()
    assert promise.status == "open"
    assert promise.received_amount == Decimal("300.00")
    ReceiptFactory(customer=customer, amount=Decimal("200.00"), receipt_date=BASE_DATE + D(days=8))
    promises_check(as_of=BASE_DATE + D(days=10), actor="test")
    promise.refresh_from_db()
    assert promise.status == "kept"
    assert promise.resolved_on == BASE_DATE + D(days=8)  # inside the 2 grace days
    event = AccountEvent.objects.get(kind="promise_kept")
    assert event.ref == f"promise:{promise.pk}"
    assert event.occurred_on == BASE_DATE + D(days=8)


def test_promise_broken_after_grace_and_event_recorded_once():
    customer = CustomerFactory()
    promise = _promise(customer, amount="500.00")
    # Cash before the promise was taken does not count.
    ReceiptFactory(customer=customer, amount=Decimal("900.00"), receipt_date=BASE_DATE - D(days=1))
    promises_check(as_of=BASE_DATE + D(days=9), actor="test")  # deadline day: still open
    promise.refresh_from_db()
    assert promise.status == "open"
    promises_check(as_of=BASE_DATE + D(days=10), actor="test")
    promise.refresh_from_db()
    assert promise.status == "broken"
    assert promise.resolved_on == BASE_DATE + D(days=10)
    assert promises_check(as_of=BASE_DATE + D(days=10), actor="test") == 0
    assert AccountEvent.objects.filter(kind="promise_broken", customer=customer).count() == 1


def test_unidentified_cash_applied_later_keeps_the_promise():
    customer = CustomerFactory()
    doc = DocumentFactory(customer=customer, amount=Decimal("500.00"))
    promise = _promise(customer, amount="500.00", documents=[doc])
    ApplicationFactory(
        receipt=ReceiptFactory(customer=None, amount=Decimal("500.00")),
        document=doc,
        amount=Decimal("500.00"),
        applied_date=BASE_DATE + D(days=1),
    )
    promises_check(as_of=BASE_DATE + D(days=1), actor="test", customer_ids=[customer.pk])
    promise.refresh_from_db()
    assert promise.status == "kept"


def test_promised_documents_cleared_keep_the_promise():
    customer = CustomerFactory()
    doc = DocumentFactory(customer=customer, amount=Decimal("500.00"))
    promise = _promise(customer, amount="500.00", documents=[doc])
    doc.open_amount = Decimal("0")
    doc.cleared_date = BASE_DATE + D(days=4)
    doc.save()
    promises_check(as_of=BASE_DATE + D(days=3), actor="test")
    promise.refresh_from_db()
    assert promise.status == "open"  # cleared after the date being checked
    promises_check(as_of=BASE_DATE + D(days=5), actor="test")
    promise.refresh_from_db()
    assert (promise.status, promise.resolved_on) == ("kept", BASE_DATE + D(days=4))


def test_other_currency_and_other_customers_cash_do_not_count():
    customer = CustomerFactory()
    promise = _promise(customer, amount="100.00")
    ReceiptFactory(customer=customer, currency="MXN", amount=Decimal("5000.00"))
    ReceiptFactory(customer=CustomerFactory(), amount=Decimal("5000.00"))
    promises_check(as_of=BASE_DATE + D(days=20), actor="test")
    promise.refresh_from_db()
    assert promise.status == "broken"
    assert promise.received_amount == 0


def test_customer_ids_limit_the_check():
    a, b = CustomerFactory(), CustomerFactory()
    pa, pb = _promise(a), _promise(b)
    assert promises_check(as_of=BASE_DATE + D(days=30), actor="test", customer_ids=[a.pk]) == 1
    pa.refresh_from_db()
    pb.refresh_from_db()
    assert (pa.status, pb.status) == ("broken", "open")


def test_cancel_only_open_promises():
    customer = CustomerFactory()
    promise = promise_cancel(promise=_promise(customer), actor="test", reason="duplicate")
    assert promise.status == "cancelled"
    assert promises_check(as_of=BASE_DATE + D(days=30), actor="test") == 0
    with pytest.raises(Conflict):
        promise_cancel(promise=promise, actor="test")
