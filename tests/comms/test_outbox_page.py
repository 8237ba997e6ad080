"""The outbox page: filters and a preview of the rendered message."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from openar.comms.models import OutboxMessage
from openar.comms.services import outbox_queue
from tests.clock import ON_TODAY
from tests.comms.test_outbox import _action
from tests.factories import BASE_DATE, CustomerFactory, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]


@pytest.fixture
def messages_queued(db):
    for i in range(6):
        customer = CustomerFactory(
            name=f"Cliente {i}", email=f"c{i}@example.com", language="es" if i % 2 else "en"
        )
        _action(customer, "letter" if i == 0 else "email")
    outbox_queue(as_of=BASE_DATE, actor="test")


def test_outbox_lists_and_filters(client, messages_queued, django_assert_max_num_queries):
    client.force_login(UserFactory(username="m", roles=["manager"]))
    with django_assert_max_num_queries(10):
        page = client.get(reverse("comms:outbox"))
    assert page.content.count(b'class="msg-row ') == 6
    spanish = client.get(reverse("comms:outbox"), {"language": "es"})
    assert spanish.content.count(b'class="msg-row ') == 3
    letters = client.get(reverse("comms:outbox"), {"channel": "letter"})
    assert letters.content.count(b'class="msg-row ') == 1
    # Templates are shown by name, not by code, in the reader's language.
    assert b"Second notice (letter)" in letters.content
    assert b"second_notice</td>" not in letters.content
    try:
        spanish_page = client.get(reverse("comms:outbox"), HTTP_ACCEPT_LANGUAGE="es")
        assert "Segundo aviso (carta)" in spanish_page.content.decode()
    finally:
        translation.activate("en")  # the request leaves Spanish active in this thread


def test_preview_and_cancel(client, messages_queued):
    client.force_login(UserFactory(username="m", roles=["manager"]))
    message = OutboxMessage.objects.get(channel="letter")
    preview = client.get(
        reverse("comms:message_preview", args=[message.pk]), headers={"HX-Request": "true"}
    )
    assert b"<html" not in preview.content
    assert message.subject.encode() in preview.content
    client.post(reverse("comms:message_cancel", args=[message.pk]))
    message.refresh_from_db()
    assert message.status == "cancelled"


def test_outbox_needs_a_role(client, messages_queued):
    client.force_login(UserFactory(username="r", roles=["research"]))
    assert client.get(reverse("comms:outbox")).status_code == 403


def test_send_hold_release_from_the_page(client, messages_queued, smtp):
    client.force_login(UserFactory(username="m", roles=["manager"]))
    email = OutboxMessage.objects.filter(channel="email").order_by("pk").first()
    assert email is not None
    client.post(reverse("comms:message_hold", args=[email.pk]))
    email.refresh_from_db()
    assert email.status == "held"
    # A held message does not go with a sending run.
    refused = client.post(reverse("comms:message_send", args=[email.pk]), follow=True)
    assert "Only a queued message can be sent." in refused.content.decode()
    client.post(reverse("comms:message_release", args=[email.pk]))
    email.refresh_from_db()
    assert email.status == "queued"
    sent = client.post(reverse("comms:message_send", args=[email.pk]), follow=True)
    assert "Message sent." in sent.content.decode()
    email.refresh_from_db()
    assert email.status == "sent"
    assert [m["To"] for m in smtp.recorder.messages] == [email.to_address]


def test_letter_opens_as_pdf_and_the_page_speaks_spanish(client, messages_queued):
    client.force_login(UserFactory(username="m", roles=["manager"]))
    letter = OutboxMessage.objects.get(channel="letter")
    pdf = client.get(reverse("comms:message_pdf", args=[letter.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    try:
        page = client.get(
            reverse("comms:message_preview", args=[letter.pk]), HTTP_ACCEPT_LANGUAGE="es"
        ).content.decode()
        for text in ("Abrir la carta (PDF)", "Retener", "Enviar ahora", "Cancelar mensaje"):
            assert text in page
    finally:
        translation.activate("en")


def test_unconfirmed_message_is_sent_again_only_by_a_person(client, messages_queued):
    client.force_login(UserFactory(username="m", roles=["manager"]))
    email = OutboxMessage.objects.filter(channel="email").order_by("pk").first()
    assert email is not None
    OutboxMessage.objects.filter(pk=email.pk).update(status="sending", message_id="<x@y>")
    page = client.get(reverse("comms:message_preview", args=[email.pk])).content.decode()
    assert "Check the mailbox before sending it again." in page
    client.post(reverse("comms:message_resend", args=[email.pk]))
    email.refresh_from_db()
    assert (email.status, email.message_id) == ("queued", None)
