"""Messages, letters and statements written out: the email's HTML part, the letter PDF and the
statement PDF (WeasyPrint) share one items table and payment block (``message_html``, written in
Python because the daily cycle renders tens of thousands of messages), in the message's language;
the letter and statement pages are HTML templates around them.

Amounts are formatted here, in the message language ('1.234,50' in Spanish), so the templates
only print. The plain-text part of an email is written from the same figures.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openar.comms.domain import (
    AccountItems,
    CurrencyTotals,
    Item,
    MessageContext,
    TemplateText,
    aging_rows,
    money_text,
    render_message,
)
from openar.comms.message_html import items_html, message_html, partly_disputed, payment_html
from openar.comms.selectors import PaymentAccount
from openar.core.money import format_amount

ITEMS_MARK = "\x00items\x00"


@dataclass
class Party:
    """Who a document is from (the entity and its letterhead) and to (the customer)."""

    customer_ref: str
    customer_name: str
    customer_currency: str
    postal_block: str
    entity_name: str
    letterhead: Any = None  # comms.models.Letterhead or None
    payment_accounts: list[PaymentAccount] = field(default_factory=list)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str  # the email's HTML part, or the page of a letter (before PDF)


_amt = money_text


def _item_row(item: Item, lang: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "ref": item.document_ref,
        "type": labels.get(item.document_type, item.document_type),
        "date": item.document_date.isoformat(),
        "due": item.due_date.isoformat(),
        "dpd": max(item.days_past_due, 0),
        "currency": item.currency,
        "open": _amt(item.open_amount, item.currency, lang),
        "disputed": item.disputed,
        "reference": item.reference,
        # Partly disputed: the part in dispute and the part still asked for, apart.
        "disputed_part": _amt(item.in_dispute, item.currency, lang) if item.partly_disputed else "",
        "collectible": _amt(item.collectible, item.currency, lang) if item.partly_disputed else "",
    }


_TYPE_LABELS = {
    "invoice": gettext_noop("Invoice"),
    "credit_memo": gettext_noop("Credit memo"),
    "debit_memo": gettext_noop("Debit memo"),
    "down_payment": gettext_noop("Down payment"),
}


@functools.cache
def _type_labels(language: str | None) -> dict[str, str]:
    # One gettext per label and language, not one per listed item.
    return {code: _(label) for code, label in _TYPE_LABELS.items()}


def _type_label(code: str) -> str:
    return _type_labels(translation.get_language()).get(code, code)


def _figures(
    account: AccountItems,
    lang: str,
    *,
    listed: list[Item],
    totals: list[CurrencyTotals] | None = None,
    aging: bool = True,
) -> dict[str, Any]:
    """The figures a document prints, amounts written in ``lang``; ``totals`` when the caller
    has them already, and without the aging table (``aging=False``), which a message lacks."""
    labels = _type_labels(translation.get_language())
    currency_totals = [
        {
            "currency": t.currency,
            "past_due": _amt(t.past_due, t.currency, lang),
            "disputed": _amt(t.disputed, t.currency, lang) if t.disputed else "",
            "credits": _amt(t.credits, t.currency, lang) if t.credits else "",
            "unapplied": _amt(-t.unapplied, t.currency, lang) if t.unapplied else "",
            "requested": _amt(t.requested, t.currency, lang),
            "balance": _amt(t.balance, t.currency, lang),
        }
        for t in (account.totals() if totals is None else totals)
    ]
    names, rows = aging_rows(account, tuple(settings.OPENAR_AGING_BUCKETS)) if aging else ([], [])
    return {
        "items": [_item_row(i, lang, labels) for i in listed],
        "credits": [_item_row(i, lang, labels) for i in account.credit_items],
        "unapplied": [
            {"currency": c, "amount": _amt(-v, c, lang)}
            for c, v in sorted(account.unapplied.items())
        ],
        "totals": currency_totals,
        "any_disputed": any(i.disputed for i in listed),
        "aging_names": [_("Current") if n == "current" else n for n in names],
        "aging": [
            {
                "currency": cur,
                "cells": [_amt(c, cur, lang) for c in cells],
                "total": _amt(total, cur, lang),
            }
            for cur, cells, total in rows
        ],
    }


@functools.cache
def _text_labels(language: str | None) -> dict[str, str]:
    # The plain-text part's words in ``language`` (the active one), looked up once.
    return {
        "due": _("due"),
        "disputed_mark": _("in dispute: not requested"),
        "past_due": _("past due"),
        "in_dispute": _("in dispute"),
        "credits": _("credits"),
        "unapplied": _("unapplied cash"),
        "to_pay": _("amount to pay"),
        "past_due_items": _("Past-due items"),
        "open_items": _("Open items"),
        "credits_available": _("Credits available"),
        "received": _("Payments received, not yet applied"),
        "totals": _("Totals by currency"),
        "how": _("How to pay"),
    }


def _items_text(fig: dict[str, Any]) -> str:
    words = _text_labels(translation.get_language())
    due, disputed_mark = words["due"], words["disputed_mark"]
    past_due, in_dispute, credits = words["past_due"], words["in_dispute"], words["credits"]
    unapplied, to_pay = words["unapplied"], words["to_pay"]
    lines = [words["past_due_items"] if fig["items"] else words["open_items"]]
    for row in fig["items"]:
        mark = f"  [{disputed_mark}]" if row["disputed"] else ""
        if row["disputed_part"]:
            mark = f"  [{partly_disputed(row)}]"
        lines.append(
            f"  {row['ref']:<14} {row['type']:<14} {due} {row['due']}  "
            f"{row['open']:>14} {row['currency']}{mark}"
        )
    if fig["credits"]:
        lines.append(words["credits_available"])
        lines.extend(
            f"  {row['ref']:<14} {row['type']:<14} {row['open']:>30} {row['currency']}"
            for row in fig["credits"]
        )
    if fig["unapplied"]:
        lines.append(words["received"])
        lines.extend(f"  {row['amount']:>45} {row['currency']}" for row in fig["unapplied"])
    lines.append(words["totals"])
    for t in fig["totals"]:
        lines.append(f"  {t['currency']}: {past_due} {t['past_due']}")
        if t["disputed"]:
            lines.append(f"       {in_dispute} {t['disputed']}")
        if t["credits"]:
            lines.append(f"       {credits} {t['credits']}")
        if t["unapplied"]:
            lines.append(f"       {unapplied} {t['unapplied']}")
        lines.append(f"       {to_pay} {t['requested']}")
    return "\n".join(lines)


def _payment_lines(party: Party) -> list[dict[str, str]]:
    return [
        {
            "currencies": ", ".join(a.currencies),
            "bank": a.bank_name or a.name,
            "account": a.account_number,
            "bic": a.bic,
        }
        for a in party.payment_accounts
    ]


def _payment_text(party: Party, rows: list[dict[str, str]]) -> str:
    if not rows:
        return ""
    lines = [_text_labels(translation.get_language())["how"]]
    for r in rows:
        bic = f" (BIC {r['bic']})" if r["bic"] else ""
        lines.append(f"  {r['currencies']}: {r['bank']} {r['account']}{bic}")
    lines.append(
        "  " + _("Please quote your account number %(ref)s.") % {"ref": party.customer_ref}
    )
    return "\n".join(lines)


def _paragraphs(body: str) -> list[dict[str, Any]]:
    """The body's paragraphs for HTML; the items block stands alone wherever it was written."""
    out: list[dict[str, Any]] = []
    for paragraph in body.split("\n\n"):
        pieces = paragraph.split(ITEMS_MARK)
        for i, piece in enumerate(pieces):
            if i:
                out.append({"items": True, "lines": []})
            piece = piece.strip("\n")
            if piece.strip():
                out.append({"items": False, "lines": piece.split("\n")})
    return out


