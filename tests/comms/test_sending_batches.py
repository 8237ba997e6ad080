"""Sending in batches: the queries of a sending run do not grow with the number of messages
(claims, records, timeline entries and closed actions go in bulk), every message still gets its
own Message-ID before the server sees it, and a server that goes away leaves nothing claimed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openar.activity.models import ContactLog
from openar.comms.models import OutboxMessage
from openar.comms.services import outbox_queue, outbox_send
from openar.core.email_url import email_url_config
from openar.strategy.models import Action
from tests.comms.smtp import free_port
from tests.comms.test_outbox import _action
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 30, 14, 0, tzinfo=dt.UTC)


def _queue(start: int, n: int) -> None:
    for i in range(start, start + n):
        customer = CustomerFactory(
            customer_ref=f"B{i:03}", email=f"ap{i}@b.example", language="en", country="US"
        )
        DocumentFactory(
            customer=customer, amount=Decimal("10.00"), due_date=BASE_DATE.replace(day=1)
        )
        _action(customer, "email", dpd=29)
    outbox_queue(as_of=BASE_DATE, actor="test")


def _send() -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        result = outbox_send(as_of=BASE_DATE, actor="worker", now=NOW, ignore_window=True)
    return result.sent, len(queries)


def test_queries_do_not_grow_with_the_messages(smtp):
    _queue(0, 3)
    sent_few, few = _send()
    _queue(100, 30)
    sent_many, many = _send()
    assert (sent_few, sent_many) == (3, 30)
    assert many == few
    ids = [m["Message-ID"] for m in smtp.recorder.messages]
    assert len(ids) == len(set(ids)) == 33
    assert set(OutboxMessage.objects.values_list("message_id", flat=True)) == set(ids)
    assert ContactLog.objects.count() == 33
    assert not Action.objects.filter(status="open").exists()


def test_a_server_that_is_down_leaves_nothing_claimed(smtp, settings):
    _queue(0, 5)
    settings.MAILERS = {"default": email_url_config(f"smtp://127.0.0.1:{free_port()}?timeout=2")}
    result = outbox_send(as_of=BASE_DATE, actor="worker", now=NOW, ignore_window=True)
    assert (result.sent, result.deferred) == (0, 5)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"queued"}
    assert Action.objects.filter(status="open").count() == 5
