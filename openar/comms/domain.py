"""Message templates (English and Spanish) and their rendering: pure, no database.

A template is a subject and a body with ``{{ merge fields }}`` (``comms.merge``), kept in the
database with its versions; ``text_for`` picks the language a customer gets and
``render_message`` fills the fields from a ``MessageContext``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from openar.comms.merge import merge
from openar.core.money import quantize

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "es")
SENDERS = {"en": "Accounts Receivable", "es": "Cuentas por Cobrar"}

REMINDER = "reminder"
PAST_DUE_NOTICE = "past_due_notice"
SECOND_NOTICE = "second_notice"


@dataclass(frozen=True)
class TemplateText:
    """The text of a template in one language: its active version (``version_id`` None for the
    built-in text of a template that has no version)."""

    code: str
    language: str
    subject: str
    body: str
    version_id: int | None = None
    number: int = 0


@dataclass(frozen=True)
class MessageContext:
    customer_name: str
    customer_ref: str
    currency: str
    balance: str  # plain decimal strings with the currency's decimals ('1234.50')
    past_due: str
    days_past_due: int
    as_of: dt.date
    sender: str = ""  # empty: the accounts-receivable department, in the message language
    items: str = ""  # the list of items, already written out (text or a marker for HTML)
    amount_to_pay: str = "0"
    entity_name: str = ""
    collector_name: str = ""
    collector_email: str = ""


@dataclass(frozen=True)
class RenderedMessage:
    template_code: str
    language: str
    subject: str
    body: str


def message_language(customer_language: str) -> str:
    """The template language for a customer's language code ('es-MX' -> 'es'); English else."""
    code = (customer_language or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def template_for(
    *, kind: str, step_template: str, days_past_due: int | None, known: Iterable[str] = ()
) -> str:
    """The template an email or letter action uses: the step's own when it names a ``known``
    one, otherwise a reminder before due, a past-due notice after, and the second notice for
    letters."""
    if step_template and step_template in set(known):
        return step_template
    if kind == "letter":
        return SECOND_NOTICE
    return PAST_DUE_NOTICE if (days_past_due or 0) > 0 else REMINDER


def text_for(
    code: str, language: str, texts: Mapping[tuple[str, str], TemplateText]
) -> TemplateText | None:
    """The text of template ``code`` a customer of ``language`` gets: in that language when the
    template has it, else in English, else in the first language it has (alphabetically).
    None when the template has no text at all."""
    lang = message_language(language)
    for candidate in (lang, DEFAULT_LANGUAGE):
        if (code, candidate) in texts:
            return texts[(code, candidate)]
    others = sorted(key[1] for key in texts if key[0] == code)
    return texts[(code, others[0])] if others else None


# Thousands and decimal separators of amounts in a message, by language.
_SEPARATORS = {"en": (",", "."), "es": (".", ",")}


def amount_text(plain: str, language: str) -> str:
    """A plain decimal string ('-12345.60') written the language's way ('-12.345,60' in es)."""
    group, point = _SEPARATORS.get(language, _SEPARATORS[DEFAULT_LANGUAGE])
    sign = "-" if plain.startswith("-") else ""
    whole, _, fraction = plain.lstrip("-").partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        whole, tail = whole[:-3], whole[-3:]
        groups.insert(0, tail)
    text = group.join([whole, *groups])
    return f"{sign}{text}{point}{fraction}" if fraction else f"{sign}{text}"


# ``format(amount, ",f")`` groups with ',' and points with '.'; other languages swap them.
_SEPARATOR_TABLES = {
    lang: str.maketrans({",": group, ".": point}) for lang, (group, point) in _SEPARATORS.items()
}


def money_text(amount: Decimal, currency: str, language: str) -> str:
    """``amount_text(format_amount(amount, currency), language)`` in one step: the amount with
    its currency's decimals, written the language's way (a message prints dozens of them)."""
    text = format(quantize(amount, currency), ",f")
    table = _SEPARATOR_TABLES.get(language, _SEPARATOR_TABLES[DEFAULT_LANGUAGE])
    return text if language == DEFAULT_LANGUAGE else text.translate(table)


def merge_values(ctx: MessageContext, language: str) -> dict[str, str]:
    """The value of every merge field (``comms.merge.MERGE_FIELDS``) for one message: plain
    strings, amounts written the language's way."""
    return {
        "customer_name": ctx.customer_name,
        "customer_ref": ctx.customer_ref,
        "currency": ctx.currency,
        "balance": amount_text(ctx.balance, language),
        "past_due": amount_text(ctx.past_due, language),
        "amount_to_pay": amount_text(ctx.amount_to_pay, language),
        "days_past_due": str(ctx.days_past_due),
        "date": ctx.as_of.isoformat(),
        "sender": ctx.sender or SENDERS.get(language, SENDERS[DEFAULT_LANGUAGE]),
        "entity_name": ctx.entity_name,
        "collector_name": ctx.collector_name,
        "collector_email": ctx.collector_email,
        "items": ctx.items,
    }


def render_message(text: TemplateText, ctx: MessageContext) -> RenderedMessage:
    """Template ``text`` filled for one customer, in the text's language."""
    values = merge_values(ctx, text.language)
    return RenderedMessage(
        text.code, text.language, merge(text.subject, values), merge(text.body, values)
    )


# --- what a message lists -------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One open document on a message or statement (amounts as Decimal, document currency)."""

    document_ref: str
    document_type: str
    document_date: dt.date
    due_date: dt.date
    currency: str
    amount: Decimal
    open_amount: Decimal
    days_past_due: int
    disputed: bool
    reference: str = ""
    # The part of the open amount a dispute case contests (None: all of it, as when only the
    # ERP's flag says the item is disputed).
    disputed_amount: Decimal | None = None

    @property
    def in_dispute(self) -> Decimal:
        """What of the open amount is in dispute: shown, not asked for."""
        if not self.disputed or self.open_amount <= 0:
            return Decimal(0)
        if self.disputed_amount is None:
            return self.open_amount
        return min(max(self.disputed_amount, Decimal(0)), self.open_amount)

    @property
    def collectible(self) -> Decimal:
        """The open amount less what is in dispute: what is asked for."""
        return self.open_amount - self.in_dispute

    @property
    def partly_disputed(self) -> bool:
        return Decimal(0) < self.in_dispute < self.open_amount


@dataclass(frozen=True)
class CurrencyTotals:
    currency: str
    past_due: Decimal  # undisputed past-due invoices and debit memos: what is asked for
    disputed: Decimal  # past-due items in dispute: shown, not asked for
    not_due: Decimal
    credits: Decimal  # open credit memos and down payments (negative)
    unapplied: Decimal  # cash received and not applied yet (positive)
    balance: Decimal  # every open item
    requested: Decimal  # past due less credits and unapplied cash, never below zero


@dataclass(frozen=True)
class AccountItems:
    """The open items, credits and unapplied cash of one account on ``as_of``."""

    as_of: dt.date
    items: tuple[Item, ...]
    unapplied: dict[str, Decimal]

    @property
    def past_due_items(self) -> list[Item]:
        return [i for i in self.items if i.open_amount > 0 and i.days_past_due > 0]

    @property
    def credit_items(self) -> list[Item]:
        return [i for i in self.items if i.open_amount < 0]

    @property
    def listed_items(self) -> list[Item]:
        """What a reminder lists: the past-due items, or every open debit when none is past due;
        credits are listed apart."""
        past = self.past_due_items
        return past or [i for i in self.items if i.open_amount > 0]

    def totals(self) -> list[CurrencyTotals]:
        # One pass over the items: [past due, disputed past due, not due, credits] per currency.
        zero = Decimal(0)
        sums: dict[str, list[Decimal]] = {}
        for i in self.items:
            row = sums.get(i.currency)
            if row is None:
                row = sums[i.currency] = [zero, zero, zero, zero]
            amount = i.open_amount
            if amount > 0:
                if i.days_past_due > 0:
                    row[0] += amount
                    row[1] += i.in_dispute
                else:
                    row[2] += amount
            elif amount < 0:
                row[3] += amount
        out = []
        for cur in sorted(set(sums) | set(self.unapplied)):
            past, disputed, not_due, credits = sums.get(cur) or (zero, zero, zero, zero)
            unapplied = self.unapplied.get(cur, zero)
            asked = past - disputed
            out.append(
                CurrencyTotals(
                    currency=cur,
                    past_due=asked,
                    disputed=disputed,
                    not_due=not_due,
                    credits=credits,
                    unapplied=unapplied,
                    balance=past + not_due + credits,
                    requested=max(asked + credits - unapplied, zero),
                )
            )
        return out


def aging_rows(
    account: AccountItems, bounds: tuple[int, ...]
) -> tuple[list[str], list[tuple[str, list[Decimal], Decimal]]]:
    """Bucket names ('current', '1-30'... '120+') and, per currency, the open amount in each
    bucket and the total (credits fall in the bucket of their due date)."""
    names = ["current"]
    low = 1
    for high in bounds:
        names.append(f"{low}-{high}")
        low = high + 1
    names.append(f"{bounds[-1]}+" if bounds else "1+")

    def index(dpd: int) -> int:
        if dpd <= 0:
            return 0
        for i, high in enumerate(bounds):
            if dpd <= high:
                return i + 1
        return len(names) - 1

    rows = []
    for cur in sorted({i.currency for i in account.items}):
        cells = [Decimal(0)] * len(names)
        for item in account.items:
            if item.currency == cur:
                cells[index(item.days_past_due)] += item.open_amount
        rows.append((cur, cells, sum(cells, Decimal(0))))
    return names, rows
