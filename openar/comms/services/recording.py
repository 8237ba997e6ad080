"""What went out, written down in bulk: the message's status, its timeline entry (with the
attachments) and the strategy action it closes; one transaction and a handful of queries for a
whole batch of messages, however many."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from openar.activity.choices import ContactChannel, ContactOutcome
from openar.activity.services import contacts_record_many
from openar.comms.choices import MessageStatus
from openar.comms.models import OutboxMessage
from openar.strategy.choices import ActionStatus
from openar.strategy.services import actions_close_many


@dataclass
class Sent:
    """One message the server accepted (or one letter written), waiting to be recorded."""

    message: OutboxMessage
    customer_ref: str
    channel: str  # a ContactChannel
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    sent_to: str = ""


@transaction.atomic
def sent_record(
    entries: list[Sent], *, now: dt.datetime, actor: Any, from_status: str = MessageStatus.SENDING
) -> set[int]:
    """Mark the messages of ``entries`` sent (those still in ``from_status``), put each on its
    account's timeline and close the action that asked for it. Returns the ids recorded."""
    if not entries:
        return set()
    ids = [entry.message.pk for entry in entries]
    mine = set(
        OutboxMessage.objects.select_for_update()
        .filter(pk__in=ids, status=from_status)
        .values_list("pk", flat=True)
    )
    entries = [entry for entry in entries if entry.message.pk in mine]
    if not entries:
        return set()
    test_to = settings.OPENAR_EMAIL_TEST_TO
    emailed = [e.message.pk for e in entries if e.channel == ContactChannel.EMAIL]
    others = [e.message.pk for e in entries if e.channel != ContactChannel.EMAIL]
    if emailed:
        note = f"test mode: sent to {test_to}"[:300] if test_to else ""
        OutboxMessage.objects.filter(pk__in=emailed).update(
            status=MessageStatus.SENT, sent_at=now, error=note
        )
    if others:
        OutboxMessage.objects.filter(pk__in=others).update(
            status=MessageStatus.SENT, sent_at=now, error=""
        )
    contacts = contacts_record_many(
        contacts=[
            {
                "customer_id": e.message.customer_id,
                "customer_ref": e.customer_ref,
                "channel": e.channel,
                "outcome": ContactOutcome.SENT,
                "note": f"{e.message.subject}\n{e.sent_to or e.message.to_address}\n\n"
                f"{e.message.body}",
                "action_id": e.message.action_id,
                "contacted_at": now,
                "message_id": e.message.message_id or "",
                "attachments": e.attachments,
            }
            for e in entries
        ],
        actor=actor,
    )
    messages = []
    for entry, contact in zip(entries, contacts, strict=True):
        entry.message.contact_id = contact.pk
        messages.append(entry.message)
    OutboxMessage.objects.bulk_update(messages, ["contact"], batch_size=500)
    # The action that asked for each message is done: strategy closes it (and audits it).
    outcomes = {
        e.message.action_id: (
            f"{'emailed' if e.channel == ContactChannel.EMAIL else 'letter printed'}: "
            f"message {e.message.pk}"
        )
        for e in entries
        if e.message.action_id
    }
    if outcomes:
        actions_close_many(outcomes=outcomes, status=ActionStatus.DONE, actor=actor)
    return {entry.message.pk for entry in entries}
