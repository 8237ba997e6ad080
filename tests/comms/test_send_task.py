"""The worker sends on a schedule: each run sends what is due and queues the next one."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from openar.comms.models import OutboxMessage
from openar.comms.services import outbox_queue
from openar.jobs.tasks import SEND_TASK_PATH, send_due_messages, send_schedule_ensure
from tests.clock import ON_TODAY
from tests.comms.test_outbox import _action
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]


def test_the_task_sends_and_queues_the_next_run(smtp, settings):
    settings.OPENAR_EMAIL_WINDOW = "00:00-24:00"  # whatever the machine's clock says
    settings.OPENAR_EMAIL_QUIET_DAYS = ""
    customer = CustomerFactory(email="ap@acme.example")
    DocumentFactory(customer=customer, due_date=BASE_DATE.replace(day=1))
    _action(customer, "email", dpd=29)
    outbox_queue(as_of=BASE_DATE, actor="test")

    assert send_due_messages.call() == {
        "sent": 1,
        "deferred": 0,
        "failed": 0,
        "letters": 0,
        "skipped": 0,
    }
    assert OutboxMessage.objects.get().status == "sent"
    assert len(smtp.recorder.messages) == 1
    waiting = DBTaskResult.objects.filter(task_path=SEND_TASK_PATH, status="READY")
    assert waiting.count() == 1
    assert waiting.get().run_after is not None
    # Ensuring the schedule again queues nothing more.
    assert send_schedule_ensure() is False
    assert waiting.count() == 1
