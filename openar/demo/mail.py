"""Demo mail (``openar demo-mail``): what customers write back the day the demo's reminders go
out, as ``.eml`` files in the demo's mailbox folder (``OPENAR_IMAP_URL``, a ``file://`` folder
under ``var/`` in demo mode), for ``openar comms fetch`` to read like any mailbox: replies that
promise to pay, ask for a copy of an invoice, dispute invoices, send a remittance advice or say
their author is away, in the customer's language (English or Spanish); a delivery report for an
address that bounced; and mail no account matches (a supplier, customers writing from addresses
not on file). Deterministic for a seed and date; built from the day's sent emails and the
customers' open items, nothing else is written."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from openar.comms.dispute_letters import TEMPLATE_CODE as DISPUTE_LETTER
from openar.comms.inbound.imap_url import imap_url_config
from openar.comms.models import MailboxState, OutboxMessage
from openar.ledger.models import Customer, Document

# What the day's emailed customers write back, in this order (one reply each).
ROLES = (
    "promise", "dispute", "invoice_copy", "bounce", "auto_reply", "remittance", "dispute",
    "other", "promise", "promise",
)  # fmt: skip
_MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre")  # fmt: skip
_NAMES = (
    "Laura Gómez", "Peter Hall", "Ana Torres", "James Reed", "Lucía Fernández", "Mark Evans",
    "Sofía Ramírez", "Helen Ward", "Diego Morales", "Claire Bennett",
)  # fmt: skip


@dataclass
class _Account:
    customer: Customer
    sent: OutboxMessage
    items: list[Document]

    @property
    def spanish(self) -> bool:
        return (self.customer.language or "").startswith("es")

    @property
    def address(self) -> str:
        return self.sent.to_address

    @property
    def message_id(self) -> str:
        return self.sent.message_id or ""


def mailbox_folder() -> tuple[Path, str]:
    """The demo's mailbox: the folder ``OPENAR_IMAP_URL`` names (``file:///path``), and its key."""
    config = imap_url_config(settings.OPENAR_IMAP_URL or "file:///")
    if not config.path:
        raise ValueError("the demo writes its mail to a folder: set OPENAR_IMAP_URL=file:///path")
    return Path(config.path), config.key


def demo_mail(*, as_of: dt.date, seed: int) -> dict[str, Any]:
    """Write the day's customer mail into the demo mailbox folder; returns what was written."""
    folder, key = mailbox_folder()
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}:{as_of.isoformat()}:mail")
    accounts = _accounts(as_of)
    rng.shuffle(accounts)
    # Answers come in after the reminder went out, and before now (the mailbox is read next).
    now = timezone.now() - dt.timedelta(seconds=5)
    mails: list[tuple[str, bytes]] = []
    for role, account in zip(ROLES, accounts, strict=False):
        sent_at = account.sent.sent_at or now - dt.timedelta(hours=1)
        when = min(sent_at + dt.timedelta(seconds=rng.randint(40, 5400)), now)
        mails.append((role, _WRITERS[role](account, when, as_of, rng)))
    for role, writer in _STRANGERS:
        when = now - dt.timedelta(seconds=rng.randint(60, 3600))
        raw = writer(accounts, when, as_of, rng)
        if raw:
            mails.append((role, raw))
    first = _next_number(folder, key)
    for offset, (_role, raw) in enumerate(mails):
        (folder / f"{first + offset:06d}.eml").write_bytes(raw)
    kinds: dict[str, int] = {}
    for role, _raw in mails:
        kinds[role] = kinds.get(role, 0) + 1
    return {"written": len(mails), "folder": str(folder), "kinds": kinds}


def _accounts(as_of: dt.date) -> list[_Account]:
    """The customers emailed today with past-due items not in dispute, one entry each."""
    seen: set[int] = set()
    out: list[_Account] = []
    sent = (
        OutboxMessage.objects.filter(channel="email", status="sent", as_of=as_of)
        .exclude(message_id="")
        .exclude(template_code=DISPUTE_LETTER)  # customers answer the reminders, not these
        .select_related("customer")
        .order_by("id")
    )
    for message in sent:
        address = message.to_address
        # Addresses with non-ASCII domains are left out: a mail program would send them as IDNA.
        if message.customer_id in seen or "@" not in address or not address.isascii():
            continue
        items = list(
            Document.objects.filter(
                customer_id=message.customer_id,
                document_type="invoice",
                open_amount__gt=0,
                cleared_date__isnull=True,
                due_date__lt=as_of,
                disputed=False,
            ).order_by("due_date", "document_ref")[:3]
        )
        if items:
            seen.add(message.customer_id)
            out.append(_Account(message.customer, message, items))
    return out


