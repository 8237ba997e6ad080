"""The Inbox page: what came in, opening on the messages no account matched; a person assigns
one to a customer (which files it and makes its task), dismisses it, or confirms a promise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from openar.activity.models import ContactLog, PromiseToPay
from openar.comms.models import InboundMessage
from openar.comms.services.inbound import inbound_fetch
from openar.strategy.models import Action
from openar.worklist.models import WorkItem
from tests.clock import ON_TODAY
from tests.comms import mail_samples as mail
from tests.comms.test_inbound_fetch import _acme, _sent
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]


@pytest.fixture
def collector(client):
    user = UserFactory(username="ines.c", roles=["collector"])
    client.force_login(user)
    return user


@pytest.fixture
def inbox(imap, collector):
    customer = _acme(collector=collector)
    _sent(customer)
    imap.deliver(mail.outlook_promise())
    imap.deliver(mail.stranger())
    remittance = mail.remittance_with_attachments(sender="treasury@acme.example", big_bytes=200_000)
    imap.deliver(remittance)
    inbound_fetch(actor="test")
    return customer


def test_the_inbox_opens_on_what_waits_to_be_assigned(client, inbox):
    page = client.get(reverse("inbox:list")).content.decode()
    assert page.count('class="inbound-row') == 2  # the stranger and the unknown treasury address
    assert "Your quote for office chairs" in page
    assert "RE: Payment reminder" not in page
    assert 'id="kpi-unmatched">2<' in page and 'id="kpi-threaded">1<' in page
    every = client.get(reverse("inbox:list"), {"status": ""}).content.decode()
    assert every.count('class="inbound-row') == 3
    promises = client.get(reverse("inbox:list"), {"status": "", "kind": "promise"}).content.decode()
    assert promises.count('class="inbound-row') == 1
    found = client.get(reverse("inbox:list"), {"status": "", "q": "northwind"}).content.decode()
    assert found.count('class="inbound-row') == 1


def test_assigning_files_the_message_and_makes_its_task(client, inbox, collector):
    message = InboundMessage.objects.get(subject="Remittance advice 2026-06-30")
    page = client.get(reverse("inbox:message", args=[message.pk])).content.decode()
    assert "remittance-0630.pdf" in page and 'id="assign"' in page

    response = client.post(reverse("inbox:assign", args=[message.pk]), {"customer": "acme"})

    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.customer, message.matched_by, message.status) == (inbox, "person", "threaded")
    assert message.assigned_by == collector and message.kind == "remittance"
    contact = ContactLog.objects.get(pk=message.contact_id)
    assert contact.direction == "inbound" and contact.attachments.count() == 1
    action = Action.objects.get(pk=message.action_id)
    assert "remittance advice" in action.reason
    # The account's one queue item carries the task (merged with any other work on it).
    item = WorkItem.objects.get(customer=action.customer, collector=collector)
    assert action.pk in item.action_ids
    page = client.get(reverse("inbox:message", args=[message.pk])).content.decode()
    assert "Filed on" in page and 'id="assign"' not in page
    # Assigning it again is refused, and says why.
    again = client.post(reverse("inbox:assign", args=[message.pk]), {"customer": "acme"})
    assert "already on an account" in client.get(again.url).content.decode()


def test_assigning_to_no_known_customer_says_so_and_changes_nothing(client, inbox):
    message = InboundMessage.objects.get(subject="Your quote for office chairs")
    response = client.post(
        reverse("inbox:assign", args=[message.pk]), {"customer": "Nobody Ltd"}, follow=True
    )
    assert "No customer Nobody Ltd." in response.content.decode()
    message.refresh_from_db()
    assert message.customer is None and message.status == "unmatched"


def test_dismissing_takes_it_off_the_queue(client, inbox):
    message = InboundMessage.objects.get(subject="Your quote for office chairs")
    response = client.post(reverse("inbox:dismiss", args=[message.pk]), follow=True)
    assert "Message dismissed." in response.content.decode()
    message.refresh_from_db()
    assert message.status == "dismissed"


def test_confirming_the_promise_read_from_an_email(client, inbox, collector):
    message = InboundMessage.objects.get(kind="promise")
    page = client.get(reverse("inbox:message", args=[message.pk])).content.decode()
    assert 'value="12500.00"' in page and 'value="2026-07-15"' in page
    assert not PromiseToPay.objects.exists()

    response = client.post(
        reverse("inbox:confirm", args=[message.pk]),
        {"amount": "12000.00", "promised_date": "2026-07-16"},
        follow=True,
    )

    assert "Promise recorded" in response.content.decode()
    promise = PromiseToPay.objects.get()
    assert (promise.amount, promise.promised_date, promise.taken_by) == (
        Decimal("12000.00"),
        dt.date(2026, 7, 16),
        collector,
    )
    assert Action.objects.get(pk=message.action_id).status == "done"
    # A date before today is refused with the promises' own message.
    other = client.post(
        reverse("inbox:confirm", args=[message.pk]),
        {"amount": "1.00", "promised_date": "2026-07-20"},
        follow=True,
    )
    assert "already confirmed" in other.content.decode()


def test_attachments_download(client, inbox):
    message = InboundMessage.objects.get(subject="Remittance advice 2026-06-30")
    attachment = message.attachments.get()
    response = client.get(reverse("inbox:attachment", args=[message.pk, attachment.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-1.4")
    assert 'filename="remittance-0630.pdf"' in response["Content-Disposition"]


def test_spanish_reader(client, inbox):
    page = client.get(reverse("inbox:list"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Bandeja de entrada" in page and "Por asignar" in page and "Remitente" in page
    message = InboundMessage.objects.get(kind="promise")
    detail = client.get(
        reverse("inbox:message", args=[message.pk]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Confirmar la promesa" in detail and "Promesa de pago" in detail


def test_signed_out_and_other_roles_are_refused(client, db):
    assert client.get(reverse("inbox:list")).status_code == 302
    client.force_login(UserFactory(username="cash.only", roles=["cashapp"]))
    assert client.get(reverse("inbox:list")).status_code == 403


def _copy_request_es(*, refs: str) -> bytes:
    return (
        "From: =?UTF-8?Q?Cuentas_por_pagar?= <ap@acme.example>\r\n"
        "To: ar@example.com\r\n"
        "Subject: Solicitud de copia de facturas\r\n"
        "Date: Tue, 30 Jun 2026 10:30:00 -0600\r\n"
        "Message-ID: <copias-88@acme.example>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\n'
        "\r\n"
        f"Buenos días, ¿nos pueden reenviar copia de las facturas {refs}? No las encontramos.\r\n"
        "Saludos.\r\n"
    ).encode()


def test_an_invoice_copy_request_is_answered_in_one_step(client, imap, smtp, collector):
    from tests.comms.test_invoice_copies import _attachments
    from tests.factories import DocumentFactory

    customer = _acme(collector=collector)
    DocumentFactory(customer=customer, document_ref="FAC-2031", amount=Decimal("800.00"))
    DocumentFactory(customer=customer, document_ref="FAC-2032", amount=Decimal("95.10"))
    DocumentFactory(document_ref="FAC-2033")  # another customer's: never offered
    imap.deliver(_copy_request_es(refs="FAC-2031, fac-2032 y FAC-2033."))
    inbound_fetch(actor="test")
    message = InboundMessage.objects.get(message_id="<copias-88@acme.example>")
    assert (message.customer, message.kind) == (customer, "invoice_copy")

    page = client.get(reverse("inbox:message", args=[message.pk])).content.decode()
    assert 'id="invoice-copies"' in page
    assert 'value="FAC-2031" checked' in page and 'value="FAC-2032" checked' in page
    assert "FAC-2033" not in page.split('id="invoice-copies"')[1]

    # Nothing chosen: refused, nothing sent, the task stays open.
    client.post(reverse("inbox:copies", args=[message.pk]), {})
    assert not smtp.recorder.messages
    assert Action.objects.get(pk=message.action_id).status == "open"

    response = client.post(
        reverse("inbox:copies", args=[message.pk]), {"documents": ["FAC-2031", "FAC-2032"]}
    )

    assert response.status_code == 302
    [sent] = smtp.recorder.messages
    assert sent["To"] == "ap@acme.example"
    assert sent["In-Reply-To"] == "<copias-88@acme.example>"
    assert sorted(_attachments(sent)) == ["FAC-2031.pdf", "FAC-2032.pdf"]
    action = Action.objects.get(pk=message.action_id)
    assert action.status == "done" and "FAC-2031, FAC-2032" in action.outcome
    page = client.get(response.url).content.decode()
    assert "Copies of FAC-2031, FAC-2032 sent to ap@acme.example." in page
