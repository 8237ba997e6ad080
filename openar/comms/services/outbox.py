"""A person's hand on the outbox: hold, release, cancel, and send one message now."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openar.comms.choices import MessageStatus
from openar.comms.models import OutboxMessage
from openar.core.audit import audit_record
from openar.core.errors import Conflict


def _change(
    *,
    message: OutboxMessage,
    allowed: tuple[str, ...],
    to: str,
    action: str,
    actor: Any,
    verb: str,
    clear_id: bool = False,
) -> OutboxMessage:
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status not in allowed:
        raise Conflict(f"a {message.get_status_display().lower()} message cannot be {verb}")
    before = message.status
    message.status = to
    fields = ["status"]
    if to == MessageStatus.QUEUED:
        message.next_attempt_at = None
        message.error = ""
        fields += ["next_attempt_at", "error"]
    if clear_id:
        message.message_id = None
        fields.append("message_id")
    message.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=action,
        object_type="outbox_message",
        object_id=message.pk,
        before={"status": before},
        after={"status": to},
    )
    return message


@transaction.atomic
def outbox_cancel(*, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """Cancel a waiting message so it is never sent."""
    return _change(
        message=message,
        allowed=(MessageStatus.QUEUED, MessageStatus.HELD, MessageStatus.FAILED),
        to=MessageStatus.CANCELLED,
        action="outbox.cancel",
        actor=actor,
        verb="cancelled",
    )


@transaction.atomic
def outbox_hold(*, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """Keep a queued message back until a person releases it."""
    return _change(
        message=message,
        allowed=(MessageStatus.QUEUED, MessageStatus.FAILED),
        to=MessageStatus.HELD,
        action="outbox.hold",
        actor=actor,
        verb="held",
    )


@transaction.atomic
def outbox_release(*, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """Queue a held or failed message again (it goes with the next run)."""
    return _change(
        message=message,
        allowed=(MessageStatus.HELD, MessageStatus.FAILED),
        to=MessageStatus.QUEUED,
        action="outbox.release",
        actor=actor,
        verb="released",
    )


@transaction.atomic
def outbox_resend_unconfirmed(*, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """A person checked that an unconfirmed message never arrived: queue it again, with a new
    Message-ID."""
    return _change(
        message=message,
        allowed=(MessageStatus.SENDING,),
        to=MessageStatus.QUEUED,
        action="outbox.resend",
        actor=actor,
        verb="sent again",
        clear_id=True,
    )
