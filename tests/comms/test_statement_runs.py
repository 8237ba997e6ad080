"""Statement runs end to end: prepared by the background task with progress, reviewed (previewed,
one excluded), sent through a real SMTP server (aiosmtpd) with the PDF attached or printed as a
letter, and reported; PDFs read back with pypdfium2, in English and Spanish."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from openar.activity.models import ContactLog
from openar.comms.models import OutboxMessage, StatementRun, StatementRunLine
from openar.comms.services.statement_runs import (
    statement_line_exclude,
    statement_run_send_start,
    statement_run_start,
)
from openar.comms.tasks import prepare_statement_run, send_statement_run
from openar.core.errors import Conflict, NotFound, ValidationError
from openar.core.models import JobRun
from tests.clock import ON_TODAY
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory, EntityFactory, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]

ADDRESS_MX = (
    "Av. Insurgentes Sur 1602, Piso 4\nCol. Crédito Constructor\n03940 Ciudad de México, CDMX"
)


def pdf_text(content: bytes) -> str:
    doc = pdfium.PdfDocument(io.BytesIO(content))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


def _customer(ref, *, email="", language="en", country="US", address="", entity=None, **kw):
    customer = CustomerFactory(
        customer_ref=ref,
        name=f"Customer {ref}",
        email=email,
        language=language,
        country=country,
        attributes={"address": address} if address else {},
        **({"entity": entity} if entity else {}),
        **kw,
    )
    DocumentFactory(
        customer=customer,
        document_ref=f"INV-{ref}",
        amount=Decimal("1250.50"),
        due_date=BASE_DATE - dt.timedelta(days=45),
    )
    return customer


@pytest.fixture
def portfolio(db):
    entity = EntityFactory(code="MX01", name="Demo México", currency="MXN")
    return {
        "en": _customer("C100", email="ap@c100.example", address="1 Main St\nAustin, TX 78701"),
        "es": _customer(
            "C200",
            language="es",
            country="MX",
            address=ADDRESS_MX,
            entity=entity,
        ),  # no email: a letter
        "gone": _customer("C300", email="nobody@c300.example", address="9 Elm St\nDallas"),
        "later": _customer("C400", email="ap@c400.example"),
        "nowhere": _customer("C500"),  # no email and no postal address
        "paid": CustomerFactory(customer_ref="C600", email="ap@c600.example"),  # nothing open
    }


def test_run_end_to_end_through_the_worker_tasks(
    portfolio, smtp, settings, django_capture_on_commit_callbacks
):
    smtp.recorder.refuse["nobody@c300.example"] = "550 5.1.1 no such user"
    with django_capture_on_commit_callbacks(execute=True):
        run = statement_run_start(as_of=BASE_DATE, scope="all", actor="test")
    assert run.status == "preparing" and run.job.kind == "statement_run"
    queued = DBTaskResult.objects.get(task_path="openar.comms.tasks.prepare_statement_run")
    assert JobRun.objects.get(pk=run.job_id).task_id == str(queued.id)

    prepare_statement_run.call(run.pk)
    run.refresh_from_db()
    job = JobRun.objects.get(pk=run.job_id)
    assert run.status == "review"
    assert (job.status, job.steps_done, job.steps_total) == ("done", 5, 5)
    lines = {line.customer.customer_ref: line for line in run.lines.select_related("customer")}
    assert "C600" not in lines  # nothing open: no statement
    assert lines["C100"].channel == "email" and lines["C100"].status == "ready"
    assert lines["C200"].channel == "letter" and "Insurgentes" in lines["C200"].to_address
    assert lines["C500"].status == "skipped"
    assert "no postal address" in lines["C500"].reason
    assert "Estado de cuenta" in pdf_text(bytes(lines["C200"].pdf))
    assert "Statement of account" in pdf_text(bytes(lines["C100"].pdf))

    statement_line_exclude(line=lines["C400"], reason="customer asked to pause", actor="test")
    statement_run_send_start(run=run, actor="test")
    send_statement_run.call(run.pk)
    run.refresh_from_db()
    assert run.status == "done"
    report = run.report
    assert {k: report[k] for k in ("emailed", "letters", "failed", "skipped", "excluded")} == {
        "emailed": 1,
        "letters": 2,  # C200 has no email; C300's address bounced, so a letter went instead
        "failed": 0,
        "skipped": 1,
        "excluded": 1,
    }
    reasons = {p["customer"]: p["reason"] for p in report["problems"]}
    assert reasons["C400"] == "customer asked to pause"
    assert "no postal address" in reasons["C500"]

    # One email reached the server, with the statement attached and readable.
    assert [m["To"] for m in smtp.recorder.messages] == ["ap@c100.example"]
    sent = smtp.recorder.messages[0]
    assert sent["Subject"] == f"Statement of account C100 on {BASE_DATE.isoformat()}"
    pdf_part = next(p for p in sent.iter_attachments() if p.get_content_type() == "application/pdf")
    assert "INV-C100" in pdf_text(pdf_part.get_content())
    assert OutboxMessage.objects.get(customer=portfolio["en"]).message_id == sent["Message-ID"]

    # The letters are in the print folder: the statement itself, address block included.
    printed = sorted((settings.OPENAR_LETTER_DIR / BASE_DATE.isoformat()).glob("*.pdf"))
    assert [p.name.split("-")[0] for p in printed] == ["C200", "C300"]
    spanish = pdf_text(printed[0].read_bytes())
    assert "Insurgentes Sur 1602" in spanish and "INV-C200" in spanish
    # Every statement that went out is on its account's timeline with the PDF.
    assert ContactLog.objects.filter(customer=portfolio["es"], channel="letter").exists()
    assert ContactLog.objects.get(customer=portfolio["en"]).attachments.count() == 1


def test_sending_twice_sends_nothing_more(portfolio, smtp):
    run = statement_run_start(as_of=BASE_DATE, scope="all", actor="test", background=False)
    prepare_statement_run.call(run.pk)
    statement_run_send_start(run=run, actor="test", background=False)
    send_statement_run.call(run.pk)
    assert len(smtp.recorder.messages) == 3
    with pytest.raises(Conflict):
        statement_run_send_start(run=run, actor="test")
    run.status = "review"  # even a run forced back into review resends nothing already sent
    send_statement_run.call(run.pk)
    assert len(smtp.recorder.messages) == 3


def test_scopes_and_bad_scopes(portfolio):
    run = statement_run_start(as_of=BASE_DATE, scope="entity", scope_value="MX01", actor="t")
    prepare_statement_run.call(run.pk)
    assert list(run.lines.values_list("customer__customer_ref", flat=True)) == ["C200"]
    run.status = "cancelled"
    run.save()
    region = statement_run_start(as_of=BASE_DATE, scope="region", scope_value="mx, us", actor="t")
    assert region.scope_value == "MX,US"
    region.delete()
    with pytest.raises(NotFound):
        statement_run_start(as_of=BASE_DATE, scope="entity", scope_value="XX99", actor="t")
    with pytest.raises(ValidationError) as err:
        statement_run_start(as_of=BASE_DATE, scope="region", scope_value="Mexico", actor="t")
    assert err.value.field == "scope_value"
    assert not StatementRun.objects.filter(scope="region").exists()


def test_pdfs_render_in_worker_processes(portfolio):
    from openar.comms.services.statement_runs import statement_run_prepare

    run = statement_run_start(as_of=BASE_DATE, scope="all", actor="t", background=False)
    statement_run_prepare(run=run, workers=2)
    texts = [pdf_text(bytes(line.pdf)) for line in run.lines.exclude(pdf=None).order_by("id")]
    assert len(texts) == 4 and all("INV-C" in text for text in texts)


def test_pages_review_exclude_preview_and_send(client, portfolio, smtp):
    client.force_login(UserFactory(username="maria", roles=["manager"]))
    page = client.get(reverse("comms:statement_runs"))
    assert page.status_code == 200 and b"New statement run" in page.content
    started = client.post(
        reverse("comms:statement_runs"), {"as_of": BASE_DATE.isoformat(), "scope": "all"}
    )
    run = StatementRun.objects.get()
    assert started.url == reverse("comms:statement_run", args=[run.pk])
    polling = client.get(started.url, {"poll": "1"})
    assert b"Preparing the statements" in polling.content
    prepare_statement_run.call(run.pk)
    done_polling = client.get(started.url, {"poll": "1"})
    assert done_polling["HX-Refresh"] == "true"

    review = client.get(started.url)
    assert review.content.count(b"<tr") == 6  # header + 5 statements
    assert b"Send 4 statements" in review.content
    line = run.lines.get(customer__customer_ref="C100")
    preview = client.get(reverse("comms:statement_pdf", args=[run.pk, line.pk]))
    assert preview["Content-Type"] == "application/pdf"
    assert "INV-C100" in pdf_text(preview.content)
    client.post(reverse("comms:statement_exclude", args=[run.pk, line.pk]))
    line.refresh_from_db()
    assert line.status == "excluded" and line.reason == "excluded by maria"
    letters = client.get(started.url, {"channel": "letter"})
    assert letters.content.count(b"<tr") == 3
    client.post(reverse("comms:statement_send", args=[run.pk]))
    send_statement_run.call(run.pk)
    report = client.get(started.url)
    assert b'id="run-report"' in report.content
    assert b'id="kpi-excluded">1<' in report.content
    try:
        spanish = client.get(started.url, HTTP_ACCEPT_LANGUAGE="es")
        assert "Informe del envío" in spanish.content.decode()
    finally:
        translation.activate("en")


def test_pages_need_a_role(client, portfolio):
    client.force_login(UserFactory(username="cash", roles=["cashapp"]))
    assert client.get(reverse("comms:statement_runs")).status_code == 403


def test_command_prepares_and_sends(portfolio, smtp, capsys):
    from openar.cli import main

    code = main(["comms", "statement-run", "--as-of", BASE_DATE.isoformat(), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "review" and out["statements"] == 4
    StatementRun.objects.update(status="cancelled")
    code = main(
        ["comms", "statement-run", "--as-of", BASE_DATE.isoformat(), "--entity", "MX01",
         "--send", "--json"]
    )  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {k: out[k] for k in ("status", "statements", "emailed", "letters")} == {
        "status": "done",
        "statements": 1,
        "emailed": 0,
        "letters": 1,
    }
    assert StatementRunLine.objects.filter(run_id=out["run"], status="printed").count() == 1