def render_reminder(
    *,
    text: TemplateText,
    party: Party,
    account: AccountItems,
    days_past_due: int,
    sender: str = "",
) -> Rendered:
    """An email or letter from template ``text`` (one version, in its language): subject,
    plain text and HTML, listing the account's past-due items, credits and unapplied cash with
    totals by currency."""
    lang = text.language
    with translation.override(lang):
        cur = party.customer_currency
        currency_totals = account.totals()
        totals = {t.currency: t for t in currency_totals}
        if cur not in totals and totals:
            cur = max(totals, key=lambda c: totals[c].past_due)
        main = totals.get(cur)
        zero = Decimal(0)
        ctx = MessageContext(
            customer_name=party.customer_name,
            customer_ref=party.customer_ref,
            currency=cur,
            balance=format_amount(main.balance if main else zero, cur),
            past_due=format_amount(main.past_due if main else zero, cur),
            days_past_due=max(days_past_due, 0),
            as_of=account.as_of,
            sender=sender,
            items=ITEMS_MARK,
            amount_to_pay=format_amount(main.requested if main else zero, cur),
            entity_name=party.entity_name,
            collector_name=getattr(party, "collector_name", ""),
            collector_email=getattr(party, "collector_email", ""),
        )
        rendered = render_message(text, ctx)
        fig = _figures(
            account, lang, listed=account.listed_items, totals=currency_totals, aging=False
        )
        items_text = _items_text(fig)
        payment = _payment_lines(party)
        pay_text = _payment_text(party, payment)
        block = f"{items_text}\n\n{pay_text}" if pay_text else items_text
        plain = rendered.body.replace(ITEMS_MARK, block)
        html = message_html(
            lang=lang,
            paragraphs=_paragraphs(rendered.body),
            fig=fig,
            payment=payment,
            customer_ref=party.customer_ref,
        )
    return Rendered(rendered.subject, plain, html)


