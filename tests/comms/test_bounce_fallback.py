"""A hard bounce falls back to a letter, or to a call task when the customer has no postal
address: at send (a 5xx reply) as for a delivery report read from the mailbox."""

from __future__ import annotations

import pytest
from django.utils import translation

from openar.comms.models import BouncedAddress, OutboxMessage
from openar.comms.services import outbox_queue
from openar.comms.services.bounces import message_bounce
from openar.core.reasons import reason_text
from openar.strategy.models import Action
from openar.worklist.models import WorkItem
from tests.comms.test_outbox import _action
from tests.comms.test_sending import TUESDAY_10_NY, _customer, _past_due_account, _send
from tests.factories import BASE_DATE, UserFactory

pytestmark = pytest.mark.django_db


def test_a_5xx_without_a_postal_address_becomes_a_call_task_in_the_queue(smtp):
    collector = UserFactory(username="maria.c")
    customer = _customer(attributes={}, collector=collector)
    _past_due_account(customer)
    _action(customer, "email", dpd=40)
    outbox_queue(as_of=BASE_DATE, actor="test")
    smtp.recorder.refuse["ap@acme.example"] = "550 5.1.1 mailbox unknown"

    result = _send()

    assert result.as_json() == {"sent": 0, "deferred": 0, "failed": 1, "letters": 0, "skipped": 0}
    assert any("a call task instead" in why for *_, why in result.details)
    email = OutboxMessage.objects.get()
    assert email.status == "bounced"
    assert not OutboxMessage.objects.filter(channel="letter").exists()
    assert BouncedAddress.objects.get().address == "ap@acme.example"
    call = Action.objects.get(kind="call")
    assert (call.customer, call.status, call.due_date) == (customer, "open", BASE_DATE)
    assert "no postal address" in call.reason
    with translation.override("es"):  # stored as a reason code: a Spanish reader reads Spanish
        assert reason_text(call.reason_parts).startswith(
            "El correo a ap@acme.example fue rechazado y no hay dirección postal"
        )
    item = WorkItem.objects.get(action=call)
    assert item.collector == collector

    # Bouncing it again (a delivery report after the 5xx) makes no second task.
    fallback = message_bounce(message=email, code=550, why="again", actor="test", as_of=BASE_DATE)
    assert fallback.call == call and fallback.letter is None
    assert Action.objects.filter(kind="call").count() == 1
    assert _send(now=TUESDAY_10_NY).as_json()["failed"] == 0


def test_with_a_postal_address_the_letter_still_goes(smtp):
    customer = _customer(attributes={"address": "Av. Reforma 1\nCDMX"})
    _past_due_account(customer)
    _action(customer, "email", dpd=40)
    outbox_queue(as_of=BASE_DATE, actor="test")
    smtp.recorder.refuse["ap@acme.example"] = "550 5.1.1 mailbox unknown"

    assert _send().as_json()["letters"] == 1
    assert not Action.objects.filter(kind="call").exists()
