"""A sent letter is on the customer page's timeline with its PDF, which a collector can open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openar.activity.models import ContactAttachment
from openar.comms.services import outbox_queue, outbox_send
from tests.clock import ON_TODAY
from tests.comms.test_outbox import _action
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]


def test_letter_on_the_timeline_with_its_pdf(client, settings, tmp_path):
    settings.OPENAR_LETTER_DIR = tmp_path
    customer = CustomerFactory(name="Acme Inc.")
    DocumentFactory(customer=customer, due_date=BASE_DATE.replace(day=1))
    _action(customer, "letter", dpd=29)
    outbox_queue(as_of=BASE_DATE, actor="test")
    assert outbox_send(as_of=BASE_DATE, actor="test").letters == 1
    attachment = ContactAttachment.objects.get()

    client.force_login(UserFactory(username="collector1", roles=["collector"]))
    page = client.get(reverse("ledger:customer_detail", args=[customer.customer_ref]))
    html = page.content.decode()
    assert attachment.filename in html
    assert reverse("activity:attachment", args=[attachment.pk]) in html

    pdf = client.get(reverse("activity:attachment", args=[attachment.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    client.force_login(UserFactory(username="cash1", roles=["cashapp"]))
    assert client.get(reverse("activity:attachment", args=[attachment.pk])).status_code == 403
