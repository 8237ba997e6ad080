"""Writes for communications: queueing actions into the outbox, sending, a person's hand on a
message (hold, release, cancel), and the message templates and their versions."""

from openar.comms.services.invoice_copies import InvoiceCopyResult, invoice_copy_send
from openar.comms.services.letterheads import letterhead_save
from openar.comms.services.outbox import (
    outbox_cancel,
    outbox_hold,
    outbox_release,
    outbox_resend_unconfirmed,
)
from openar.comms.services.queue import outbox_queue
from openar.comms.services.sending import SendResult, outbox_send, statement_pdf
from openar.comms.services.templates import (
    TEMPLATE_EDITORS,
    template_create,
    template_version_restore,
    template_version_save,
    templates_load_defaults,
)

__all__ = [
    "TEMPLATE_EDITORS",
    "InvoiceCopyResult",
    "SendResult",
    "invoice_copy_send",
    "letterhead_save",
    "outbox_cancel",
    "outbox_hold",
    "outbox_queue",
    "outbox_release",
    "outbox_resend_unconfirmed",
    "outbox_send",
    "statement_pdf",
    "template_create",
    "template_version_restore",
    "template_version_save",
    "templates_load_defaults",
]
