"""Mail as customers' programs and mail servers write it: Outlook and Gmail replies with the
reminder quoted below, an HTML-only Spanish reply, Postfix and Exchange delivery reports,
automatic replies, attachments (one too big), and a message that belongs to no account."""

from __future__ import annotations

import base64
import textwrap

OUR_ID = "<178.20260629101500.openar.17@example.com>"


def _crlf(text: str, **blocks: str) -> bytes:
    """Dedented, CRLF line ends; ``blocks`` (base64 bodies) replace ``@name@`` afterwards."""
    text = textwrap.dedent(text).lstrip("\n")
    for name, block in blocks.items():
        text = text.replace(f"@{name}@", block)
    return text.replace("\n", "\r\n").encode("utf-8")


def outlook_promise(*, in_reply_to: str = OUR_ID, to: str = "ar@example.com") -> bytes:
    return _crlf(f"""
    Received: from EX01.acme.example (10.1.2.3) by mx.example.com with ESMTPS
    From: "Dana Whitfield" <ap@acme.example>
    To: Accounts Receivable <{to}>
    Subject: RE: Payment reminder: Acme Inc. has 1,200.00 USD past due
    Thread-Topic: Payment reminder: Acme Inc. has 1,200.00 USD past due
    Thread-Index: AQHZr2xXk2u0aQ==
    Date: Tue, 30 Jun 2026 09:12:44 +0000
    Message-ID: <BY5PR11MB4033A1B2C3D4E5F6@BY5PR11MB4033.namprd11.prod.outlook.com>
    References: {in_reply_to}
    In-Reply-To: {in_reply_to}
    Content-Language: en-US
    X-MS-Has-Attach:
    MIME-Version: 1.0
    Content-Type: multipart/alternative;
    \tboundary="_000_BY5PR11MB4033_"

    --_000_BY5PR11MB4033_
    Content-Type: text/plain; charset="us-ascii"
    Content-Transfer-Encoding: quoted-printable

    Hello,

    Sorry for the delay. We will pay 12,500.00 on 15 July, the invoices are approv=
    ed.

    Best regards,
    Dana Whitfield | Accounts Payable | Acme Inc.

    ________________________________
    From: Accounts Receivable <ar@example.com>
    Sent: Monday, June 29, 2026 10:15 AM
    To: Dana Whitfield <ap@acme.example>
    Subject: Payment reminder: Acme Inc. has 1,200.00 USD past due

    Dear customer, the items below are past due. Please pay 1,200.00 USD by return.
    If you dispute an item, tell us.

    --_000_BY5PR11MB4033_
    Content-Type: text/html; charset="us-ascii"
    Content-Transfer-Encoding: quoted-printable

    <html><body><p>Hello,</p><p>Sorry for the delay. We will pay 12,500.00 on 15 =
    July, the invoices are approved.</p></body></html>

    --_000_BY5PR11MB4033_--
    """)


def gmail_dispute(*, token_address: str) -> bytes:
    return _crlf(f"""
    Delivered-To: {token_address}
    Received: by 2002:a05:6a10:8f0b:0:0:0:0 with SMTP id e11csp123456
    MIME-Version: 1.0
    From: Luis Ortega <luis.ortega@gmail.com>
    Date: Tue, 30 Jun 2026 11:02:10 +0200
    Message-ID: <CAH8f2s9KqPq5m+Lw@mail.gmail.com>
    Subject: Re: Past-due notice
    To: Accounts Receivable <{token_address}>
    Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

    --000000000000a1b2c3
    Content-Type: text/plain; charset="UTF-8"

    Hi,

    We dispute invoice INV-1: the goods arrived damaged and we sent photos to your
    sales rep last week. We won't pay it until this is sorted out.

    Luis

    On Mon, Jun 29, 2026 at 10:15 AM Accounts Receivable <{token_address}>
    wrote:

    > Dear customer, the items below are past due. We will pay attention to any
    > question you have.
    >

    --000000000000a1b2c3
    Content-Type: text/html; charset="UTF-8"

    <div dir="ltr">Hi,<br><br>We dispute invoice INV-1: the goods arrived damaged.</div>

    --000000000000a1b2c3--
    """)