def _next_number(folder: Path, key: str) -> int:
    """File numbers only grow: past the files there and what the mailbox already read."""
    numbers = [int(p.stem) for p in folder.glob("*.eml") if p.stem.isdigit()]
    read = MailboxState.objects.filter(key=key).values_list("last_uid", flat=True).first()
    return max([0, read or 0, *numbers]) + 1


# --- writing ---------------------------------------------------------------------------------


def _ours() -> str:
    return parseaddr(settings.OPENAR_EMAIL_FROM)[1] or "ar@openar.example"


def _message_id(seed_text: str, domain: str) -> str:
    digest = hashlib.sha1(seed_text.encode()).hexdigest()[:16]
    return f"<{digest}@{domain}>"


def _amount(value: Decimal, spanish: bool) -> str:
    text = f"{value:,.2f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") if spanish else text


def _day(day: dt.date, spanish: bool) -> str:
    return f"{day.day} de {_MONTHS_ES[day.month - 1]}" if spanish else f"{day.day} {day:%B}"


def _refs(items: list[Document]) -> str:
    refs = [d.document_ref for d in items]
    return refs[0] if len(refs) == 1 else ", ".join(refs[:-1]) + " & " + refs[-1]


def _quote(account: _Account, when: dt.datetime) -> str:
    sent_at = account.sent.sent_at or when - dt.timedelta(hours=1)
    stamp = format_datetime(sent_at)
    head = (
        f"El {stamp}, {_ours()} escribió:" if account.spanish else f"On {stamp}, {_ours()} wrote:"
    )
    body = [f"> {line}".rstrip() for line in (account.sent.body or "").splitlines()[:12]]
    return "\n".join([head, *body])