def letter_page(
    *, rendered: Rendered, language: str, party: Party, account: AccountItems, kind: str
) -> str:
    """The full HTML page of a letter (letterhead, address block, the message, aging, payment
    instructions), ready for ``pdf``."""
    with translation.override(language):
        fig = _figures(account, language, listed=account.listed_items)
        return render_to_string(
            "comms/documents/letter.html",
            {
                "lang": language,
                "kind": kind,
                "party": party,
                "letterhead": party.letterhead,
                "address_lines": [line for line in party.postal_block.split("\n") if line],
                "date": account.as_of.isoformat(),
                "subject": rendered.subject,
                "body_html": rendered.html,
                "fig": fig,
                "payment": _payment_lines(party),
            },
        )


def statement_page(*, language: str, party: Party, account: AccountItems) -> str:
    """The statement of account: every open item, the aging and the balance per currency."""
    with translation.override(language):
        fig = _figures(account, language, listed=[i for i in account.items if i.open_amount > 0])
        return render_to_string(
            "comms/documents/statement.html",
            {
                "lang": language,
                "party": party,
                "letterhead": party.letterhead,
                "address_lines": [line for line in party.postal_block.split("\n") if line],
                "date": account.as_of.isoformat(),
                "fig": fig,
                "items_html": items_html(fig),
                "payment_html": payment_html(_payment_lines(party), party.customer_ref),
            },
        )


def pdf(html: str) -> bytes:
    """HTML to PDF with WeasyPrint (no network: every style and image is inline)."""
    from openar.comms.pdfs import render_one

    return render_one(html)


def invoice_copy_page(*, language: str, party: Party, document: Any, as_of: Any) -> str:
    """A copy of one invoice written from the ledger (when the ERP's own PDF is not at hand):
    its number, dates, references and amounts, with the payment instructions."""
    with translation.override(language):
        title = _("Copy of %(type)s %(ref)s") % {
            "type": _type_label(document.document_type).lower(),
            "ref": document.document_ref,
        }
        return render_to_string(
            "comms/documents/invoice_copy.html",
            {
                "lang": language,
                "title": title,
                "party": party,
                "letterhead": party.letterhead,
                "address_lines": [line for line in party.postal_block.split("\n") if line],
                "date": as_of.isoformat(),
                "as_of": as_of.isoformat(),
                "doc": {
                    "ref": document.document_ref,
                    "type": _type_label(document.document_type),
                    "date": document.document_date.isoformat(),
                    "due": document.due_date.isoformat(),
                    "reference": document.reference,
                    "po_number": document.po_number,
                    "currency": document.currency,
                    "amount": _amt(document.amount, document.currency, language),
                    "open": _amt(document.open_amount, document.currency, language),
                },
                "payment_html": payment_html(_payment_lines(party), party.customer_ref),
            },
        )
