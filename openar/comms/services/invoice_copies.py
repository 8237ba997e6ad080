"""Invoice copies in one step: the customer asks (on the phone, or by email, read by the mailbox),
a person or the mailbox reader calls ``invoice_copy_send`` and the copies go out at once.

Each copy is the ERP's own PDF where the entity's letterhead says where to find it (a folder or a
URL pattern, see ``comms.erp``), otherwise a copy written from the ledger's data. The email goes
through the Outbox (Message-ID recorded before sending, never twice, on the timeline with the
copies); a customer without an email address gets them by letter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from openar.comms.choices import MessageChannel, MessageStatus
from openar.comms.documents import invoice_copy_page, pdf
from openar.comms.domain import SENDERS, message_language
from openar.comms.erp import erp_invoice_pdf
from openar.comms.models import BouncedAddress, Letterhead, OutboxAttachment, OutboxMessage
from openar.comms.parties import Recipient, parties_for
from openar.comms.services.sending import outbox_send
from openar.core.audit import audit_record
from openar.core.dates import today
from openar.core.errors import ValidationError
from openar.ledger.models import Customer, Document

MAX_DOCUMENTS = 50


@dataclass
class CopySource:
    document_ref: str
    source: str  # "erp" or "rendered"
    note: str  # where the ERP file came from, or why a copy was written instead


@dataclass
class InvoiceCopyResult:
    message: OutboxMessage
    copies: list[CopySource] = field(default_factory=list)

    @property
    def sent(self) -> bool:
        return self.message.status == MessageStatus.SENT

    def as_json(self) -> dict[str, Any]:
        return {
            "message": self.message.pk,
            "status": self.message.status,
            "channel": self.message.channel,
            "error": self.message.error,
            "copies": [c.__dict__ for c in self.copies],
        }


def _documents(customer: Customer, documents: Sequence[Document | str]) -> list[Document]:
    if not documents:
        raise ValidationError("name at least one invoice to copy", field="documents")
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError(
            f"at most {MAX_DOCUMENTS} invoices in one message ({len(documents)} asked)",
            field="documents",
        )
    refs = [d.document_ref if isinstance(d, Document) else str(d).strip() for d in documents]
    found = {
        d.document_ref: d
        for d in Document.objects.filter(customer=customer, document_ref__in=refs).select_related(
            "entity"
        )
    }
    missing = [ref for ref in refs if ref not in found]
    if missing:
        raise ValidationError(
            f"no document {missing[0]!r} on account {customer.customer_ref}", field="documents"
        )
    return [found[ref] for ref in dict.fromkeys(refs)]


def _copy(
    document: Document, party: Recipient, pattern: str, language: str, as_of: dt.date
) -> tuple[bytes, CopySource]:
    found = erp_invoice_pdf(
        pattern=pattern,
        entity=document.entity.code,
        customer_ref=party.customer_ref,
        document_ref=document.document_ref,
        year=document.document_date.year,
    )
    if found.content is not None:
        return found.content, CopySource(document.document_ref, "erp", found.note)
    page = invoice_copy_page(language=language, party=party, document=document, as_of=as_of)
    return pdf(page), CopySource(document.document_ref, "rendered", found.note)


def _text(party: Recipient, refs: list[str], language: str) -> tuple[str, str]:
    with translation.override(language):
        listed = ", ".join(refs)
        if len(refs) == 1:
            subject = _("Copy of invoice %(refs)s") % {"refs": listed}
        else:
            subject = _("Copies of invoices %(refs)s") % {"refs": listed}
        body = "\n\n".join(
            [
                _("Dear %(name)s,") % {"name": party.customer_name},
                _("As requested, please find attached the copy of: %(refs)s.") % {"refs": listed},
                _("If anything else is missing, simply reply to this email."),
                _("Kind regards,") + "\n" + SENDERS.get(language, SENDERS["en"]),
            ]
        )
    return subject, body


def invoice_copy_send(
    *,
    customer: Customer,
    documents: Sequence[Document | str],
    actor: Any,
    to_address: str = "",
    in_reply_to: str = "",
    as_of: dt.date | None = None,
    now: dt.datetime | None = None,
) -> InvoiceCopyResult:
    """Send copies of ``documents`` (Document rows or document numbers of ``customer``) in one
    message: to ``to_address`` (default: the customer's email; a letter when there is none or it
    bounced), threaded under the customer's request ``in_reply_to`` (its Message-ID) when given.
    Sends at once, outside the send window and the frequency cap. Raises ``ValidationError``
    naming the document when one is not the customer's; nothing is queued then."""
    docs = _documents(customer, documents)
    as_of = as_of or today()
    party = parties_for([customer.pk])[customer.pk]
    language = message_language(party.language)
    address = (to_address or party.email or "").strip()
    if address and "@" not in address:
        raise ValidationError(f"{address!r} is not an email address", field="to_address")
    if address and BouncedAddress.objects.filter(address=address.lower()).exists():
        address = ""
    pattern = (
        Letterhead.objects.filter(entity_id=customer.entity_id)
        .values_list("invoice_pdf_pattern", flat=True)
        .first()
        or ""
    )
    files, copies = [], []
    for document in docs:
        content, source = _copy(document, party, pattern, language, as_of)
        files.append((f"{document.document_ref}.pdf".replace("/", "-"), content))
        copies.append(source)
    subject, body = _text(party, [d.document_ref for d in docs], language)
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            customer=customer,
            channel=MessageChannel.EMAIL if address else MessageChannel.LETTER,
            template_code="invoice_copy",
            language=language,
            to_address=address or party.postal_block,
            subject=subject,
            body=body,
            in_reply_to=in_reply_to.strip()[:250],
            as_of=as_of,
        )
        OutboxAttachment.objects.bulk_create(
            OutboxAttachment(message=message, filename=name, content=content)
            for name, content in files
        )
        audit_record(
            actor=actor,
            action="invoice_copy.send",
            object_type="customer",
            object_id=customer.customer_ref,
            summary=f"copies of {', '.join(c.document_ref for c in copies)} "
            f"({', '.join(c.source for c in copies)}) by {message.channel}",
            after={"message": message.pk, "copies": [c.__dict__ for c in copies]},
        )
    outbox_send(as_of=as_of, actor=actor, ignore_window=True, now=now, message_ids=[message.pk])
    message.refresh_from_db()
    return InvoiceCopyResult(message=message, copies=copies)