def _mail(
    *,
    sender: str,
    name: str,
    subject: str,
    text: str,
    when: dt.datetime,
    message_id: str,
    in_reply_to: str = "",
    headers: dict[str, str] | None = None,
    attachment: tuple[str, str, bytes] | None = None,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = Address(display_name=name, addr_spec=sender)
    mail["To"] = _ours()
    mail["Subject"] = subject
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    for key, value in (headers or {}).items():
        mail[key] = value
    mail.set_content(text)
    if attachment is not None:
        filename, mime, content = attachment
        main, sub = mime.split("/")
        mail.add_attachment(content, maintype=main, subtype=sub, filename=filename)
    return mail.as_bytes()


def _reply(account: _Account, when: dt.datetime, rng: random.Random, text: str,
           **kw: Any) -> bytes:  # fmt: skip
    spanish = account.spanish
    name = _NAMES[rng.randrange(len(_NAMES))]
    prefix = "RE: " if spanish else "Re: "
    sign = "Saludos," if spanish else "Best regards,"
    body = f"{text}\n\n{sign}\n{name}\n{account.customer.name}\n\n{_quote(account, when)}\n"
    domain = account.address.rsplit("@", 1)[-1]
    return _mail(
        sender=account.address,
        name=name,
        subject=prefix + account.sent.subject,
        text=body,
        when=when,
        message_id=_message_id(f"{account.message_id}:{kw.get('role', '')}", domain),
        in_reply_to=account.message_id,
        headers=kw.get("headers"),
        attachment=kw.get("attachment"),
    )


def _promise(account: _Account, when: dt.datetime, as_of: dt.date, rng: random.Random) -> bytes:
    items = account.items[: rng.randint(1, len(account.items))]
    total = sum((d.open_amount for d in items), Decimal(0))
    day = as_of + dt.timedelta(days=rng.choice((4, 7, 9, 14)))
    cur, amount = items[0].currency, _amount(total, account.spanish)
    if account.spanish:
        text = (
            f"Buenos días:\n\nDisculpen la demora. Pagaremos {amount} {cur} el "
            f"{_day(day, True)} por las facturas {_refs(items)}; el pago ya está aprobado."
        )
    else:
        text = (
            f"Hello,\n\nSorry for the delay. We will pay {amount} {cur} on {_day(day, False)} "
            f"for invoices {_refs(items)}; the payment run is approved."
        )
    return _reply(account, when, rng, text, role="promise")


_DISPUTES_EN = (
    "the goods arrived damaged and we sent photos to your sales rep last week",
    "you billed us twice for the same delivery",
    "the price is higher than the one in our contract",
)
_DISPUTES_ES = (
    "el precio no corresponde a la lista de precios pactada",
    "no hemos recibido la mercancía de ese pedido",
    "la mercancía llegó dañada; adjuntamos fotos",
)


def _dispute(account: _Account, when: dt.datetime, as_of: dt.date, rng: random.Random) -> bytes:
    item = account.items[0]
    if account.spanish:
        why = _DISPUTES_ES[rng.randrange(len(_DISPUTES_ES))]
        text = (
            f"Buenos días:\n\nNo estamos de acuerdo con la factura {item.document_ref}: {why}. "
            "Por favor envíennos una nota de crédito; el resto de las facturas se pagará "
            "con normalidad."
        )
    else:
        why = _DISPUTES_EN[rng.randrange(len(_DISPUTES_EN))]
        text = (
            f"Hi,\n\nWe dispute invoice {item.document_ref}: {why}. We will not pay it until "
            "this is sorted out."
        )
    return _reply(account, when, rng, text, role="dispute")


def _invoice_copy(account: _Account, when: dt.datetime, as_of: dt.date,
                  rng: random.Random) -> bytes:  # fmt: skip
    item = account.items[-1]
    if account.spanish:
        text = (
            f"Hola:\n\nNo recibimos la factura {item.document_ref}. ¿Nos pueden enviar una "
            "copia de la factura en PDF, por favor? Sin ella no podemos programar el pago."
        )
    else:
        text = (
            f"Hello,\n\nWe cannot find invoice {item.document_ref} in our system. Could you send "
            "us a copy of the invoice, please? Our AP team needs the PDF to book it."
        )
    return _reply(account, when, rng, text, role="invoice_copy")


def _remittance(account: _Account, when: dt.datetime, as_of: dt.date,
                rng: random.Random) -> bytes:  # fmt: skip
    items = account.items[:2]
    total = sum((d.open_amount for d in items), Decimal(0))
    amount = _amount(total, account.spanish)
    cur = items[0].currency
    lines = "invoice,amount,currency\n" + "".join(
        f"{d.document_ref},{d.open_amount},{d.currency}\n" for d in items
    )
    if account.spanish:
        text = (
            f"Buenos días:\n\nLes enviamos el aviso de pago: hemos pagado las facturas "
            f"{_refs(items)} por {amount} {cur} mediante transferencia. Adjuntamos el detalle."
        )
    else:
        text = (
            f"Hello,\n\nPlease find our remittance advice attached: invoices {_refs(items)}, "
            f"{amount} {cur}, paid by wire transfer today."
        )
    return _reply(
        account, when, rng, text, role="remittance",
        attachment=("remittance.csv", "text/csv", lines.encode()),
    )  # fmt: skip


def _auto_reply(account: _Account, when: dt.datetime, as_of: dt.date,
                rng: random.Random) -> bytes:  # fmt: skip
    back = as_of + dt.timedelta(days=rng.choice((5, 8, 12)))
    domain = account.address.rsplit("@", 1)[-1]
    if account.spanish:
        subject = f"Respuesta automática: {account.sent.subject}"
        text = (
            f"Estoy fuera de la oficina hasta el {_day(back, True)}, con acceso limitado al "
            f"correo. Para asuntos urgentes escriba a tesoreria@{domain}."
        )
    else:
        subject = f"Automatic reply: {account.sent.subject}"
        text = (
            f"I am out of the office until {_day(back, False)} with limited access to email. "
            f"For urgent matters please contact treasury@{domain}."
        )
    return _mail(
        sender=account.address, name=account.customer.name, subject=subject, text=text,
        when=when, message_id=_message_id(f"{account.message_id}:auto", domain),
        in_reply_to=account.message_id, headers={"Auto-Submitted": "auto-replied"},
    )  # fmt: skip


def _other(account: _Account, when: dt.datetime, as_of: dt.date, rng: random.Random) -> bytes:
    domain = account.address.rsplit("@", 1)[-1]
    if account.spanish:
        text = (
            "Hola:\n\nA partir de este mes las cuentas por pagar las lleva nuestra oficina "
            f"central: escriban por favor a cuentasporpagar@{domain}."
        )
    else:
        text = (
            "Hi,\n\nFrom this month our accounts payable is handled by our head office: please "
            f"write to payables@{domain} from now on."
        )
    return _reply(account, when, rng, text, role="other")


def _bounce(account: _Account, when: dt.datetime, as_of: dt.date, rng: random.Random) -> bytes:
    """A Postfix delivery report: the address no longer exists."""
    to, host = account.address, account.address.rsplit("@", 1)[-1]
    boundary = hashlib.sha1(account.message_id.encode()).hexdigest()[:12]
    stamp = format_datetime(when)
    text = f"""Return-Path: <>
Date: {stamp}
From: MAILER-DAEMON@mx.openar.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {_ours()}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{boundary}/mx.openar.example"
Message-Id: {_message_id(account.message_id + ":dsn", "mx.openar.example")}

This is a MIME-encapsulated message.

--{boundary}/mx.openar.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.openar.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<{to}>: host mx.{host} said: 550 5.1.1 <{to}>: Recipient address
    rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)

--{boundary}/mx.openar.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.openar.example
Arrival-Date: {stamp}

Final-Recipient: rfc822; {to}
Original-Recipient: rfc822;{to}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.{host}
Diagnostic-Code: smtp; 550 5.1.1 <{to}>: Recipient address rejected: User unknown

--{boundary}/mx.openar.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: {settings.OPENAR_EMAIL_FROM}
To: {to}
Subject: {Header(account.sent.subject, "utf-8").encode()}
Message-ID: {account.message_id}

--{boundary}/mx.openar.example--
"""
    return text.replace("\n", "\r\n").encode("utf-8")


_WRITERS: dict[str, Callable[[_Account, dt.datetime, dt.date, random.Random], bytes]] = {
    "promise": _promise,
    "dispute": _dispute,
    "invoice_copy": _invoice_copy,
    "remittance": _remittance,
    "auto_reply": _auto_reply,
    "other": _other,
    "bounce": _bounce,
}


# --- mail no account matches -----------------------------------------------------------------


def _supplier(accounts: list[_Account], when: dt.datetime, as_of: dt.date,
              rng: random.Random) -> bytes:  # fmt: skip
    return _mail(
        sender="offers@northwind-office.example", name="Northwind Office Supplies",
        subject="Your quote for 40 office chairs",
        text="Dear customer,\n\nplease find our quote for 40 office chairs below. The offer is "
        "valid until the end of the month.\n\nKind regards,\nNorthwind Sales",
        when=when, message_id=_message_id(f"{as_of}:supplier", "northwind-office.example"),
    )  # fmt: skip


def _new_contact(accounts: list[_Account], when: dt.datetime, as_of: dt.date,
                 rng: random.Random) -> bytes:  # fmt: skip
    """A customer's new AP clerk writes from an address not on file, with no thread."""
    spanish = [a for a in accounts[len(ROLES) :] if a.spanish] or [a for a in accounts if a.spanish]
    account = spanish[0] if spanish else (accounts[-1] if accounts else None)
    if account is None:
        return b""
    domain = account.address.rsplit("@", 1)[-1]
    item = account.items[0]
    day = as_of + dt.timedelta(days=6)
    total = _amount(item.open_amount, True)
    text = (
        f"Buenos días:\n\nSoy la nueva responsable de pagos de {account.customer.name}. "
        f"Pagaremos la factura {item.document_ref} por {total} {item.currency} el "
        f"{_day(day, True)}.\n\nSaludos,\nMarisol Vega"
        if account.spanish
        else f"Hello,\n\nI am the new AP clerk at {account.customer.name}. We will pay invoice "
        f"{item.document_ref} ({_amount(item.open_amount, False)} {item.currency}) on "
        f"{_day(day, False)}.\n\nRegards,\nMarisol Vega"
    )
    return _mail(
        sender=f"m.vega@{domain.replace('.example', '-group.example')}", name="Marisol Vega",
        subject="Pago de factura" if account.spanish else "Invoice payment",
        text=text, when=when, message_id=_message_id(f"{as_of}:new-contact", domain),
    )  # fmt: skip


def _forwarded(accounts: list[_Account], when: dt.datetime, as_of: dt.date,
               rng: random.Random) -> bytes:  # fmt: skip
    """A reminder forwarded inside the customer's company, answered from a personal address."""
    if len(accounts) < 2:
        return b""
    account = accounts[-2] if len(accounts) > len(ROLES) else accounts[0]
    item = account.items[-1]
    text = (
        f"Hi,\n\nour controller forwarded me your reminder. Could you resend invoice "
        f"{item.document_ref}? I can't find it anywhere.\n\nThanks,\nTom\n\n"
        f"---------- Forwarded message ---------\nSubject: {account.sent.subject}\n"
    )
    return _mail(
        sender="tom.baker.home@mailbox.example", name="Tom Baker",
        subject=f"Fwd: {account.sent.subject}", text=text, when=when,
        message_id=_message_id(f"{as_of}:forwarded", "mailbox.example"),
    )  # fmt: skip


_STRANGERS = (("unmatched", _supplier), ("unmatched", _new_contact), ("unmatched", _forwarded))
