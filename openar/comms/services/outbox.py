"""A person's hand on the outbox: hold, release, cancel, and send one message now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from openar.comms.choices import MessageStatus
from openar.comms.models import OutboxMessage
from openar.core.audit import audit_record
from openar.core.errors import Conflict


@dataclass(frozen=True)
class _Move:
    """One status change a person may make: from which statuses, to which, and its audit action."""

    allowed: tuple[str, ...]
    to: str
    action: str
    verb: str
    clear_id: bool = False


_CANCEL = _Move(
    (MessageStatus.QUEUED, MessageStatus.HELD, MessageStatus.FAILED),
    MessageStatus.CANCELLED,
    "outbox.cancel",
    "cancelled",
)
_HOLD = _Move(
    (MessageStatus.QUEUED, MessageStatus.FAILED), MessageStatus.HELD, "outbox.hold", "held"
)
_RELEASE = _Move(
    (MessageStatus.HELD, MessageStatus.FAILED), MessageStatus.QUEUED, "outbox.release", "released"
)
_RESEND = _Move(
    (MessageStatus.SENDING,), MessageStatus.QUEUED, "outbox.resend", "sent again", clear_id=True
)


def _change(*, message: OutboxMessage, move: _Move, actor: Any) -> OutboxMessage:
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status not in move.allowed:
        raise Conflict(f"a {message.get_status_display().lower()} message cannot be {move.verb}")
    before = message.status
    message.status = move.to
    fields = ["status"]
    if move.to == MessageStatus.QUEUED:
        message.next_attempt_at = None
        message.error = ""
        fields += ["next_attempt_at", "error"]
    if move.clear_id:
        message.message_id = None
        fields.append("message_id")
    message.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=move.action,
        object_type="outbox_message",
        object_id=message.pk,
        before={"status": before},
        after={"status": move.to},
    )
    return message


@transaction.atomic
def outbox_cancel(*, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """Cancel a waiting message so it is never sent."""
    return _change(message=message, move=_CANCEL, actor=actor)


@transaction.atomic
def outbox_hold(*, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """Keep a queued message back until a person releases it."""
    return _change(message=message, move=_HOLD, actor=actor)


@transaction.atomic
def outbox_release(*, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """Queue a held or failed message again (it goes with the next run)."""
    return _change(message=message, move=_RELEASE, actor=actor)


@transaction.atomic
def outbox_resend_unconfirmed(*, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """A person checked that an unconfirmed message never arrived: queue it again, with a new
    Message-ID."""
    return _change(message=message, move=_RESEND, actor=actor)
