"""A dispute read from the mailbox (a real IMAP server) opens a case through the disputes app:
on the open invoices the email names (not those of the quoted reminder), with the reason its
words point to, the email and its files attached, routed by the rules; the Inbox, the task, the
timeline and the case show it, in English and Spanish."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from openar.activity.models import ContactLog
from openar.comms.models import InboundMessage, OutboxMessage
from openar.comms.policy import reply_token
from openar.comms.services.inbound import inbound_assign, inbound_fetch
from openar.core.reasons import reason_text
from openar.core.roles import Role
from openar.disputes.models import DisputeCase, ReasonCode
from openar.disputes.services import reasons_ensure, rule_save
from openar.ledger.models import Document
from openar.strategy.models import Action
from tests.clock import ON_TODAY
from tests.comms import mail_samples as mail
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]
D = Decimal


@pytest.fixture
def sol(db):
    reasons_ensure()
    collector = UserFactory(username="dana.c", roles=[Role.COLLECTOR])
    research = UserFactory(username="ravi", roles=[Role.RESEARCH])
    rule_save(name="pricing to Ravi", reason=ReasonCode.objects.get(code="pricing"),
              owner_team="research", owner=research, actor="t")  # fmt: skip
    customer = CustomerFactory(
        customer_ref="SOL", name="Ferretería Sol", email="compras@sol.example", language="es",
        currency="USD", collector=collector,
    )  # fmt: skip
    for ref, amount, days in (("F-201", "800.00", 40), ("F-202", "450.00", 20),
                              ("F-203", "90.00", 10)):  # fmt: skip
        DocumentFactory(customer=customer, entity=customer.entity, document_ref=ref,
                        currency="USD", amount=D(amount),
                        due_date=BASE_DATE - dt.timedelta(days=days))  # fmt: skip
    OutboxMessage.objects.create(
        customer=customer, channel="email", template_code="reminder", language="es",
        to_address="compras@sol.example", subject="Recordatorio de pago", body="...",
        status="sent", message_id=mail.OUR_ID, as_of=BASE_DATE - dt.timedelta(days=1),
    )  # fmt: skip
    return customer


def test_a_spanish_dispute_email_opens_a_case_on_the_invoices_it_names(imap, sol, client):
    imap.deliver(mail.spanish_dispute_with_pod(sender="compras@sol.example"))

    result = inbound_fetch(actor="mailbox")

    assert (result.fetched, result.threaded) == (1, 1)
    message = InboundMessage.objects.get()
    assert (message.kind, message.customer, message.language) == ("dispute", sol, "es")
    case = message.dispute_case
    assert case is not None
    # Only the invoices the customer wrote about, not F-203 of the quoted reminder.
    assert sorted((i.document.document_ref, i.amount) for i in case.items.all()) == [
        ("F-201", D("800.00")), ("F-202", D("450.00")),
    ]  # fmt: skip
    assert (case.reason.code, case.amount, case.currency, case.status) == (
        "pricing", D("1250.00"), "USD", "open",
    )  # fmt: skip
    assert case.owner.username == "ravi"  # routed by the disputes app's rules
    assert (case.contact_email, case.contact_name) == ("compras@sol.example", "Compras Sol")
    assert "lista de precios pactada" in case.description and "F-203" not in case.description
    # The email and its proof of delivery are on the case.
    files = sorted(case.attachments.values_list("filename", "content_type"))
    assert files == [("albaran.pdf", "application/pdf"), (f"email-{message.pk}.eml",
                                                          "message/rfc822")]  # fmt: skip
    eml = bytes(case.attachments.get(filename__endswith=".eml").content)
    assert b"Message-ID: <disputa-7@sol.example>" in eml
    # The items are in dispute: out of what is asked for.
    assert Document.objects.get(document_ref="F-201").disputed
    assert not Document.objects.get(document_ref="F-203").disputed
    # The case's thread says where it came from, in the reader's language.
    note = case.notes.filter(kind="note").get()
    assert note.text == (
        "Opened from the email of compras@sol.example \u201cRE: Recordatorio de pago\u201d "
        "(attached)"
    )
    with translation.override("es"):
        assert note.display_text.startswith("Abierto desde el correo de compras@sol.example")
    # On the timeline as a dispute raised; the collector's task names the case.
    contact = ContactLog.objects.get(pk=message.contact_id)
    assert contact.outcome == "dispute_raised"
    action = Action.objects.get(pk=message.action_id)
    assert action.reason == (
        f"Email from compras@sol.example: dispute, case D-{case.pk} opened. Follow it up"
    )
    with translation.override("es"):
        assert reason_text(action.reason_parts) == (
            f"Correo de compras@sol.example: disputa, caso D-{case.pk} abierto. Haga el seguimiento"
        )
    # The Inbox shows the case, in Spanish.
    client.force_login(sol.collector)
    page = client.get(f"/inbox/{message.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Caso de disputa" in page and f"/disputes/{case.pk}/" in page
    # The case page lists the email among its files.
    client.force_login(case.owner)
    page = client.get(f"/disputes/{case.pk}/").content.decode()
    assert f"email-{message.pk}.eml" in page and "albaran.pdf" in page


def test_an_english_dispute_email_by_reply_token(imap, sol):
    token = reply_token(sol.pk, django_settings.SECRET_KEY)
    DocumentFactory(customer=sol, entity=sol.entity, document_ref="INV-1", currency="USD",
                    amount=D("300.00"), due_date=BASE_DATE - dt.timedelta(days=5))  # fmt: skip
    imap.deliver(mail.gmail_dispute(token_address=f"ar+{token}@example.com"))

    inbound_fetch(actor="mailbox")

    message = InboundMessage.objects.get()
    case = message.dispute_case
    assert (case.reason.code, case.amount, case.owner_team) == ("damaged", D("300.00"), "research")
    assert [i.document.document_ref for i in case.items.all()] == ["INV-1"]
    assert "goods arrived damaged" in case.description


def test_a_dispute_naming_no_invoice_stays_a_task_to_open_it_by_hand(imap, sol):
    imap.deliver(
        mail._crlf("""
        From: compras@sol.example
        To: ar@example.com
        Subject: Factura incorrecta
        Date: Tue, 30 Jun 2026 09:00:00 -0500
        Message-ID: <d-9@sol.example>
        Content-Type: text/plain; charset="utf-8"

        La factura es incorrecta, no estamos de acuerdo con el importe.
        """)
    )
    inbound_fetch(actor="mailbox")
    message = InboundMessage.objects.get()
    assert (message.kind, message.dispute_case) == ("dispute", None)
    assert not DisputeCase.objects.exists()
    assert "names none of the customer's open invoices" in message.note
    assert Action.objects.get(pk=message.action_id).reason_parts[0]["code"] == "inbound_dispute"


def test_an_unmatched_dispute_opens_its_case_when_a_person_assigns_it(imap, sol):
    imap.deliver(mail.spanish_dispute_with_pod(sender="otra@persona.example", in_reply_to=""))
    inbound_fetch(actor="mailbox")
    message = InboundMessage.objects.get()
    assert (message.status, message.dispute_case) == ("unmatched", None)

    inbound_assign(message=message, customer=sol, actor=sol.collector, as_of=BASE_DATE)

    message.refresh_from_db()
    assert message.dispute_case is not None
    assert message.dispute_case.amount == D("1250.00")
    # Read again (a second fetch): no second case.
    inbound_fetch(actor="mailbox")
    assert DisputeCase.objects.count() == 1