def spanish_html_promise(*, sender: str = "pagos@sol.example") -> bytes:
    html = (
        "<html><head><style>p{margin:0}</style></head><body>"
        "<p>Estimados,</p><p>Les confirmamos que pagaremos el 15/07 "
        "<b>$12.500,00</b> correspondientes a las facturas vencidas.</p>"
        "<p>Saludos cordiales,<br>Marta Gómez<br>Ferretería Sol</p></body></html>"
    )
    encoded = base64.encodebytes(html.encode("utf-8")).decode()
    return _crlf(
        f"""
    From: =?UTF-8?Q?Marta_G=C3=B3mez?= <{sender}>
    To: cobranza@example.com
    Subject: =?UTF-8?Q?Confirmaci=C3=B3n_de_pago?=
    Date: Tue, 30 Jun 2026 08:30:00 -0600
    Message-ID: <20260630143000.GA1234@sol.example>
    MIME-Version: 1.0
    Content-Type: text/html; charset="utf-8"
    Content-Transfer-Encoding: base64

    @encoded@
    """,
        encoded=encoded,
    )


def postfix_dsn(*, original_id: str = OUR_ID, recipient: str = "ap@acme.example") -> bytes:
    return _crlf(f"""
    Return-Path: <>
    Date: Tue, 30 Jun 2026 09:00:02 +0000 (UTC)
    From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
    Subject: Undelivered Mail Returned to Sender
    To: ar@example.com
    Auto-Submitted: auto-replied
    MIME-Version: 1.0
    Content-Type: multipart/report; report-type=delivery-status;
    \tboundary="9B0C3A1E2F.1782810002/mx.example.com"
    Message-Id: <20260630090002.9B0C3A1E2F@mx.example.com>

    This is a MIME-encapsulated message.

    --9B0C3A1E2F.1782810002/mx.example.com
    Content-Description: Notification
    Content-Type: text/plain; charset=us-ascii

    This is the mail system at host mx.example.com.

    I'm sorry to have to inform you that your message could not
    be delivered to one or more recipients. It's attached below.

    <{recipient}>: host mx.acme.example[203.0.113.5] said: 550 5.1.1
        <{recipient}>: Recipient address rejected: User unknown in virtual
        mailbox table (in reply to RCPT TO command)

    --9B0C3A1E2F.1782810002/mx.example.com
    Content-Description: Delivery report
    Content-Type: message/delivery-status

    Reporting-MTA: dns; mx.example.com
    X-Postfix-Queue-ID: 9B0C3A1E2F
    X-Postfix-Sender: rfc822; ar@example.com
    Arrival-Date: Tue, 30 Jun 2026 09:00:01 +0000 (UTC)

    Final-Recipient: rfc822; {recipient}
    Original-Recipient: rfc822;{recipient}
    Action: failed
    Status: 5.1.1
    Remote-MTA: dns; mx.acme.example
    Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected:
        User unknown in virtual mailbox table

    --9B0C3A1E2F.1782810002/mx.example.com
    Content-Description: Undelivered Message Headers
    Content-Type: text/rfc822-headers

    Return-Path: <ar@example.com>
    From: Accounts Receivable <ar@example.com>
    To: {recipient}
    Subject: Payment reminder: Acme Inc. has 1,200.00 USD past due
    Message-ID: {original_id}
    Date: Mon, 29 Jun 2026 10:15:00 +0000

    --9B0C3A1E2F.1782810002/mx.example.com--
    """)


