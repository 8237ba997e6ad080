"""The contact log and idempotent account events."""

from __future__ import annotations

import datetime as dt

import pytest

from openar.activity.models import AccountEvent, ContactLog
from openar.activity.services import account_event_record, contact_record, promise_record
from openar.core.errors import ValidationError
from tests.factories import BASE_DATE, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_contact_is_logged_with_user_action_and_outcome():
    from tests.activity.test_contact_action import _action

    customer = CustomerFactory()
    action = _action(customer)
    user = UserFactory(username="collector1")
    at = dt.datetime(2026, 6, 30, 9, 15, tzinfo=dt.UTC)
    contact = contact_record(
        customer=customer,
        user=user,
        channel="call",
        outcome="left_message",
        note=" voicemail ",
        action_id=action.pk,
        contacted_at=at,
        actor=user,
    )
    assert (contact.user, contact.action_id, contact.contacted_at, contact.note) == (
        user,
        action.pk,
        at,
        "voicemail",
    )
    assert list(ContactLog.objects.filter(customer=customer)) == [contact]


@pytest.mark.parametrize(
    ("channel", "outcome", "field"), [("fax", "reached", "channel"), ("call", "maybe", "outcome")]
)
def test_contact_rejects_unknown_channel_or_outcome(channel, outcome, field):
    with pytest.raises(ValidationError) as exc:
        contact_record(
            customer=CustomerFactory(), user=None, channel=channel, outcome=outcome, actor="t"
        )
    assert exc.value.field == field
    assert ContactLog.objects.count() == 0


def test_promise_with_channel_logs_the_contact():
    customer = CustomerFactory()
    promise = promise_record(
        customer=customer,
        amount="10.00",
        currency="USD",
        promised_date=BASE_DATE,
        taken_on=BASE_DATE,
        actor="t",
        channel="call",
    )
    contact = ContactLog.objects.get()
    assert (contact.outcome, contact.promise) == ("promise_taken", promise)


def test_account_event_is_idempotent_by_kind_and_ref():
    customer = CustomerFactory()
    first = account_event_record(
        customer=customer,
        kind="payment_bounced",
        occurred_on=BASE_DATE,
        ref="line:7:3",
        details={"amount": "10.00"},
        source="cashapp",
    )
    again = account_event_record(
        customer=customer.pk,
        kind="payment_bounced",
        occurred_on=BASE_DATE,
        ref="line:7:3",
        source="cashapp",
    )
    assert first.pk == again.pk
    assert AccountEvent.objects.count() == 1
    account_event_record(
        customer=customer, kind="short_payment", occurred_on=BASE_DATE, ref="line:7:3", source="x"
    )
    assert AccountEvent.objects.count() == 2
    with pytest.raises(ValidationError):
        account_event_record(
            customer=customer, kind="bogus", occurred_on=BASE_DATE, ref="r", source="x"
        )


def test_bulk_events_skip_those_already_recorded():
    from openar.activity.services import account_events_record_bulk

    a, b = CustomerFactory(), CustomerFactory()
    account_event_record(
        customer=a, kind="class_dropped", occurred_on=BASE_DATE, ref="risk:1", source="risk"
    )
    events = [
        {"customer_id": a.pk, "kind": "class_dropped", "occurred_on": BASE_DATE, "ref": "risk:1"},
        {"customer_id": b.pk, "kind": "class_dropped", "occurred_on": BASE_DATE, "ref": "risk:2"},
    ]
    assert account_events_record_bulk(events=events, source="risk") == 1
    assert account_events_record_bulk(events=events, source="risk") == 0
    assert AccountEvent.objects.filter(kind="class_dropped").count() == 2
