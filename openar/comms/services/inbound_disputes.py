"""A dispute read from the mailbox becomes a case: on the customer's open invoices the email
names (whole open amount, less what other cases already dispute), with the reason its words
point to, the email (and its files) attached, routed by the disputes app's own rules. An email
that names no open invoice stays a task for the collector to open the case by hand."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from django.db import transaction

from openar.comms.inbound import rules
from openar.comms.inbound.parsing import ParsedMail, reply_text
from openar.comms.models import InboundMessage
from openar.core.errors import OpenARError
from openar.core.reasons import part
from openar.disputes.models import DisputeCase, ReasonCode
from openar.disputes.selectors import disputed_by_document
from openar.disputes.services import case_attachment_add, dispute_open
from openar.ledger.models import Customer, Document

log = logging.getLogger(__name__)

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/.]*[A-Za-z0-9]")
_DESCRIPTION_MAX = 4000


@dataclass
class EmailDispute:
    case: DisputeCase | None = None
    why_not: str = ""  # when no case was opened: why (kept on the message for a person)


def named_documents(customer: Customer, text: str) -> list[Document]:
    """The customer's open documents (invoices and debit memos with something open) whose
    numbers ``text`` names, in the order of their due dates."""
    words = {w.upper() for w in _WORD.findall(text or "")}
    if not words:
        return []
    docs = Document.objects.filter(
        customer=customer, cleared_date__isnull=True, open_amount__gt=0
    ).order_by("due_date", "document_ref")
    return [d for d in docs if d.document_ref.upper() in words]


def _reason_code(text: str) -> str:
    code = rules.dispute_reason(text)
    active = set(ReasonCode.objects.filter(active=True).values_list("code", flat=True))
    if code in active:
        return code
    return "other" if "other" in active else ""


def dispute_from_email(
    *,
    message: InboundMessage,
    parsed: ParsedMail,
    customer: Customer,
    raw: bytes | None,
    opened_on: dt.date,
    actor: Any,
) -> EmailDispute:
    """Open the case a dispute email asks for (see the module); never raises for what the
    email holds: the reason a case could not be opened is returned instead."""
    written = reply_text(parsed.text) or parsed.text
    text = f"{parsed.subject}\n{written}"
    docs = named_documents(customer, text)
    if not docs:
        return EmailDispute(why_not="The email names none of the customer's open invoices.")
    code = _reason_code(text)
    if not code:
        return EmailDispute(why_not="No active dispute reason to file the case under.")
    taken = disputed_by_document(document_ids=[d.pk for d in docs])
    currency = docs[0].currency
    items = [
        (d, d.open_amount - taken.get(d.pk, Decimal(0)))
        for d in docs
        if d.currency == currency and d.open_amount - taken.get(d.pk, Decimal(0)) > 0
    ]
    if not items:
        return EmailDispute(why_not="The invoices the email names are already in dispute.")
    description = written.strip()
    if len(description) > _DESCRIPTION_MAX:
        description = description[: _DESCRIPTION_MAX - 1] + "\u2026"
    try:
        with transaction.atomic():
            case = dispute_open(
                customer=customer,
                items=items,
                reason_code=code,
                description=description,
                opened_on=opened_on,
                actor=actor,
                contact_name=parsed.from_name,
                contact_email=parsed.from_address,
                note_parts=[
                    part(
                        "case_from_email",
                        sender=parsed.from_address,
                        subject=parsed.subject[:200],
                    )
                ],
            )
    except OpenARError as exc:
        log.info("dispute email %s: no case opened: %s", message.pk, exc.message)
        return EmailDispute(why_not=f"No case could be opened: {exc.message}")
    _attach(case, message, parsed, raw, actor)
    return EmailDispute(case=case)


def _attach(
    case: DisputeCase, message: InboundMessage, parsed: ParsedMail, raw: bytes | None, actor: Any
) -> None:
    """The email itself (as .eml, or its text when too large) and the files it brought, each
    within the case's size limit and allowed types (a refused file stays on the message)."""
    email = raw or _rebuilt(message)
    files = [(f"email-{message.pk}.eml", email)]
    files += [(a.filename, a.content) for a in parsed.attachments]
    for name, content in files:
        try:
            with transaction.atomic():
                case_attachment_add(case=case, filename=name, content=content, actor=actor)
        except OpenARError as exc:
            if name.endswith(".eml"):  # the whole email is too large: keep what was written
                text = f"{message.headers}\n\n{message.text}".encode()
                try:
                    with transaction.atomic():
                        case_attachment_add(
                            case=case,
                            filename=f"email-{message.pk}.txt",
                            content=text[: 1024 * 1024],
                            actor=actor,
                        )
                except OpenARError:
                    log.info("dispute %s: the email could not be attached", case.pk)
            else:
                log.info("dispute %s: %s not attached: %s", case.pk, name, exc.message)


def _rebuilt(message: InboundMessage) -> bytes:
    """An .eml of a stored message whose original is not kept: its envelope and text."""
    mail = EmailMessage()
    sender = message.from_address
    mail["From"] = f"{message.from_name} <{sender}>" if message.from_name else sender
    mail["To"] = ", ".join(message.to_addresses.split())
    mail["Subject"] = message.subject
    if message.sent_at is not None:
        mail["Date"] = format_datetime(message.sent_at)
    if message.message_id:
        mail["Message-ID"] = message.message_id
    mail.set_content(message.text or "")
    return mail.as_bytes()
