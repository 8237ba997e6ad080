"""A dunning message that goes out closes the strategy action that asked for it (through
strategy's own service, with its audit event); one that does not go out leaves it open."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.comms.services import outbox_queue, outbox_send
from openar.core.models import AuditEvent
from tests.comms.test_outbox import _action
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory

pytestmark = pytest.mark.django_db

TUESDAY_10_UTC = dt.datetime(2026, 6, 30, 10, 0, tzinfo=dt.UTC)


def _owing(ref, **kw):
    customer = CustomerFactory(customer_ref=ref, country="US", language="en", **kw)
    DocumentFactory(customer=customer, amount=Decimal("90.00"), due_date=BASE_DATE.replace(day=1))
    return customer


def test_sent_email_and_printed_letter_close_their_actions(smtp):
    emailed = _action(_owing("E1", email="ap@e1.example"), "email")
    lettered = _action(_owing("L1", attributes={"address": "5 Oak Rd\nBoston"}), "letter")
    refused = _action(_owing("R1", email="ap@r1.example"), "email")
    smtp.recorder.refuse["ap@r1.example"] = "450 4.2.1 try later"
    outbox_queue(as_of=BASE_DATE, actor="test")
    outbox_send(as_of=BASE_DATE, actor="worker", now=TUESDAY_10_UTC, ignore_window=True)
    for action in (emailed, lettered, refused):
        action.refresh_from_db()
    assert (emailed.status, lettered.status, refused.status) == ("done", "done", "open")
    assert emailed.outcome.startswith("emailed: message ")
    assert lettered.outcome.startswith("letter printed: message ")
    assert emailed.completed_at is not None
    closed = AuditEvent.objects.filter(action="action.done", object_type="action")
    assert sorted(int(e.object_id) for e in closed) == sorted([emailed.pk, lettered.pk])
