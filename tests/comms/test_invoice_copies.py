"""Invoice copies in one step: the ERP's PDF from its folder or URL where the entity says, a copy
written from the ledger otherwise (or when the lookup is refused: a path that leaves the folder,
a file too big), sent at once through a real SMTP server; by letter when there is no email."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading
from decimal import Decimal

import pytest
from django.urls import reverse
from weasyprint import HTML

from openar.comms.models import OutboxMessage
from openar.comms.services import invoice_copy_send, letterhead_save
from openar.core.errors import ValidationError
from tests.clock import ON_TODAY
from tests.comms.smtp import free_port
from tests.comms.test_statement_runs import pdf_text
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]


def _erp_pdf(text: str) -> bytes:
    return HTML(string=f"<p>{text}</p>").write_pdf()


@pytest.fixture
def account(db):
    customer = CustomerFactory(
        customer_ref="C777",
        name="Ferretería del Valle",
        email="cxp@valle.example",
        language="en",
        country="US",
        attributes={"address": "12 Harbor Road\nMiami, FL 33130"},
    )
    for ref in ("INV-1", "INV-2", "../outside"):
        DocumentFactory(
            customer=customer,
            document_ref=ref,
            amount=Decimal("1500.00"),
            document_date=BASE_DATE - dt.timedelta(days=40),
            due_date=BASE_DATE - dt.timedelta(days=10),
            po_number="PO-55",
        )
    return customer


@pytest.fixture
def erp_folder(tmp_path, account):
    folder = tmp_path / "erp" / "US01"
    folder.mkdir(parents=True)
    (folder / "INV-1.pdf").write_bytes(_erp_pdf("ERP ORIGINAL INVOICE INV-1"))
    (tmp_path / "outside.pdf").write_bytes(_erp_pdf("SECRET OUTSIDE"))
    letterhead_save(
        entity=account.entity,
        actor="test",
        invoice_pdf_pattern=f"{tmp_path}/erp/{{entity}}/{{document_ref}}.pdf",
    )
    return folder


def _attachments(message) -> dict[str, str]:
    return {
        part.get_filename(): pdf_text(part.get_content())
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    }


def test_erp_pdf_found_and_missing_one_written_from_the_ledger(account, erp_folder, smtp):
    result = invoice_copy_send(
        customer=account,
        documents=["INV-1", "INV-2"],
        actor="imap",
        in_reply_to="<request-1@valle.example>",
    )
    assert result.sent
    assert [(c.document_ref, c.source) for c in result.copies] == [
        ("INV-1", "erp"),
        ("INV-2", "rendered"),
    ]
    assert "not found" in result.copies[1].note
    [sent] = smtp.recorder.messages
    assert sent["To"] == "cxp@valle.example"
    assert sent["Subject"] == "Copies of invoices INV-1, INV-2"
    assert sent["In-Reply-To"] == "<request-1@valle.example>"
    assert sent["Message-ID"] == result.message.message_id
    files = _attachments(sent)
    assert "ERP ORIGINAL INVOICE INV-1" in files["INV-1.pdf"]
    written = files["INV-2.pdf"]
    assert "Copy of invoice INV-2" in written and "PO-55" in written and "1,500.00" in written
    assert "12 Harbor Road" in written
    # On the timeline with both files.
    assert result.message.contact.attachments.count() == 2


def test_a_path_that_leaves_the_folder_is_refused(account, erp_folder, smtp, tmp_path):
    (erp_folder / "INV-2.pdf").symlink_to(tmp_path / "outside.pdf")
    result = invoice_copy_send(customer=account, documents=["../outside", "INV-2"], actor="t")
    assert [c.source for c in result.copies] == ["rendered", "rendered"]
    assert result.copies[0].note.startswith("refused: the document_ref")
    assert "outside" in result.copies[1].note and result.copies[1].note.startswith("refused")
    texts = _attachments(smtp.recorder.messages[0]).values()
    assert not any("SECRET" in text for text in texts)


def test_a_file_over_the_limit_is_not_used(account, erp_folder, smtp, settings):
    settings.OPENAR_ERP_PDF_MAX_BYTES = 100
    result = invoice_copy_send(customer=account, documents=["INV-1"], actor="t")
    assert result.copies[0].source == "rendered"
    assert "over the limit of 100" in result.copies[0].note


def test_erp_url_pattern(account, smtp, tmp_path):
    (tmp_path / "INV-1.pdf").write_bytes(_erp_pdf("FROM THE ERP SERVER"))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        letterhead_save(
            entity=account.entity,
            actor="t",
            invoice_pdf_pattern=f"http://127.0.0.1:{port}/{{document_ref}}.pdf",
        )
        result = invoice_copy_send(customer=account, documents=["INV-1", "INV-2"], actor="t")
    finally:
        server.shutdown()
        server.server_close()
    assert [c.source for c in result.copies] == ["erp", "rendered"]
    assert result.copies[1].note == "not found at the ERP: HTTP 404"
    assert "FROM THE ERP SERVER" in _attachments(smtp.recorder.messages[0])["INV-1.pdf"]


def test_spanish_customer_without_email_gets_a_letter(account, smtp, settings):
    account.email, account.language = "", "es"
    account.save()
    result = invoice_copy_send(customer=account, documents=["INV-2"], actor="t")
    assert result.sent and result.message.channel == "letter"
    assert result.message.subject == "Copia de factura INV-2"
    printed = sorted((settings.OPENAR_LETTER_DIR / BASE_DATE.isoformat()).glob("*.pdf"))
    assert len(printed) == 2  # the covering letter, and the copy printed behind it
    [copy_file] = [p for p in printed if p.name.endswith("-INV-2.pdf")]
    copy = pdf_text(copy_file.read_bytes())
    assert "Copia de factura INV-2" in copy and "COPIA" in copy and "1.500,00" in copy
    assert not smtp.recorder.messages


def test_bad_requests_change_nothing(account, smtp):
    with pytest.raises(ValidationError) as err:
        invoice_copy_send(customer=account, documents=["INV-1", "INV-404"], actor="t")
    assert err.value.field == "documents" and "INV-404" in err.value.message
    other = CustomerFactory(customer_ref="C888")
    DocumentFactory(customer=other, document_ref="INV-9")
    with pytest.raises(ValidationError):
        invoice_copy_send(customer=account, documents=["INV-9"], actor="t")
    with pytest.raises(ValidationError) as bad:
        letterhead_save(entity=account.entity, actor="t", invoice_pdf_pattern="erp/{document_ref}")
    assert bad.value.field == "invoice_pdf_pattern"
    with pytest.raises(ValidationError):
        letterhead_save(entity=account.entity, actor="t", invoice_pdf_pattern="/srv/{secret}.pdf")
    assert not OutboxMessage.objects.exists()


def test_from_the_account_view(client, account, smtp):
    client.force_login(UserFactory(username="ana", roles=["collector"]))
    page = client.get(reverse("ledger:customer_detail", args=[account.customer_ref]))
    assert b'id="invoice-copies"' in page.content and b'value="INV-1"' in page.content
    response = client.post(
        reverse("comms:invoice_copy", args=[account.customer_ref]),
        {"documents": ["INV-1"], "other": "INV-2", "to_address": "ap@valle.example"},
        follow=True,
    )
    assert b"Copies of INV-1, INV-2 sent to ap@valle.example." in response.content
    assert smtp.recorder.messages[0]["To"] == "ap@valle.example"
    refused = client.post(
        reverse("comms:invoice_copy", args=[account.customer_ref]), {"other": "NOPE"}, follow=True
    )
    assert b"no document" in refused.content
    cash = UserFactory(username="cash", roles=["cashapp"])
    client.force_login(cash)
    page = client.get(reverse("ledger:customer_detail", args=[account.customer_ref]))
    assert b'id="invoice-copies"' not in page.content
