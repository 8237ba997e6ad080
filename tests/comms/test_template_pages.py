"""The template pages: list, editor, versions, preview on a real customer, roles, EN/ES."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document as WordDocument

from openar.comms.models import MessageTemplate, TemplateVersion
from tests.clock import ON_TODAY
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]


@pytest.fixture
def manager(client):
    user = UserFactory(username="boss", roles=["manager"])
    client.force_login(user)
    return user


@pytest.fixture
def customer(db):
    customer = CustomerFactory(
        customer_ref="C0000042",
        name="Ferretería Sol",
        email="pagos@sol.example",
        language="es-MX",
        attributes={"address": "Calle Mayor 1\n28001 Madrid"},
        country="ES",
    )
    DocumentFactory(
        customer=customer,
        document_ref="INV-7001",
        amount=Decimal("1234.50"),
        due_date=BASE_DATE.replace(day=1),
    )
    return customer


def _edit_url(code: str, lang: str = "en") -> str:
    return f"{reverse('templates:edit', args=[code])}?lang={lang}"


def test_list_shows_each_template_with_its_versions(client, manager):
    page = client.get(reverse("templates:list"))
    html = page.content.decode()
    assert page.status_code == 200
    for label in ("Payment reminder", "Past-due notice", "Second notice (letter)"):
        assert label in html
    assert "EN v1" in html and "ES v1" in html
    letters = client.get(reverse("templates:list"), {"channel": "letter"}).content.decode()
    assert "Second notice (letter)" in letters and "Payment reminder" not in letters


def test_save_makes_a_version_and_history_shows_who(client, manager):
    response = client.post(
        _edit_url("reminder"),
        {
            "language": "en",
            "subject": "Heads-up: {{ customer_ref }}",
            "body": "Hi {{ customer_name }},\r\n\r\n{{ items }}\r\n\r\n{{ sender }}",
        },
    )
    assert response.status_code == 302
    version = TemplateVersion.objects.get(template__code="reminder", language="en", is_active=True)
    assert (version.number, version.created_by, version.body) == (
        2,
        manager,
        "Hi {{ customer_name }},\n\n{{ items }}\n\n{{ sender }}",
    )
    page = client.get(_edit_url("reminder")).content.decode()
    assert "Heads-up: {{ customer_ref }}" in page
    assert "boss" in page and "OpenAR (as shipped)" in page
    old = client.get(_edit_url("reminder") + "&version=1").content.decode()
    assert "You are looking at version 1" in old
    client.post(reverse("templates:restore", args=["reminder", "en", 1]))
    active = TemplateVersion.objects.get(template__code="reminder", language="en", is_active=True)
    assert (active.number, active.restored_from) == (3, 1)


def test_unknown_field_refused_on_save_with_field_and_line(client, manager):
    response = client.post(
        _edit_url("reminder"),
        {
            "language": "en",
            "subject": "Hi",
            "body": "Dear {{ customer_name }}\n{{ customer.delete }}",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The text was not saved" in html
    assert "line 2: unknown merge field &#x27;customer.delete&#x27;" in html
    # What was typed stays in the form.
    assert "{{ customer.delete }}" in html
    assert TemplateVersion.objects.filter(template__code="reminder").count() == 2


def test_preview_on_a_real_customer(client, manager, customer):
    data = {
        "language": "es",
        "subject": "Aviso {{ customer_ref }}",
        "body": (
            "Estimado {{ customer_name }}:\n\n{{ items }}\n\nDebe {{ past_due }} {{ currency }}."
        ),
        "customer": "C0000042 · Ferretería Sol",
    }
    html = client.post(reverse("templates:preview", args=["second_notice"]), data).content.decode()
    assert "Aviso C0000042" in html
    assert "Estimado Ferretería Sol:" in html
    assert "INV-7001" in html and "1.234,50" in html
    assert "Debe 1.234,50 USD." in html
    assert "Calle Mayor 1" in html  # the letter's address block
    # Nothing was saved by previewing.
    assert TemplateVersion.objects.filter(template__code="second_notice").count() == 2

    pdf = client.post(reverse("templates:preview_pdf", args=["second_notice"]), data)
    assert pdf["Content-Type"] == "application/pdf"
    doc = pypdfium2.PdfDocument(pdf.content)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert "Aviso C0000042" in text and "INV-7001" in text and "Calle Mayor 1" in text

    word = client.post(reverse("templates:preview_docx", args=["second_notice"]), data)
    assert "attachment" in word["Content-Disposition"]
    document = WordDocument(io.BytesIO(word.content))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "Aviso C0000042" in paragraphs
    assert "Estimado Ferretería Sol:" in paragraphs
    assert "Calle Mayor 1" in paragraphs
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "INV-7001" in cells and "1.234,50" in cells


def test_preview_reports_problems_and_unknown_customers(client, manager, customer):
    url = reverse("templates:preview", args=["reminder"])
    bad = client.post(
        url, {"language": "en", "subject": "x", "body": "{{ nope }}", "customer": "C0000042"}
    )
    assert "unknown merge field &#x27;nope&#x27;" in bad.content.decode()
    missing = client.post(url, {"language": "en", "subject": "x", "body": "y", "customer": "ZZZ"})
    assert "No customer with the number ZZZ" in missing.content.decode()
    options = client.get(
        reverse("templates:customer_options"), {"customer": "sol"}
    ).content.decode()
    assert "C0000042 · Ferretería Sol" in options


def test_collectors_read_and_preview_but_do_not_save(client, customer):
    client.force_login(UserFactory(username="col", roles=["collector"]))
    page = client.get(_edit_url("reminder")).content.decode()
    assert "Read only" in page and "save-template" not in page
    preview = client.post(
        reverse("templates:preview", args=["reminder"]),
        {"language": "en", "subject": "s {{ customer_ref }}", "body": "b", "customer": "C0000042"},
    )
    assert "s C0000042" in preview.content.decode()
    saved = client.post(_edit_url("reminder"), {"language": "en", "subject": "x", "body": "y"})
    assert saved.status_code == 403
    assert client.post(reverse("templates:restore", args=["reminder", "en", 1])).status_code == 403
    assert client.get(reverse("templates:new")).status_code == 403


def test_other_roles_cannot_open_templates(client):
    client.force_login(UserFactory(username="cash", roles=["cashapp"]))
    assert client.get(reverse("templates:list")).status_code == 403


def test_new_template(client, manager):
    bad = client.post(
        reverse("templates:new"), {"code": "Bad Code", "name": "x", "channel": "letter"}
    )
    assert bad.status_code == 400
    response = client.post(
        reverse("templates:new"),
        {"code": "final_demand", "name": "Final demand", "channel": "letter"},
    )
    assert response.status_code == 302
    template = MessageTemplate.objects.get(code="final_demand")
    assert template.channel == "letter"
    page = client.get(_edit_url("final_demand")).content.decode()
    assert "no text yet in this language" in page


def test_pages_in_spanish(client, manager):
    try:
        page = client.get(reverse("templates:list"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
        assert "Plantillas de mensajes" in page
        assert "Recordatorio de pago" in page
        editor = client.get(_edit_url("reminder", "es"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
        assert "Campos de combinación" in editor
        assert "Guardar como nueva versión" in editor
    finally:
        translation.activate("en")


def test_outbox_letter_downloads_for_word(client, manager, customer):
    from openar.comms.models import OutboxMessage
    from openar.comms.services import outbox_queue
    from tests.comms.test_outbox import _action

    _action(customer, "letter")
    outbox_queue(as_of=BASE_DATE, actor="test")
    message = OutboxMessage.objects.get()
    preview = client.get(reverse("comms:message_preview", args=[message.pk])).content.decode()
    assert reverse("comms:message_docx", args=[message.pk]) in preview
    word = client.get(reverse("comms:message_docx", args=[message.pk]))
    assert word["Content-Disposition"] == f'attachment; filename="C0000042-{message.pk}.docx"'
    document = WordDocument(io.BytesIO(word.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert message.subject in paragraphs
    assert "Estimados señores:" in paragraphs
    assert "Ferretería Sol" in "\n".join(paragraphs)  # the address block
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "INV-7001" in cells
