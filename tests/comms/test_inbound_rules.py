"""The rules that read a customer's email (pure: no database): what it is about, the promised
amount and date in English, Spanish and Portuguese, the quoted text left out, delivery reports
and automatic replies recognised, the mailbox URL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.comms.inbound.imap_url import imap_url_config
from openar.comms.inbound.parsing import html_to_text, parse_message, reply_text
from openar.comms.inbound.rules import classify, find_amount, find_date
from tests.comms import mail_samples as mail

TUESDAY = dt.date(2026, 6, 30)


def _kind(text, subject="Re: Payment reminder", **kw):
    return classify(subject=subject, text=text, received_on=TUESDAY, currencies=("USD",), **kw)


@pytest.mark.parametrize(
    ("text", "amount", "currency", "date"),
    [
        ("we will pay 12,500.00 on 15 July", "12500.00", "USD", dt.date(2026, 7, 15)),
        ("We'll transfer USD 4,000 on July 3rd.", "4000", "USD", dt.date(2026, 7, 3)),
        ("Payment will be made on 2026-07-10 for $980.50", "980.50", "USD", dt.date(2026, 7, 10)),
        ("I will pay €1.250,00 tomorrow", "1250.00", "EUR", dt.date(2026, 7, 1)),
        ("pagaremos el 15/07 $12.500,00", "12500.00", "USD", dt.date(2026, 7, 15)),
        (
            "Realizaremos el pago de 3.400 dólares el 20 de julio",
            "3400",
            "USD",
            dt.date(2026, 7, 20),
        ),
        ("Vamos a pagar 1.500,50 MXN el viernes", "1500.50", "MXN", dt.date(2026, 7, 3)),
        (
            "Efetuaremos o pagamento de R$ 2.300,00 em 10/07/2026",
            "2300.00",
            "BRL",
            dt.date(2026, 7, 10),
        ),
        ("we will pay the balance at the end of the month", None, "", dt.date(2026, 6, 30)),
    ],
)
def test_promises_with_their_amount_and_date(text, amount, currency, date):
    verdict = _kind(text)
    assert verdict.kind == "promise"
    assert verdict.amount == (Decimal(amount) if amount else None)
    if amount:
        assert verdict.currency == currency
    assert verdict.promised_date == date


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("We dispute invoice INV-1, the price is wrong.", "dispute"),
        ("The goods arrived damaged, we will not pay.", "dispute"),
        ("No estamos de acuerdo con la factura 123: la mercancía llegó dañada.", "dispute"),
        ("Não concordamos com a fatura INV-9.", "dispute"),
        ("Please find our remittance advice attached.", "remittance"),
        ("We have paid INV-1 by wire today.", "remittance"),
        ("Adjunto comprobante de pago de la factura 55.", "remittance"),
        ("Ya hemos pagado la factura.", "remittance"),
        ("Could you send us a copy of invoice INV-7?", "invoice_copy"),
        ("We never received the invoice, please resend it.", "invoice_copy"),
        ("¿Nos pueden enviar la factura 7 de nuevo? No la recibimos.", "invoice_copy"),
        ("Por favor, copia de la factura 7.", "invoice_copy"),
        ("Podem enviar uma cópia da fatura?", "invoice_copy"),
        ("Thanks, noted. Who is my contact for statements?", "other"),
    ],
)
def test_kinds_in_english_spanish_and_portuguese(text, kind):
    assert _kind(text).kind == kind


def test_automatic_and_bounce_flags_win():
    assert _kind("We will pay 100.00 tomorrow", auto_reply=True).kind == "auto_reply"
    assert _kind("anything", bounce=True).kind == "bounce"


def test_numbers_that_are_not_money_are_not_taken_for_amounts():
    assert find_amount("invoice INV-1234 due 15/07", "en") == (None, "")
    assert find_amount("on 15.07.2026 we pay", "es") == (None, "")
    assert find_amount("we pay 3 invoices", "en") == (None, "")
    assert find_amount("12.500 pesos", "es", ("MXN",)) == (Decimal("12500"), "MXN")


def test_dates_read_as_each_language_writes_them():
    assert find_date("el 05/07", "es", TUESDAY) == dt.date(2026, 7, 5)
    assert find_date("on 07/05", "en", TUESDAY) == dt.date(2026, 7, 5)  # month first: July 5
    assert find_date("on 7/15", "en", TUESDAY) == dt.date(2026, 7, 15)
    assert find_date("15 de julho", "pt", TUESDAY) == dt.date(2026, 7, 15)
    assert find_date("el 3 de enero", "es", TUESDAY) == dt.date(2027, 1, 3)  # next January
    assert find_date("mañana", "es", TUESDAY) == dt.date(2026, 7, 1)
    assert find_date("next Monday", "en", TUESDAY) == dt.date(2026, 7, 6)
    assert find_date("no date here", "en", TUESDAY) is None


def test_only_what_the_customer_wrote_is_read():
    parsed = parse_message(mail.outlook_promise(), max_attachment_bytes=1000)
    mine = reply_text(parsed.text)
    assert mine.endswith("Acme Inc.")
    assert "Please pay 1,200.00 USD" not in mine
    quoted = "Thanks!\n\nEl lun, 29 jun 2026 a las 10:15, AR <ar@example.com> escribió:\n> Pague"
    assert reply_text(quoted) == "Thanks!"
    assert reply_text("> quoted only\nOk, we will pay.") == "Ok, we will pay."
    # The quoted reminder says "past due" and "pay": the reply itself is a dispute.
    gmail = parse_message(
        mail.gmail_dispute(token_address="ar@example.com"), max_attachment_bytes=1
    )
    assert _kind(reply_text(gmail.text)).kind == "dispute"


def test_delivery_reports_name_the_refused_recipient_and_message():
    postfix = parse_message(mail.postfix_dsn(), max_attachment_bytes=1000).report
    assert postfix is not None and postfix.original_message_id == mail.OUR_ID
    assert [(r.address, r.status, r.hard) for r in postfix.recipients] == [
        ("ap@acme.example", "5.1.1", True)
    ]
    exchange = parse_message(
        mail.exchange_dsn(original_id="<9@x>", recipient="bad@sol.example"),
        max_attachment_bytes=1000,
    )
    assert exchange.report is not None
    assert exchange.report.original_message_id == "<9@x>"
    assert exchange.report.failed[0].address == "bad@sol.example"
    assert exchange.auto_reply == ""  # a bounce, not an out-of-office


def test_automatic_replies_by_header_or_subject():
    oof = parse_message(mail.out_of_office(), max_attachment_bytes=1000)
    assert oof.auto_reply == "Auto-Submitted: auto-replied"
    es = parse_message(mail.spanish_autoreply(sender="a@b.example"), max_attachment_bytes=1000)
    assert es.auto_reply == "X-Autoreply"
    plain = parse_message(mail.stranger(), max_attachment_bytes=1000)
    assert plain.auto_reply == ""


def test_broken_mail_is_read_without_raising():
    parsed = parse_message(mail.garbage(), max_attachment_bytes=1000)
    assert parsed.from_address == "" and parsed.report is None


def test_html_to_text_keeps_blocks_and_drops_styles():
    html = "<style>p{x:1}</style><p>Hola&nbsp;equipo</p><div>Pagaremos<br>mañana</div>"
    text = html_to_text(html)
    assert "p{x:1}" not in text
    assert [line for line in text.splitlines() if line] == ["Hola equipo", "Pagaremos", "mañana"]


def test_imap_url():
    config = imap_url_config("imaps://ar%40example.com:p%40ss@mail.example.com/Cobranza")
    assert (config.host, config.port, config.user, config.password, config.folder) == (
        "mail.example.com",
        993,
        "ar@example.com",
        "p@ss",
        "Cobranza",
    )
    assert config.ssl and not config.starttls
    plain = imap_url_config("imap://u:p@host?starttls=1&timeout=5")
    assert (plain.port, plain.folder, plain.starttls, plain.timeout) == (143, "INBOX", True, 5.0)
    with pytest.raises(ValueError, match="unknown scheme 'pop3'") as exc:
        imap_url_config("pop3://u:secret@host")
    assert "secret" not in str(exc.value)
    with pytest.raises(ValueError, match="no user"):
        imap_url_config("imap://host/INBOX")