def exchange_dsn(*, original_id: str, recipient: str) -> bytes:
    return _crlf(f"""
    From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.example>
    To: <ar@example.com>
    Date: Tue, 30 Jun 2026 09:05:11 +0000
    Content-Type: multipart/report; report-type=delivery-status;
    \tboundary="ee3e8a3c-4a2b-4b2d-9a9f-8d7b1d6f0e1a"
    X-MS-Exchange-Message-Is-Ndr:
    Content-Language: en-US
    Message-ID: <0a1b2c3d-ndr@DM6PR02MB1234.namprd02.prod.outlook.com>
    In-Reply-To: {original_id}
    References: {original_id}
    Subject: Undeliverable: Past-due notice
    Auto-Submitted: auto-replied
    MIME-Version: 1.0

    --ee3e8a3c-4a2b-4b2d-9a9f-8d7b1d6f0e1a
    Content-Type: multipart/alternative; differences=Content-Type;
    \tboundary="1d3f7a4c-6b0e-4a8b-9c1d-2e3f4a5b6c7d"

    --1d3f7a4c-6b0e-4a8b-9c1d-2e3f4a5b6c7d
    Content-Type: text/plain; charset="us-ascii"

    Delivery has failed to these recipients or groups:

    {recipient}
    The email address you entered couldn't be found.

    --1d3f7a4c-6b0e-4a8b-9c1d-2e3f4a5b6c7d
    Content-Type: text/html; charset="us-ascii"

    <html><body><b>Delivery has failed to these recipients or groups:</b>
    <p>{recipient}</p></body></html>

    --1d3f7a4c-6b0e-4a8b-9c1d-2e3f4a5b6c7d--

    --ee3e8a3c-4a2b-4b2d-9a9f-8d7b1d6f0e1a
    Content-Type: message/delivery-status

    Reporting-MTA: dns;DM6PR02MB1234.namprd02.prod.outlook.com
    Received-From-MTA: dns;mx.example.com
    Arrival-Date: Tue, 30 Jun 2026 09:05:10 +0000

    Final-Recipient: rfc822;{recipient}
    Action: failed
    Status: 5.1.10
    Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by
     SMTP address lookup
    X-Display-Name: {recipient}

    --ee3e8a3c-4a2b-4b2d-9a9f-8d7b1d6f0e1a
    Content-Type: message/rfc822

    From: Accounts Receivable <ar@example.com>
    To: {recipient}
    Subject: Past-due notice
    Message-ID: {original_id}
    Date: Mon, 29 Jun 2026 10:15:00 +0000
    MIME-Version: 1.0
    Content-Type: text/plain; charset="utf-8"

    Dear customer, the items below are past due.

    --ee3e8a3c-4a2b-4b2d-9a9f-8d7b1d6f0e1a--
    """)


def out_of_office(*, in_reply_to: str = OUR_ID, sender: str = "ap@acme.example") -> bytes:
    return _crlf(f"""
    From: Dana Whitfield <{sender}>
    To: ar@example.com
    Subject: Automatic reply: Payment reminder: Acme Inc. has 1,200.00 USD past due
    Date: Tue, 30 Jun 2026 09:13:00 +0000
    Message-ID: <oof-7731@acme.example>
    In-Reply-To: {in_reply_to}
    Auto-Submitted: auto-replied
    X-Auto-Response-Suppress: All
    MIME-Version: 1.0
    Content-Type: text/plain; charset="utf-8"

    I am out of the office until 6 July with no access to email. We will pay
    invoices when I am back. For urgent matters contact payables@acme.example.
    """)


def spanish_autoreply(*, sender: str) -> bytes:
    return _crlf(f"""
    From: {sender}
    To: cobranza@example.com
    Subject: =?UTF-8?Q?Respuesta_autom=C3=A1tica:_Aviso_de_pago_vencido?=
    Date: Tue, 30 Jun 2026 09:20:00 -0600
    Message-ID: <auto-99@sol.example>
    X-Autoreply: yes
    MIME-Version: 1.0
    Content-Type: text/plain; charset="utf-8"

    Estaré fuera de la oficina hasta el lunes.
    """)


