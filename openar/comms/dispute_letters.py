"""The letter or email that tells a customer how a dispute was resolved, queued in the outbox
when disputes fires ``dispute_resolved`` (core.hooks), in the customer's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.html import escape

from openar.comms.choices import MessageChannel, MessageStatus
from openar.comms.domain import SENDERS, amount_text, message_language
from openar.comms.models import BouncedAddress, OutboxMessage
from openar.comms.parties import parties_for
from openar.core.audit import audit_record
from openar.core.money import format_amount

TEMPLATE_CODE = "dispute_resolution"

SUBJECT = {
    "en": "Your dispute {case_ref} on account {customer_ref}",
    "es": "Su reclamación {case_ref} de la cuenta {customer_ref}",
}
OPENING = {
    "en": "Dear {customer_name},\n\nWe have reviewed your dispute {case_ref} about {items} "
    "({amount} {currency}).",
    "es": "Estimado cliente {customer_name}:\n\nHemos revisado su reclamación {case_ref} sobre "
    "{items} ({amount} {currency}).",
}
OUTCOME = {
    "valid": {
        "en": "You are right: we are issuing a credit memo for {credit} {currency}, which will "
        "be applied to the invoice. Nothing more is due for the disputed amount.",
        "es": "Tiene razón: emitiremos una nota de crédito por {credit} {currency}, que se "
        "aplicará a la factura. No debe nada más por el importe reclamado.",
    },
    "partial": {
        "en": "Your dispute is partly valid: we are issuing a credit memo for {credit} "
        "{currency}. The remaining {rest} {currency} is due, and we ask you to pay it.",
        "es": "Su reclamación es válida en parte: emitiremos una nota de crédito por {credit} "
        "{currency}. Los {rest} {currency} restantes siguen pendientes y le rogamos pagarlos.",
    },
    "invalid": {
        "en": "After our review the invoice stands as billed: {amount} {currency} is due, and "
        "we ask you to pay it now.",
        "es": "Tras nuestra revisión, la factura se mantiene tal como se emitió: {amount} "
        "{currency} están pendientes y le rogamos pagarlos ahora.",
    },
    "write_off": {
        "en": "We have written {credit} {currency} off the invoice: nothing more is due for it.",
        "es": "Hemos dado de baja {credit} {currency} de la factura: no debe nada más por ello.",
    },
}
FINDINGS = {"en": "Our findings: {note}", "es": "Nuestras conclusiones: {note}"}
CLOSING = {
    "en": "If you have questions, reply to this message quoting {case_ref}.\n\nKind regards,\n"
    "{sender}",
    "es": "Si tiene preguntas, responda a este mensaje indicando {case_ref}.\n\nAtentamente,\n"
    "{sender}",
}


def _render(case: Any, language: str, party: Any) -> tuple[str, str, str]:
    cur = case.currency
    credit = case.credit_amount or Decimal(0)

    def money(value: Decimal) -> str:
        return amount_text(format_amount(value, cur), language)

    values = {
        "case_ref": f"D-{case.pk}",
        "customer_ref": party.customer_ref,
        "customer_name": party.customer_name,
        "items": ", ".join(i.document.document_ref for i in case.items.all()) or "-",
        "amount": money(case.amount),
        "credit": money(credit),
        "rest": money(case.amount - credit),
        "currency": cur,
        "note": case.resolution_note,
        "sender": SENDERS[language],
    }
    paragraphs = [
        OPENING[language].format(**values),
        OUTCOME[case.outcome][language].format(**values),
    ]
    if values["note"]:
        paragraphs.append(FINDINGS[language].format(**values))
    paragraphs.append(CLOSING[language].format(**values))
    text = "\n\n".join(paragraphs)
    html = "".join(
        "<p>" + "<br>".join(escape(line) for line in p.split("\n")) + "</p>"
        for p in text.split("\n\n")
    )
    return SUBJECT[language].format(**values), text, html


def dispute_letter_queue(*, case: Any, actor: Any) -> OutboxMessage:
    """Queue the resolution of ``case`` to the customer: an email, or a letter when there is
    no usable address."""
    party = parties_for([case.customer_id])[case.customer_id]
    language = message_language(party.language)
    subject, text, html = _render(case, language, party)
    email = party.email
    bounced = bool(email) and BouncedAddress.objects.filter(address=email.lower()).exists()
    channel = MessageChannel.EMAIL if email and not bounced else MessageChannel.LETTER
    message = OutboxMessage.objects.create(
        customer_id=case.customer_id,
        channel=channel,
        template_code=TEMPLATE_CODE,
        language=language,
        to_address=email if channel == MessageChannel.EMAIL else party.postal_block,
        subject=subject[:300],
        body=text,
        html=html,
        status=MessageStatus.QUEUED,
        as_of=case.resolved_on,
    )
    audit_record(
        actor=actor,
        action="outbox.dispute_letter",
        object_type="outbox",
        object_id=message.pk,
        summary=f"{channel} to {party.customer_ref}: dispute {case.pk} {case.outcome}",
    )
    return message
