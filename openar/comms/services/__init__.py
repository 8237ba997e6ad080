"""Writes for communications: queueing actions into the outbox, sending, and a person's hand on
a message (hold, release, cancel)."""

from openar.comms.services.letterheads import letterhead_save
from openar.comms.services.outbox import (
    outbox_cancel,
    outbox_hold,
    outbox_release,
    outbox_resend_unconfirmed,
)
from openar.comms.services.queue import outbox_queue
from openar.comms.services.sending import SendResult, outbox_send, statement_pdf

__all__ = [
    "SendResult",
    "letterhead_save",
    "outbox_cancel",
    "outbox_hold",
    "outbox_queue",
    "outbox_release",
    "outbox_resend_unconfirmed",
    "outbox_send",
    "statement_pdf",
]
