"""Sending through a real SMTP server (aiosmtpd): one message per customer listing every
past-due item, windows and caps, nothing lost and nothing sent twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.activity.models import ContactLog
from openar.comms.models import BouncedAddress, OutboxMessage
from openar.comms.policy import customer_from_token
from openar.comms.services import outbox_queue, outbox_send
from openar.core.email_url import email_url_config
from tests.comms.smtp import free_port
from tests.comms.test_outbox import _action
from tests.factories import (
    BASE_DATE,
    ApplicationFactory,
    CustomerFactory,
    DocumentFactory,
    ReceiptFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
TUESDAY_10_NY = dt.datetime(2026, 6, 30, 14, 0, tzinfo=UTC)  # 10:00 in New York
SATURDAY = dt.datetime(2026, 7, 4, 14, 0, tzinfo=UTC)


def _customer(**kw):
    defaults = {"name": "Acme Inc.", "email": "ap@acme.example", "language": "en", "country": "US"}
    return CustomerFactory(**(defaults | kw))


def _past_due_account(customer):
    DocumentFactory(
        customer=customer,
        document_ref="INV-1",
        amount=Decimal("1200.00"),
        due_date=BASE_DATE - dt.timedelta(days=40),
    )
    DocumentFactory(
        customer=customer,
        document_ref="INV-2",
        amount=Decimal("300.00"),
        due_date=BASE_DATE - dt.timedelta(days=10),
        disputed=True,
    )
    DocumentFactory(
        customer=customer,
        document_ref="INV-3",
        currency="EUR",
        amount=Decimal("500.00"),
        due_date=BASE_DATE - dt.timedelta(days=5),
    )
    DocumentFactory(
        customer=customer,
        document_ref="CM-1",
        document_type="credit_memo",
        amount=Decimal("-50.00"),
        due_date=BASE_DATE - dt.timedelta(days=20),
    )
    receipt = ReceiptFactory(
        customer=customer, entity=customer.entity, amount=Decimal("100.00"), currency="USD"
    )
    paid = DocumentFactory(customer=customer, document_ref="INV-0", amount=Decimal("40.00"))
    paid.open_amount = Decimal(0)
    paid.save()
    ApplicationFactory(receipt=receipt, document=paid, amount=Decimal("40.00"))


def _send(**kw):
    return outbox_send(as_of=BASE_DATE, actor="test", now=kw.pop("now", TUESDAY_10_NY), **kw)


def test_one_reminder_lists_every_past_due_item_and_goes_through_smtp(smtp, settings):
    customer = _customer()
    _past_due_account(customer)
    _action(customer, "email", dpd=40)
    outbox_queue(as_of=BASE_DATE, actor="test")

    result = _send()

    assert result.as_json() == {"sent": 1, "deferred": 0, "failed": 0, "letters": 0, "skipped": 0}
    [received] = smtp.recorder.messages
    message = OutboxMessage.objects.get()
    assert message.status == "sent"
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "ap@acme.example"
    assert received["From"] == "Accounts Receivable <ar@example.com>"
    assert customer_from_token(received["Reply-To"], settings.SECRET_KEY) == customer.pk
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    for ref in ("INV-1", "INV-2", "INV-3", "CM-1"):
        assert ref in text and ref in html
    assert "INV-0" not in text  # paid
    assert "INV-2" in text.split("in dispute: not requested")[0].splitlines()[-1]
    assert "USD: past due 1,200.00" in text  # the disputed 300 is not asked for
    assert "in dispute 300.00" in text
    assert "credits -50.00" in text
    assert "unapplied cash -60.00" in text
    assert "amount to pay 1,090.00" in text
    assert "EUR: past due 500.00" in text
    # On the account timeline, with its Message-ID.
    contact = ContactLog.objects.get(customer=customer)
    assert (contact.channel, contact.outcome, contact.message_id) == (
        "email",
        "sent",
        message.message_id,
    )
    assert message.contact_id == contact.pk

    # Sent once: the next run finds nothing to do.
    assert _send().as_json() == {"sent": 0, "deferred": 0, "failed": 0, "letters": 0, "skipped": 0}
    assert len(smtp.recorder.messages) == 1


def test_spanish_customer_gets_spanish_amounts(smtp):
    customer = _customer(
        name="Ferretería Sol", email="pagos@sol.example", language="es", country="MX"
    )
    DocumentFactory(customer=customer, amount=Decimal("1234.50"), due_date=BASE_DATE.replace(day=1))
    _action(customer, "email", dpd=29)
    outbox_queue(as_of=BASE_DATE, actor="test")
    assert _send().sent == 1
    text = smtp.recorder.messages[0].get_body(("plain",)).get_content()
    assert "Partidas vencidas" in text
    assert "MXN: vencido 0,00" not in text
    assert "USD: vencido 1.234,50" in text
    assert "importe a pagar 1.234,50" in text


def test_two_actions_one_message(smtp):
    customer = _customer()
    _past_due_account(customer)
    _action(customer, "email", dpd=40, key="a")
    _action(customer, "email", template="second_notice", dpd=40, key="b")
    outbox_queue(as_of=BASE_DATE, actor="test")
    result = _send()
    assert (result.sent, result.skipped) == (1, 1)
    assert len(smtp.recorder.messages) == 1
    assert (
        OutboxMessage.objects.filter(status="cancelled", error__startswith="sent together").count()
        == 1
    )


def test_quiet_day_and_window_defer_in_the_customer_zone(smtp):
    customer = _customer()
    _past_due_account(customer)
    _action(customer, "email", dpd=40)
    outbox_queue(as_of=BASE_DATE, actor="test")

    result = _send(now=SATURDAY)
    assert result.as_json()["deferred"] == 1 and result.ok is False
    message = OutboxMessage.objects.get()
    assert message.status == "queued"
    assert "quiet day in America/New_York" in message.error
    # Monday 08:00 in New York is 12:00 UTC.
    assert message.next_attempt_at == dt.datetime(2026, 7, 6, 12, 0, tzinfo=UTC)
    assert smtp.recorder.messages == []

    # Early on a Tuesday morning in New York: outside the window until 08:00.
    early = dt.datetime(2026, 7, 7, 10, 0, tzinfo=UTC)  # 06:00 in New York
    result = _send(now=early)
    assert result.deferred == 1
    message.refresh_from_db()
    assert "outside the send window" in message.error

    # --ignore-window sends now.
    assert _send(now=SATURDAY + dt.timedelta(days=3), ignore_window=True).sent == 1


def test_frequency_cap_holds_even_outside_the_window(smtp, settings):
    settings.OPENAR_EMAIL_MAX_PER_WEEK = 1
    customer = _customer()
    _past_due_account(customer)
    _action(customer, "email", dpd=40, key="first")
    outbox_queue(as_of=BASE_DATE, actor="test")
    assert _send().sent == 1

    _action(customer, "email", dpd=41, key="second")
    outbox_queue(as_of=BASE_DATE, actor="test")
    result = _send(now=TUESDAY_10_NY + dt.timedelta(days=2), ignore_window=True)
    assert (result.sent, result.deferred) == (0, 1)
    waiting = OutboxMessage.objects.get(status="queued")
    assert waiting.error == "frequency cap: 1 emails in 7 days"
    assert waiting.next_attempt_at == TUESDAY_10_NY + dt.timedelta(days=7)
    assert _send(now=TUESDAY_10_NY + dt.timedelta(days=7, minutes=1)).sent == 1


def test_server_down_keeps_the_message_queued_and_retries_with_backoff(smtp, settings):
    customer = _customer()
    _past_due_account(customer)
    _action(customer, "email", dpd=40)
    outbox_queue(as_of=BASE_DATE, actor="test")
    up = settings.MAILERS
    settings.MAILERS = {"default": email_url_config(f"smtp://127.0.0.1:{free_port()}?timeout=2")}

    result = _send()
    assert result.as_json() == {"sent": 0, "deferred": 1, "failed": 0, "letters": 0, "skipped": 0}
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.error.startswith("mail server unreachable: ConnectionRefusedError")
    assert message.next_attempt_at == TUESDAY_10_NY + dt.timedelta(minutes=5)

    # Before the backoff ends nothing is tried; a second failure doubles the wait.
    assert _send(now=TUESDAY_10_NY + dt.timedelta(minutes=1)).as_json()["deferred"] == 0
    _send(now=TUESDAY_10_NY + dt.timedelta(minutes=6))
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == TUESDAY_10_NY + dt.timedelta(minutes=16)

    settings.MAILERS = up
    assert _send(now=TUESDAY_10_NY + dt.timedelta(minutes=20)).sent == 1
    assert len(smtp.recorder.messages) == 1


def test_temporary_refusal_is_retried(smtp):
    customer = _customer()
    _past_due_account(customer)
    _action(customer, "email", dpd=40)
    outbox_queue(as_of=BASE_DATE, actor="test")
    smtp.recorder.refuse["ap@acme.example"] = "451 4.7.1 try again later"
    result = _send()
    assert result.deferred == 1
    message = OutboxMessage.objects.get()
    assert (message.status, message.error) == ("queued", "451 4.7.1 try again later")
    assert not BouncedAddress.objects.exists()


def test_hard_bounce_flags_the_address_and_a_letter_goes_instead(smtp, settings):
    customer = _customer(attributes={"address": "1 Main St\nSpringfield, IL 62701"})
    _past_due_account(customer)
    _action(customer, "email", dpd=40)
    outbox_queue(as_of=BASE_DATE, actor="test")
    smtp.recorder.refuse["ap@acme.example"] = "550 5.1.1 mailbox unknown"

    result = _send()

    assert result.as_json() == {"sent": 0, "deferred": 0, "failed": 1, "letters": 1, "skipped": 0}
    email = OutboxMessage.objects.get(channel="email")
    assert email.status == "bounced"
    assert "550" in email.error
    flag = BouncedAddress.objects.get()
    assert (flag.address, flag.code, flag.customer_id) == ("ap@acme.example", 550, customer.pk)
    letter = OutboxMessage.objects.get(channel="letter")
    assert (letter.status, letter.fallback_for_id) == ("sent", email.pk)
    assert letter.to_address == "Acme Inc.\n1 Main St\nSpringfield, IL 62701\nUNITED STATES"
    pdf_path = (
        settings.OPENAR_LETTER_DIR
        / BASE_DATE.isoformat()
        / f"{customer.customer_ref}-{letter.pk}.pdf"
    )
    assert pdf_path.read_bytes().startswith(b"%PDF")
    contact = ContactLog.objects.get(channel="letter")
    assert [a.filename for a in contact.attachments.all()] == [pdf_path.name]

    # The next email action for that customer goes out as a letter from the start.
    _action(customer, "email", dpd=45, key="later")
    outbox_queue(as_of=BASE_DATE, actor="test")
    assert OutboxMessage.objects.filter(channel="letter", status="queued").count() == 1


def test_a_crash_after_the_server_accepted_does_not_resend(smtp):
    customer = _customer()
    _past_due_account(customer)
    _action(customer, "email", dpd=40)
    outbox_queue(as_of=BASE_DATE, actor="test")
    smtp.recorder.crash_client_after_accept = True

    with pytest.raises(KeyboardInterrupt):
        _send()

    message = OutboxMessage.objects.get()
    assert message.status == "sending"
    assert message.message_id == smtp.recorder.messages[0]["Message-ID"]

    result = _send(now=TUESDAY_10_NY + dt.timedelta(hours=1))
    assert result.as_json() == {"sent": 0, "deferred": 0, "failed": 0, "letters": 0, "skipped": 1}
    assert result.details[0][2] == "unconfirmed"
    assert len(smtp.recorder.messages) == 1


def test_test_mode_sends_everything_to_one_address(smtp, settings):
    settings.OPENAR_EMAIL_TEST_TO = "qa@example.com"
    customer = _customer()
    _past_due_account(customer)
    _action(customer, "email", dpd=40)
    outbox_queue(as_of=BASE_DATE, actor="test")
    assert _send().sent == 1
    [received] = smtp.recorder.messages
    assert received["To"] == "qa@example.com"
    assert received["X-OpenAR-Original-To"] == "ap@acme.example"
    assert received["Subject"].startswith("[TEST] ")


def test_dry_run_changes_nothing(smtp):
    customer = _customer()
    _past_due_account(customer)
    _action(customer, "email", dpd=40)
    _action(_customer(email="", name="Letter Only"), "letter", dpd=70)
    outbox_queue(as_of=BASE_DATE, actor="test")
    result = _send(dry_run=True)
    assert (result.sent, result.letters) == (1, 1)
    assert smtp.recorder.messages == []
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"queued"}
    assert not ContactLog.objects.exists()


def test_attachment_over_the_limit_fails_with_the_sizes(smtp, settings):
    settings.OPENAR_EMAIL_ATTACH_PDF = True
    settings.OPENAR_EMAIL_MAX_ATTACHMENT_BYTES = 1000
    customer = _customer()
    _past_due_account(customer)
    _action(customer, "email", dpd=40)
    outbox_queue(as_of=BASE_DATE, actor="test")
    result = _send()
    assert result.failed == 1
    message = OutboxMessage.objects.get()
    assert message.status == "failed"
    assert "over the limit of 1000 bytes" in message.error
    assert smtp.recorder.messages == []


def test_statement_pdf_attached_and_kept_on_the_timeline(smtp, settings):
    settings.OPENAR_EMAIL_ATTACH_PDF = True
    customer = _customer()
    _past_due_account(customer)
    _action(customer, "email", dpd=40)
    outbox_queue(as_of=BASE_DATE, actor="test")
    assert _send().sent == 1
    [received] = smtp.recorder.messages
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == f"statement-{customer.customer_ref}.pdf"
    stored = ContactLog.objects.get().attachments.get()
    assert bytes(stored.content) == attachment.get_content()