def remittance_with_attachments(*, sender: str, big_bytes: int) -> bytes:
    pdf = base64.encodebytes(b"%PDF-1.4\n% remittance advice\n" + b"0" * 2000).decode()
    big = base64.encodebytes(b"\x89PNG\r\n" + b"\x01" * big_bytes).decode()
    return _crlf(
        f"""
    From: Treasury <{sender}>
    To: ar@example.com
    Subject: Remittance advice 2026-06-30
    Date: Tue, 30 Jun 2026 10:00:00 +0000
    Message-ID: <remit-20260630@acme.example>
    MIME-Version: 1.0
    Content-Type: multipart/mixed; boundary="mixed-b0undary"

    --mixed-b0undary
    Content-Type: text/plain; charset="utf-8"

    Please find attached our remittance advice: we have paid INV-1 and INV-3 by wire
    today.

    --mixed-b0undary
    Content-Type: application/pdf; name="remittance-0630.pdf"
    Content-Disposition: attachment; filename="remittance-0630.pdf"
    Content-Transfer-Encoding: base64

    @pdf@
    --mixed-b0undary
    Content-Type: image/png; name="scan-of-cheque.png"
    Content-Disposition: attachment; filename="scan-of-cheque.png"
    Content-Transfer-Encoding: base64

    @big@
    --mixed-b0undary--
    """,
        pdf=pdf,
        big=big,
    )


def invoice_copy_request_pt(*, sender: str) -> bytes:
    return _crlf(f"""
    From: Financeiro <{sender}>
    To: ar@example.com
    Subject: =?UTF-8?Q?Re:_Lembrete_de_pagamento?=
    Date: Tue, 30 Jun 2026 10:30:00 -0300
    Message-ID: <pt-1@lusa.example>
    MIME-Version: 1.0
    Content-Type: text/plain; charset="utf-8"

    Bom dia, não recebemos a fatura INV-7. Podem enviar uma cópia da fatura, por favor?
    Obrigado.
    """)


def spanish_dispute_with_pod(*, sender: str, in_reply_to: str = OUR_ID) -> bytes:
    """A Spanish reply disputing two invoices (price), quoting the reminder that lists a third,
    with a PDF attached."""
    pdf = base64.encodebytes(b"%PDF-1.4\n% albaran firmado\n%%EOF\n").decode().strip()
    return _crlf(
        f"""
    From: "Compras Sol" <{sender}>
    To: ar@example.com
    Subject: RE: Recordatorio de pago
    Date: Tue, 30 Jun 2026 09:12:00 -0500
    Message-ID: <disputa-7@sol.example>
    In-Reply-To: {in_reply_to}
    MIME-Version: 1.0
    Content-Type: multipart/mixed; boundary="mix-7"

    --mix-7
    Content-Type: text/plain; charset="utf-8"
    Content-Transfer-Encoding: 8bit

    Buenos días:

    No estamos de acuerdo con las facturas F-201 y F-202: el precio no corresponde a la
    lista de precios pactada. Adjuntamos el albarán firmado.

    Saludos,
    Marta Ruiz

    De: Cuentas por cobrar
    Enviado: lunes, 29 de junio de 2026 10:15
    Asunto: Recordatorio de pago
    > F-201  F-202  F-203  vencidas
    --mix-7
    Content-Type: application/pdf; name="albaran.pdf"
    Content-Disposition: attachment; filename="albaran.pdf"
    Content-Transfer-Encoding: base64

    @pdf@
    --mix-7--
    """,
        pdf=pdf,
    )


def stranger() -> bytes:
    return _crlf("""
    From: "Northwind Sales" <offers@northwind.example>
    To: ar@example.com
    Subject: Your quote for office chairs
    Date: Tue, 30 Jun 2026 07:45:00 +0000
    Message-ID: <quote-5521@northwind.example>
    MIME-Version: 1.0
    Content-Type: text/plain; charset="utf-8"

    Dear customer, please find our quote for 40 office chairs below.
    """)


def garbage() -> bytes:
    """A message whose structure is broken: a multipart without its boundary, bad charset."""
    return (
        b"From: ???\r\nSubject: =?x-unknown?Q?=FF=FE?=\r\nContent-Type: multipart/mixed\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n\xff\xfe\x00 not base64 at all ==="
    )
