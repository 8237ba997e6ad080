"""A template text rendered for a real customer, as it would go out today: the email (subject,
plain text and HTML), the letter as PDF and the letter as a Word document. Reads only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from openar.comms.documents import Rendered, letter_page, pdf, render_reminder
from openar.comms.domain import AccountItems, TemplateText, message_language, text_for
from openar.comms.models import OutboxMessage
from openar.comms.parties import Recipient, parties_for
from openar.comms.selectors import account_items, active_texts
from openar.comms.word import letter_docx
from openar.ledger.models import Customer

PREVIEW_LANGUAGE_NAMES = {"en": _("English"), "es": _("Spanish")}


@dataclass(frozen=True)
class Preview:
    customer: Customer
    party: Recipient
    rendered: Rendered
    language: str  # the text's language
    # The language this customer gets from the template's active texts (see ``text_for``).
    customer_gets: str
    days_past_due: int


def _parts(customer: Customer, as_of: dt.date) -> tuple[Recipient, AccountItems, int]:
    party = parties_for([customer.pk])[customer.pk]
    account = account_items([customer.pk], as_of)[customer.pk]
    days = max((i.days_past_due for i in account.past_due_items), default=0)
    return party, account, days


def template_preview(*, text: TemplateText, customer: Customer, as_of: dt.date) -> Preview:
    """``text`` (saved or not) filled for ``customer`` on ``as_of``; the days past due are the
    oldest past-due item's, as a strategy step firing today would see them."""
    party, account, days = _parts(customer, as_of)
    rendered = render_reminder(text=text, party=party, account=account, days_past_due=days)
    gets = text_for(text.code, party.language, active_texts())
    return Preview(
        customer=customer,
        party=party,
        rendered=rendered,
        language=text.language,
        customer_gets=gets.language if gets else message_language(party.language),
        days_past_due=days,
    )


def _letter_page(*, text: TemplateText, customer: Customer, as_of: dt.date) -> str:
    party, account, days = _parts(customer, as_of)
    rendered = render_reminder(text=text, party=party, account=account, days_past_due=days)
    return letter_page(
        rendered=rendered,
        language=text.language,
        party=party,
        account=account,
        kind=text.code,
    )


def preview_pdf(*, text: TemplateText, customer: Customer, as_of: dt.date) -> bytes:
    """The letter ``text`` makes for ``customer``, as PDF."""
    return pdf(_letter_page(text=text, customer=customer, as_of=as_of))


def preview_docx(*, text: TemplateText, customer: Customer, as_of: dt.date) -> bytes:
    """The letter ``text`` makes for ``customer``, as a Word document."""
    return letter_docx(_letter_page(text=text, customer=customer, as_of=as_of))


def message_docx(message: OutboxMessage) -> bytes:
    """A queued or sent letter as a Word document, to edit by hand."""
    party = parties_for([message.customer_id])[message.customer_id]
    account = account_items([message.customer_id], message.as_of)[message.customer_id]
    page = letter_page(
        rendered=Rendered(message.subject, message.body, message.html),
        language=message.language,
        party=party,
        account=account,
        kind=message.template_code,
    )
    return letter_docx(page)
