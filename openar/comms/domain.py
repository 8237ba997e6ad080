"""Message templates (English and Spanish) and their rendering: pure, no database.

A template is a subject and a body with ``{placeholders}``; ``render_message`` fills them from a
``MessageContext``. The set is small on purpose: the communications issue brings editable
templates; until then these are the reminder, the past-due notice and the second-notice letter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "es")
SENDERS = {"en": "Accounts Receivable", "es": "Cuentas por Cobrar"}

REMINDER = "reminder"
PAST_DUE_NOTICE = "past_due_notice"
SECOND_NOTICE = "second_notice"


@dataclass(frozen=True)
class Template:
    code: str
    channel: str  # email or letter
    subject: dict[str, str]
    body: dict[str, str]


TEMPLATES: dict[str, Template] = {
    REMINDER: Template(
        REMINDER,
        "email",
        subject={
            "en": "Payment reminder: {customer_name} ({customer_ref})",
            "es": "Recordatorio de pago: {customer_name} ({customer_ref})",
        },
        body={
            "en": (
                "Dear {customer_name},\n\n"
                "This is a friendly reminder that invoices on your account {customer_ref} fall "
                "due soon. Your open balance is {balance} {currency}.\n\n"
                "{items}\n\n"
                "If you have already paid, thank you, and please ignore this message.\n\n"
                "Kind regards,\n{sender}"
            ),
            "es": (
                "Estimado cliente {customer_name}:\n\n"
                "Le recordamos que próximamente vencen facturas de su cuenta {customer_ref}. "
                "Su saldo pendiente es de {balance} {currency}.\n\n"
                "{items}\n\n"
                "Si ya realizó el pago, le agradecemos y le rogamos ignorar este mensaje.\n\n"
                "Atentamente,\n{sender}"
            ),
        },
    ),
    PAST_DUE_NOTICE: Template(
        PAST_DUE_NOTICE,
        "email",
        subject={
            "en": "Past-due notice: {customer_name} ({customer_ref})",
            "es": "Aviso de saldo vencido: {customer_name} ({customer_ref})",
        },
        body={
            "en": (
                "Dear {customer_name},\n\n"
                "Our records show {past_due} {currency} past due on your account {customer_ref}, "
                "the oldest item {days_past_due} days past its due date (open balance "
                "{balance} {currency}).\n\n"
                "{items}\n\n"
                "Please arrange payment or let us know when we can expect it. If you have "
                "already paid, please send us the remittance details.\n\n"
                "Kind regards,\n{sender}"
            ),
            "es": (
                "Estimado cliente {customer_name}:\n\n"
                "Según nuestros registros, su cuenta {customer_ref} tiene {past_due} {currency} "
                "vencidos; la partida más antigua lleva {days_past_due} días de atraso (saldo "
                "pendiente {balance} {currency}).\n\n"
                "{items}\n\n"
                "Le rogamos realizar el pago o indicarnos cuándo podemos esperarlo. Si ya pagó, "
                "por favor envíenos el detalle del pago.\n\n"
                "Atentamente,\n{sender}"
            ),
        },
    ),
    SECOND_NOTICE: Template(
        SECOND_NOTICE,
        "letter",
        subject={
            "en": "Second notice: overdue account {customer_ref}",
            "es": "Segundo aviso: cuenta vencida {customer_ref}",
        },
        body={
            "en": (
                "Dear Sir or Madam,\n\n"
                "Despite our previous reminders, {past_due} {currency} remains past due on your "
                "account {customer_ref}; the oldest item is {days_past_due} days overdue.\n\n"
                "{items}\n\n"
                "Please pay the overdue amount within 10 days of this letter. Otherwise we may "
                "have to put further deliveries on hold.\n\n"
                "Yours faithfully,\n{sender}"
            ),
            "es": (
                "Estimados señores:\n\n"
                "A pesar de nuestros avisos anteriores, su cuenta {customer_ref} mantiene "
                "{past_due} {currency} vencidos; la partida más antigua lleva {days_past_due} "
                "días de atraso.\n\n"
                "{items}\n\n"
                "Les rogamos pagar el importe vencido dentro de los 10 días siguientes a esta "
                "carta. De lo contrario, podríamos tener que retener próximas entregas.\n\n"
                "Atentamente,\n{sender}"
            ),
        },
    ),
}


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


def template_for(*, kind: str, step_template: str, days_past_due: int | None) -> str:
    """The template an email or letter action uses: the step's own when it names a known one,
    otherwise a reminder before due, a past-due notice after, and the second notice for letters."""
    if step_template in TEMPLATES:
        return step_template
    if kind == "letter":
        return SECOND_NOTICE
    return PAST_DUE_NOTICE if (days_past_due or 0) > 0 else REMINDER


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


def render_message(code: str, language: str, ctx: MessageContext) -> RenderedMessage:
    template = TEMPLATES[code]
    lang = language if language in template.body else DEFAULT_LANGUAGE
    values = {
        "customer_name": ctx.customer_name,
        "customer_ref": ctx.customer_ref,
        "currency": ctx.currency,
        "balance": amount_text(ctx.balance, lang),
        "past_due": amount_text(ctx.past_due, lang),
        "days_past_due": ctx.days_past_due,
        "date": ctx.as_of.isoformat(),
        "sender": ctx.sender or SENDERS[lang],
        "items": ctx.items,
    }
    return RenderedMessage(
        code,
        lang,
        template.subject[lang].format(**values),
        template.body[lang].format(**values),
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
        currencies = sorted({i.currency for i in self.items} | set(self.unapplied))
        out = []
        for cur in currencies:
            mine = [i for i in self.items if i.currency == cur]
            past = sum(
                (i.open_amount for i in mine if i.open_amount > 0 and i.days_past_due > 0),
                Decimal(0),
            )
            disputed = sum(
                (
                    i.open_amount
                    for i in mine
                    if i.open_amount > 0 and i.days_past_due > 0 and i.disputed
                ),
                Decimal(0),
            )
            not_due = sum(
                (i.open_amount for i in mine if i.open_amount > 0 and i.days_past_due <= 0),
                Decimal(0),
            )
            credits = sum((i.open_amount for i in mine if i.open_amount < 0), Decimal(0))
            unapplied = self.unapplied.get(cur, Decimal(0))
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
                    requested=max(asked + credits - unapplied, Decimal(0)),
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
