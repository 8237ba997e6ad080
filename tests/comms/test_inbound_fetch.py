"""Reading the mailbox from a real IMAP server: each reply kept, threaded to its account and the
email it answers, classified into a task in the collector's queue; bounces flag the address and
fall back; nothing read twice, nothing lost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from openar.activity.models import ContactLog, PromiseToPay
from openar.comms.models import BouncedAddress, InboundMessage, MailboxState, OutboxMessage
from openar.comms.policy import reply_token
from openar.comms.services.inbound import MailboxError, inbound_fetch, inbound_promise_confirm
from openar.strategy.models import Action
from openar.worklist.models import WorkItem
from openar.worklist.reasons import reason_text as queue_reason_text
from tests.clock import ON_TODAY
from tests.comms import mail_samples as mail
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]


def _acme(**kw):
    collector = kw.pop("collector", None) or UserFactory(username="dana.c")
    defaults = {
        "name": "Acme Inc.",
        "email": "ap@acme.example",
        "language": "en",
        "country": "US",
        "collector": collector,
        "attributes": {"address": "1 Main St\nSpringfield, IL 62701"},
    }
    customer = CustomerFactory(**(defaults | kw))
    DocumentFactory(
        customer=customer,
        amount=Decimal("1200.00"),
        due_date=BASE_DATE - dt.timedelta(days=40),
    )
    return customer


def _sent(customer, message_id=mail.OUR_ID, to="ap@acme.example", **kw):
    """An email of ours that went out yesterday."""
    return OutboxMessage.objects.create(
        customer=customer,
        channel="email",
        template_code="reminder",
        language="en",
        to_address=to,
        subject="Payment reminder",
        body="Dear customer, the items below are past due.",
        status="sent",
        message_id=message_id,
        as_of=BASE_DATE - dt.timedelta(days=1),
        **kw,
    )


def test_a_reply_is_threaded_to_its_email_and_becomes_a_promise_to_confirm(imap):
    customer = _acme()
    original = _sent(customer)
    uid = imap.deliver(mail.outlook_promise())

    result = inbound_fetch(actor="test")

    assert result.as_json() == {
        "fetched": 1,
        "threaded": 1,
        "unmatched": 0,
        "bounces": 0,
        "failed": 0,
    }
    message = InboundMessage.objects.get()
    assert (message.customer, message.original, message.matched_by) == (
        customer,
        original,
        "reply",
    )
    assert message.kind == "promise"
    assert (message.promise_amount, message.promise_currency, message.promise_date) == (
        Decimal("12500.00"),
        "USD",
        dt.date(2026, 7, 15),
    )
    assert "We will pay 12,500.00 on 15 July" in message.text
    assert message.from_address == "ap@acme.example"
    # Not confirmed by itself: the collector does that.
    assert not PromiseToPay.objects.exists()
    # On the account's timeline, as an inbound email (without the quoted reminder).
    contact = ContactLog.objects.get(pk=message.contact_id)
    assert (contact.channel, contact.direction, contact.customer) == ("email", "inbound", customer)
    assert "We will pay 12,500.00" in contact.note and "Sent: Monday" not in contact.note
    assert contact.message_id == message.message_id
    # A task in the collector's queue, at once.
    action = Action.objects.get(pk=message.action_id)
    assert (action.kind, action.status, action.owner_role) == ("custom", "open", "collector")
    assert action.reason == (
        "Email from ap@acme.example: promise to pay 12,500.00 USD by 2026-07-15. Confirm it"
    )
    assert action.reason_parts == [
        {
            "code": "inbound_promise",
            "params": {
                "sender": "ap@acme.example",
                "amount": "12500.00",
                "currency": "USD",
                "date": "2026-07-15",
            },
        }
    ]
    item = WorkItem.objects.get(action=action)
    assert item.collector == customer.collector
    # The queue says what the email is about, first among the reasons, in the reader's words.
    assert item.reasons[0] == {
        "code": "task",
        "params": {"text": action.reason, "parts": action.reason_parts},
    }
    with translation.override("es"):
        assert queue_reason_text(item.reasons[0]) == (
            "Correo de ap@acme.example: promesa de pago de 12\u00a0500,00 USD para el 2026-07-15. "
            "Confírmela"
        )
    # Marked read on the server only now that it is stored.
    assert "\\Seen" in imap.flags(uid)
    assert any("BODY.PEEK[]" in c for c in imap.commands)

    # The collector confirms it (correcting nothing): the promise is recorded, the task done.
    user = customer.collector
    inbound_promise_confirm(
        message=message,
        amount=message.promise_amount,
        promised_date=message.promise_date,
        actor=user,
        taken_on=BASE_DATE,
    )
    promise = PromiseToPay.objects.get()
    assert (promise.customer, promise.amount, promise.promised_date, promise.status) == (
        customer,
        Decimal("12500.00"),
        dt.date(2026, 7, 15),
        "open",
    )
    action.refresh_from_db()
    assert action.status == "done"


def test_reply_token_in_the_address_threads_a_reply_to_its_account(imap):
    customer = _acme(email="")
    token = reply_token(customer.pk, django_settings.SECRET_KEY)
    imap.deliver(mail.gmail_dispute(token_address=f"ar+{token}@example.com"))

    result = inbound_fetch(actor="test")

    assert (result.threaded, result.unmatched) == (1, 0)
    message = InboundMessage.objects.get()
    assert (message.customer, message.matched_by, message.kind) == (customer, "token", "dispute")
    assert "dispute" in Action.objects.get(pk=message.action_id).reason


def test_a_forged_token_does_not_thread(imap):
    customer = _acme(email="")
    imap.deliver(mail.gmail_dispute(token_address=f"ar+c{customer.pk}-00000000@example.com"))

    assert inbound_fetch(actor="test").unmatched == 1
    assert InboundMessage.objects.get().customer is None


def test_spanish_html_only_mail_threads_by_the_sender_address(imap):
    customer = _acme(
        name="Ferretería Sol", email="pagos@sol.example", language="es", currency="MXN"
    )
    imap.deliver(mail.spanish_html_promise())

    inbound_fetch(actor="test")

    message = InboundMessage.objects.get()
    assert (message.customer, message.matched_by) == (customer, "sender")
    assert (message.kind, message.language) == ("promise", "es")
    assert (message.promise_amount, message.promise_currency, message.promise_date) == (
        Decimal("12500.00"),
        "MXN",
        dt.date(2026, 7, 15),
    )
    assert "pagaremos el 15/07" in message.text and "<b>" not in message.text
    assert message.subject == "Confirmación de pago"


def test_postfix_bounce_flags_the_address_and_a_letter_goes_instead(imap):
    customer = _acme()
    original = _sent(customer)
    imap.deliver(mail.postfix_dsn())

    result = inbound_fetch(actor="test")

    assert (result.bounces, result.threaded) == (1, 1)
    flag = BouncedAddress.objects.get()
    assert (flag.address, flag.code, flag.customer) == ("ap@acme.example", 550, customer)
    original.refresh_from_db()
    assert original.status == "bounced"
    letter = OutboxMessage.objects.get(channel="letter")
    assert (letter.status, letter.fallback_for) == ("queued", original)
    assert "1 Main St" in letter.to_address
    message = InboundMessage.objects.get()
    assert (message.kind, message.bounced_address, message.original) == (
        "bounce",
        "ap@acme.example",
        original,
    )
    assert "bounced" in Action.objects.get(pk=message.action_id).reason


def test_exchange_bounce_without_a_postal_address_becomes_a_call_task(imap):
    customer = _acme(email="ap@sol.example", attributes={})
    original = _sent(customer, message_id="<88.openar@example.com>", to="ap@sol.example")
    imap.deliver(
        mail.exchange_dsn(original_id="<88.openar@example.com>", recipient="ap@sol.example")
    )

    inbound_fetch(actor="test")

    original.refresh_from_db()
    assert original.status == "bounced"
    assert not OutboxMessage.objects.filter(channel="letter").exists()
    call = Action.objects.get(kind="call")
    assert call.customer == customer and "no postal address" in call.reason
    assert WorkItem.objects.filter(action=call, collector=customer.collector).exists()
    assert InboundMessage.objects.get().action == call
    assert BouncedAddress.objects.get().address == "ap@sol.example"


def test_automatic_replies_are_recognised(imap):
    customer = _acme()
    _sent(customer)
    spanish = _acme(email="pagos@sol.example", language="es", collector=customer.collector)
    imap.deliver(mail.out_of_office())
    imap.deliver(mail.spanish_autoreply(sender="pagos@sol.example"))

    inbound_fetch(actor="test")

    kinds = dict(InboundMessage.objects.values_list("customer_id", "kind"))
    assert kinds == {customer.pk: "auto_reply", spanish.pk: "auto_reply"}
    # "We will pay invoices when I am back" in an out-of-office is no promise.
    assert not InboundMessage.objects.exclude(promise_amount=None).exists()


def test_attachments_are_kept_and_one_over_the_limit_is_noted_not_kept(imap, settings):
    settings.OPENAR_INBOUND_MAX_ATTACHMENT_BYTES = 50_000
    customer = _acme(email="treasury@acme.example")
    imap.deliver(mail.remittance_with_attachments(sender="treasury@acme.example", big_bytes=80_000))

    result = inbound_fetch(actor="test")

    assert result.as_json()["failed"] == 0
    message = InboundMessage.objects.get()
    assert message.kind == "remittance"
    assert [a.filename for a in message.attachments.all()] == ["remittance-0630.pdf"]
    assert "scan-of-cheque.png" in message.note and "over the limit of 50,000 bytes" in message.note
    contact = ContactLog.objects.get(pk=message.contact_id)
    assert [a.filename for a in contact.attachments.all()] == ["remittance-0630.pdf"]
    assert bytes(contact.attachments.get().content).startswith(b"%PDF-1.4")
    assert "scan-of-cheque.png" in contact.note
    assert customer.pk == message.customer_id


def test_portuguese_invoice_copy_request(imap):
    _acme(email="financeiro@lusa.example", language="pt")
    imap.deliver(mail.invoice_copy_request_pt(sender="financeiro@lusa.example"))

    inbound_fetch(actor="test")

    message = InboundMessage.objects.get()
    assert (message.kind, message.language) == ("invoice_copy", "pt")


def test_a_message_matching_nothing_waits_unmatched_without_a_task(imap):
    _acme()
    imap.deliver(mail.stranger())

    result = inbound_fetch(actor="test")

    assert (result.fetched, result.unmatched, result.threaded) == (1, 1, 0)
    message = InboundMessage.objects.get()
    assert (message.status, message.customer, message.action) == ("unmatched", None, None)
    assert not ContactLog.objects.exists()


def test_a_broken_message_is_kept_for_a_person_and_the_rest_still_read(imap):
    _acme()
    imap.deliver(mail.garbage())
    imap.deliver(mail.stranger())

    result = inbound_fetch(actor="test")

    assert result.fetched == 2
    assert InboundMessage.objects.count() == 2
    assert MailboxState.objects.get().last_uid == 2


def test_nothing_is_read_twice_and_new_mail_is_read_next_time(imap):
    customer = _acme()
    _sent(customer)
    imap.deliver(mail.outlook_promise())

    assert inbound_fetch(actor="test").fetched == 1
    assert inbound_fetch(actor="test").as_json() == {
        "fetched": 0,
        "threaded": 0,
        "unmatched": 0,
        "bounces": 0,
        "failed": 0,
    }
    imap.deliver(mail.stranger())
    assert inbound_fetch(actor="test").fetched == 1
    assert InboundMessage.objects.count() == 2
    assert Action.objects.count() == 1
    state = MailboxState.objects.get()
    assert (state.last_uid, state.uidvalidity) == (2, 1700000001)
    assert state.key == f"ar@example.com@127.0.0.1:{imap.port}/INBOX"


def test_a_renumbered_folder_is_read_again_without_duplicates(imap):
    _acme()
    imap.deliver(mail.stranger())
    inbound_fetch(actor="test")
    imap.renumber()
    imap.deliver(mail.out_of_office())

    result = inbound_fetch(actor="test")

    assert result.fetched == 1
    assert InboundMessage.objects.count() == 2
    assert MailboxState.objects.get().uidvalidity == 1700000002


def test_a_run_that_stops_before_marking_read_loses_nothing(imap):
    _acme()
    uid = imap.deliver(mail.stranger())
    imap.refuse_store = True

    with pytest.raises(MailboxError, match="did not mark message 1 read"):
        inbound_fetch(actor="test")

    assert InboundMessage.objects.get().marked_seen is False
    assert "\\Seen" not in imap.flags(uid)
    imap.refuse_store = False
    assert inbound_fetch(actor="test").fetched == 0  # stored already: only marked now
    assert "\\Seen" in imap.flags(uid)
    assert InboundMessage.objects.get().marked_seen is True


def test_a_refused_login_or_a_server_down_says_so(imap):
    with pytest.raises(MailboxError, match=r"refused the login of 'ar@example\.com'"):
        inbound_fetch(actor="test", url=imap.url(password="wrong"))
    with pytest.raises(MailboxError, match="no folder 'Archive'"):
        inbound_fetch(actor="test", url=imap.url(folder="Archive"))
    imap.stop()
    with pytest.raises(MailboxError, match=r"cannot connect to the mail server 127\.0\.0\.1"):
        inbound_fetch(actor="test")
    assert not InboundMessage.objects.exists()


def test_no_mailbox_configured(settings):
    settings.OPENAR_IMAP_URL = ""
    with pytest.raises(MailboxError, match="set OPENAR_IMAP_URL"):
        inbound_fetch(actor="test")
