"""Sending what is due: emails through the configured mail server, letters as PDF for printing.

Nothing is sent twice: before a message is handed to the server its Message-ID and the status
``sending`` are committed in their own transaction (a conditional update, so two workers never
take the same message). Only after the server accepted it does the status become ``sent``. A run
that dies in between leaves the message ``sending``; no later run picks it up again, and the
Outbox shows it as unconfirmed for a person to check.

A server that is down or answers 4xx leaves the message queued with the error and a later
``next_attempt_at`` (backoff). A 5xx refusal of the recipient is a hard bounce: the address is
flagged and a letter goes instead, or a call task when there is no postal address
(``services.bounces``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import make_msgid, parseaddr
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openar.activity.choices import ContactChannel
from openar.comms.choices import DUNNING_TEMPLATES, MessageChannel, MessageStatus
from openar.comms.documents import Rendered, letter_page, pdf, statement_page
from openar.comms.domain import message_language
from openar.comms.models import BouncedAddress, OutboxAttachment, OutboxMessage
from openar.comms.parties import Recipient, parties_for
from openar.comms.policy import (
    MAX_ATTEMPTS,
    backoff,
    cap_frees_at,
    customer_zone,
    parse_window,
    reply_token,
)
from openar.comms.selectors import account_items
from openar.comms.services.bounces import message_bounce, queues_refresh
from openar.comms.services.recording import Sent, sent_record
from openar.core.audit import audit_record
from openar.ledger.models import Customer

JSON_KEYS = ("sent", "deferred", "failed", "letters", "skipped")
# Emails are claimed (Message-ID recorded, status "sending", committed) this many at a time
# before any of them is handed to the server; a run killed in between leaves at most this many
# unconfirmed, never sent twice. Accepted ones are recorded (status, timeline, action) in batches.
CLAIM_BATCH = 50
RECORD_BATCH = 200
# Which of two messages for the same customer goes out (the other is merged into it).
_SEVERITY = {"reminder": 0, "past_due_notice": 1, "second_notice": 2}
_DOWN = (
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
    OSError,
)


@dataclass
class SendResult:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    letters: int = 0
    skipped: int = 0
    dry_run: bool = False
    # One line per message that did not simply go out: (message id, customer ref, outcome, why).
    details: list[tuple[int, str, str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, int]:
        return {key: getattr(self, key) for key in JSON_KEYS}

    @property
    def ok(self) -> bool:
        return not (self.deferred or self.failed)


def _note(result: SendResult, message: OutboxMessage, outcome: str, why: str) -> None:
    result.details.append((message.pk, message.customer.customer_ref, outcome, why))


def _from_address(party: Recipient) -> str:
    if settings.OPENAR_EMAIL_FROM_COLLECTOR and party.collector_email:
        name = party.collector_name.replace('"', "")
        return f'"{name}" <{party.collector_email}>' if name else party.collector_email
    return settings.OPENAR_EMAIL_FROM


def _reply_to(customer_id: int) -> str:
    return settings.OPENAR_EMAIL_REPLY_TO.replace(
        "{token}", reply_token(customer_id, settings.SECRET_KEY)
    )


def _msgid_domain() -> str:
    _, addr = parseaddr(settings.OPENAR_EMAIL_FROM)
    return addr.rpartition("@")[2] or "openar.invalid"


def _due(*, as_of: dt.date, now: dt.datetime, message_ids: list[int] | None) -> list[OutboxMessage]:
    qs = OutboxMessage.objects.select_related("customer").filter(status=MessageStatus.QUEUED)
    if message_ids is not None:
        qs = qs.filter(pk__in=message_ids)
    else:
        qs = qs.filter(as_of__lte=as_of).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
    return list(qs.order_by("customer_id", "id"))


def _pick(messages: list[OutboxMessage]) -> tuple[OutboxMessage, list[OutboxMessage]]:
    """The one message a customer gets on this channel (the latest cycle, then the sternest),
    and the others it replaces: each lists every past-due item, so one is enough."""
    best = max(messages, key=lambda m: (m.as_of, _SEVERITY.get(m.template_code, 0), m.pk))
    return best, [m for m in messages if m.pk != best.pk]


def outbox_send(
    *,
    as_of: dt.date,
    actor: Any,
    limit: int | None = None,
    ignore_window: bool = False,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    message_ids: list[int] | None = None,
) -> SendResult:
    """Send the queued messages due on ``as_of`` (or just ``message_ids``): one email or letter
    per customer and channel, within the frequency cap, and unless ``ignore_window`` only on
    working days inside the send window in the customer's time zone. ``limit`` caps the number
    of customers handled. ``dry_run`` counts what would happen and changes nothing."""
    now = now or timezone.now()
    result = SendResult(dry_run=dry_run)
    window = parse_window(settings.OPENAR_EMAIL_WINDOW, settings.OPENAR_EMAIL_QUIET_DAYS)
    if message_ids is None:
        for stuck in OutboxMessage.objects.select_related("customer").filter(
            status=MessageStatus.SENDING, as_of__lte=as_of
        ):
            result.skipped += 1
            _note(result, stuck, "unconfirmed", "interrupted after hand-over: not sent again")
    due = _due(as_of=as_of, now=now, message_ids=message_ids)
    # Dunning messages of one customer and channel go as one; a statement or an invoice copy
    # goes on its own.
    groups: dict[tuple[int, str, int], list[OutboxMessage]] = defaultdict(list)
    for message in due:
        # Reminders replace each other; a statement, an invoice copy or a dispute's resolution
        # letter always goes on its own.
        alone = 0 if message.template_code in DUNNING_TEMPLATES else message.pk
        groups[(message.customer_id, message.channel, alone)].append(message)
    keys = list(groups)
    if limit is not None:
        customers = sorted({k[0] for k in keys})[: max(limit, 0)]
        keys = [k for k in keys if k[0] in set(customers)]
    customer_ids = sorted({k[0] for k in keys})
    parties = parties_for(customer_ids)
    accounts = account_items(customer_ids, as_of)
    week_ago = now - dt.timedelta(days=7)
    sent_times: dict[int, list[dt.datetime]] = defaultdict(list)
    for cid, at in OutboxMessage.objects.filter(
        customer_id__in=customer_ids,
        channel=MessageChannel.EMAIL,
        status=MessageStatus.SENT,
        sent_at__gt=week_ago,
    ).values_list("customer_id", "sent_at"):
        if at is not None:
            sent_times[cid].append(at)
    bounced = set(
        BouncedAddress.objects.filter(
            address__in=[p.email.lower() for p in parties.values() if p.email]
        ).values_list("address", flat=True)
    )
    sender = _Sender(result=result, actor=actor, now=now, dry_run=dry_run, as_of=as_of)
    sender.files = _attachments([groups[k][0].pk for k in keys if k[2]])
    try:
        for key in keys:
            primary, merged = _pick(groups[key])
            for other in merged:
                result.skipped += 1
                _note(result, other, "merged", f"sent together with message {primary.pk}")
                if not dry_run:
                    _merge(other, primary, actor=actor)
            party = parties[primary.customer_id]
            if primary.channel == MessageChannel.LETTER:
                sender.letter(primary, party, accounts[primary.customer_id])
                continue
            address = (primary.to_address or "").strip()
            if address.lower() in bounced:
                sender.bounce_to_letter(
                    primary,
                    party,
                    accounts[primary.customer_id],
                    None,
                    "the address bounced before",
                )
                continue
            frees = cap_frees_at(
                sent_times[primary.customer_id], cap=settings.OPENAR_EMAIL_MAX_PER_WEEK, now=now
            )
            if primary.template_code not in DUNNING_TEMPLATES:
                frees = None  # a statement or a requested copy is not dunning: no cap
            if frees is not None:
                sender.defer(
                    primary,
                    frees,
                    f"frequency cap: {settings.OPENAR_EMAIL_MAX_PER_WEEK} emails in 7 days",
                    attempt=False,
                )
                continue
            if not ignore_window:
                zone = customer_zone(
                    time_zone=party.time_zone, country=party.country, default=settings.TIME_ZONE
                )
                local = now.astimezone(zone)
                if not window.contains(local):
                    why = (
                        "quiet day"
                        if local.weekday() in window.quiet_days
                        else "outside the send window"
                    )
                    sender.defer(
                        primary,
                        window.next_opening(local),
                        f"{why} in {zone.key}",
                        attempt=False,
                    )
                    continue
            sender.email(primary, party, accounts[primary.customer_id])
        sender.send_queued()
    finally:
        sender.close()
    if sender.calls:
        queues_refresh(customer_ids=sender.calls, as_of=as_of, actor=actor)
    if not dry_run and (result.sent or result.letters or result.failed or result.deferred):
        audit_record(
            actor=actor,
            action="outbox.send",
            object_type="outbox",
            object_id=as_of.isoformat(),
            summary=(
                f"{result.sent} sent, {result.letters} letters, {result.deferred} deferred, "
                f"{result.failed} failed, {result.skipped} skipped"
            ),
            after=result.as_json(),
        )
    return result


def _attachments(message_ids: list[int]) -> dict[int, list[tuple[str, str, bytes]]]:
    """The files that go with these messages (statements, invoice copies), read in batches."""
    files: dict[int, list[tuple[str, str, bytes]]] = defaultdict(list)
    for start in range(0, len(message_ids), 500):
        for message_id, name, content_type, content in (
            OutboxAttachment.objects.filter(message_id__in=message_ids[start : start + 500])
            .order_by("id")
            .values_list("message_id", "filename", "content_type", "content")
        ):
            files[message_id].append((name, content_type, bytes(content)))
    return files


@transaction.atomic
def _merge(message: OutboxMessage, into: OutboxMessage, *, actor: Any) -> None:
    OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(
        status=MessageStatus.CANCELLED, error=f"sent together with message {into.pk}"
    )


class _Sender:
    """One run's connection to the mail server and the outcome of each message."""

    def __init__(
        self, *, result: SendResult, actor: Any, now: dt.datetime, dry_run: bool, as_of: dt.date
    ):
        self.result = result
        self.actor = actor
        self.now = now
        self.as_of = as_of
        self.dry_run = dry_run
        self.calls: set[int] = set()  # accounts given a call task instead of a letter
        self.connection: Any = None
        self.down: str = ""  # why the server cannot be reached in this run
        self.files: dict[int, list[tuple[str, str, bytes]]] = {}  # attachments per message
        self.queue: list[tuple[OutboxMessage, Recipient, Any]] = []  # emails not yet claimed
        self.pending: list[Sent] = []  # accepted by the server, not yet recorded

    def flush(self) -> None:
        """Record the messages the server accepted since the last flush."""
        batch, self.pending = self.pending, []
        sent_record(batch, now=self.now, actor=self.actor)

    def close(self) -> None:
        # What the server accepted is recorded even when the run stops on an error.
        self.flush()
        if self.connection is not None:
            # Closing a broken connection must not mask the run's result.
            with contextlib.suppress(Exception):
                self.connection.close()

    # -- outcomes -------------------------------------------------------------------------------
    def defer(self, message: OutboxMessage, until: dt.datetime, why: str, *, attempt: bool) -> None:
        self.result.deferred += 1
        _note(self.result, message, "deferred", why)
        if self.dry_run:
            return
        attempts = message.attempts + (1 if attempt else 0)
        status = MessageStatus.QUEUED
        if attempt and attempts >= MAX_ATTEMPTS:
            status, why = MessageStatus.FAILED, f"gave up after {attempts} attempts: {why}"
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=status,
            error=why[:300],
            attempts=attempts,
            next_attempt_at=until,
        )

    def fail(self, message: OutboxMessage, why: str) -> None:
        self.result.failed += 1
        _note(self.result, message, "failed", why)
        if not self.dry_run:
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=MessageStatus.FAILED, error=why[:300]
            )

    # -- letters --------------------------------------------------------------------------------
    def letter(self, message: OutboxMessage, party: Recipient, account: Any) -> None:
        """Write the letter as PDF into the day's print folder and put it on the timeline. A
        rerun after a crash writes the same file again: nothing leaves the building twice."""
        if self.dry_run:
            self.result.letters += 1
            return
        files = self.files.get(message.pk) or self.files.get(message.fallback_for_id or 0) or []
        folder = Path(settings.OPENAR_LETTER_DIR) / message.as_of.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        printed: list[tuple[str, str, bytes]] = []
        if message.template_code != "statement" or not files:
            # A statement is its own letter (letterhead and address block); anything else gets
            # the letter, and its files are printed behind it.
            page = letter_page(
                rendered=Rendered(message.subject, message.body, message.html),
                language=message.language,
                party=party,
                account=account,
                kind=message.template_code,
            )
            printed.append((f"{party.customer_ref}-{message.pk}.pdf", "application/pdf", pdf(page)))
        for index, (name, content_type, content) in enumerate(files, start=1):
            stem = f"{party.customer_ref}-{message.pk}" + (f"-{index}" if printed else "")
            printed.append((f"{stem}-{name}" if printed else f"{stem}.pdf", content_type, content))
        for filename, _ctype, content in printed:
            (folder / filename).write_bytes(content)
        entry = Sent(message, party.customer_ref, ContactChannel.LETTER, printed)
        if sent_record([entry], now=self.now, actor=self.actor, from_status=MessageStatus.QUEUED):
            self.result.letters += 1

    def bounce_to_letter(
        self,
        message: OutboxMessage,
        party: Recipient,
        account: Any,
        code: int | None,
        why: str,
    ) -> None:
        """The email cannot be delivered: flag the address, and a letter goes instead (a call
        task when there is no postal address)."""
        if self.dry_run:
            self.result.failed += 1
            _note(self.result, message, "bounced", why)
            self.result.letters += 1
            return
        fallback = message_bounce(
            message=message, code=code, why=why, actor=self.actor, as_of=self.as_of
        )
        self.result.failed += 1
        if fallback.letter is not None:
            _note(self.result, message, "bounced", why)
            self.letter(fallback.letter, party, account)
        else:
            _note(self.result, message, "bounced", f"{why}; no postal address: a call task instead")
            self.calls.add(message.customer_id)

    # -- email ----------------------------------------------------------------------------------
    def email(self, message: OutboxMessage, party: Recipient, account: Any) -> None:
        """Queue one email: they are claimed and handed to the server a batch at a time."""
        self.queue.append((message, party, account))
        if len(self.queue) >= CLAIM_BATCH:
            self.send_queued()

    def send_queued(self) -> None:
        batch, self.queue = self.queue, []
        ready = []
        for message, party, account in batch:
            if self.down:
                self.defer(
                    message, self.now + backoff(message.attempts + 1), self.down, attempt=True
                )
                continue
            attachments: list[tuple[str, str, bytes]] = list(self.files.get(message.pk, ()))
            if settings.OPENAR_EMAIL_ATTACH_PDF and message.template_code in DUNNING_TEMPLATES:
                page = statement_page(language=message.language, party=party, account=account)
                attachments.append(
                    (f"statement-{party.customer_ref}.pdf", "application/pdf", pdf(page))
                )
            size = sum(len(content) for _, _, content in attachments)
            if size > settings.OPENAR_EMAIL_MAX_ATTACHMENT_BYTES:
                self.fail(
                    message,
                    f"attachments of {size} bytes are over the limit of "
                    f"{settings.OPENAR_EMAIL_MAX_ATTACHMENT_BYTES} bytes",
                )
                continue
            if self.dry_run:
                self.result.sent += 1
                continue
            ready.append((message, party, account, attachments))
        for message, party, account, attachments in self._claim(ready):
            self._send_one(message, party, account, attachments)

    def _claim(self, ready: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Record the Message-ID of each message and take it (status ``sending``) before the
        server sees any of them: one committed transaction for the batch. A message another run
        took meanwhile is left to it."""
        if not ready:
            return []
        with transaction.atomic():
            mine = set(
                OutboxMessage.objects.select_for_update()
                .filter(pk__in=[entry[0].pk for entry in ready], status=MessageStatus.QUEUED)
                .values_list("pk", flat=True)
            )
            taken = [entry for entry in ready if entry[0].pk in mine]
            for message, party, _account, _files in taken:
                message.message_id = message.message_id or make_msgid(
                    idstring=f"openar.{message.pk}", domain=_msgid_domain()
                )
                message.from_address = _from_address(party)[:300]
                message.reply_to = _reply_to(message.customer_id)[:300]
                message.status = MessageStatus.SENDING
            OutboxMessage.objects.bulk_update(
                [entry[0] for entry in taken],
                ["status", "message_id", "from_address", "reply_to"],
                batch_size=500,
            )
        return taken

    def _send_one(
        self,
        message: OutboxMessage,
        party: Recipient,
        account: Any,
        attachments: list[tuple[str, str, bytes]],
    ) -> None:
        if self.down:
            self._unclaim(message)
            self.defer(message, self.now + backoff(message.attempts + 1), self.down, attempt=True)
            return
        message_id = message.message_id or ""
        recipient = settings.OPENAR_EMAIL_TEST_TO or message.to_address
        headers = {"Message-ID": message_id, "X-OpenAR-Account": party.customer_ref}
        if message.in_reply_to:
            # An answer to the customer's own email (an invoice copy they asked for): threaded.
            headers["In-Reply-To"] = message.in_reply_to
            headers["References"] = message.in_reply_to
        subject = message.subject
        if settings.OPENAR_EMAIL_TEST_TO:
            headers["X-OpenAR-Original-To"] = message.to_address
            subject = f"[TEST] {subject}"
        email = mail.EmailMultiAlternatives(
            subject=subject,
            body=message.body,
            from_email=message.from_address,
            to=[recipient],
            reply_to=[message.reply_to],
            headers=headers,
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        for filename, content_type, content in attachments:
            email.attach(filename, content, content_type)
        try:
            if self.connection is None:
                self.connection = mail.mailers.default
                self.connection.open()
            self.connection.send_messages([email])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()), (0, b""))
            why = f"{code} {_text(reply)}"
            self._unclaim(message)
            if 500 <= code < 600:
                self.bounce_to_letter(message, party, account, code, f"refused: {why}")
            else:
                self.defer(message, self.now + backoff(message.attempts + 1), why, attempt=True)
            return
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            why = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            self._unclaim(message)
            if 500 <= exc.smtp_code < 600:
                self.fail(message, f"refused by the mail server: {why}")
            else:
                self.defer(message, self.now + backoff(message.attempts + 1), why, attempt=True)
            return
        except _DOWN as exc:
            self.down = f"mail server unreachable: {type(exc).__name__}: {exc}"[:300]
            self.connection = None
            self._unclaim(message)
            self.defer(message, self.now + backoff(message.attempts + 1), self.down, attempt=True)
            return
        # Accepted by the server: recorded with the next batch (one transaction for many).
        self.pending.append(
            Sent(message, party.customer_ref, ContactChannel.EMAIL, attachments, recipient)
        )
        if len(self.pending) >= RECORD_BATCH:
            self.flush()
        self.result.sent += 1

    def _unclaim(self, message: OutboxMessage) -> None:
        """The server refused before accepting: the message may be tried again (same id)."""
        OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.QUEUED
        )


def _text(reply: Any) -> str:
    if isinstance(reply, bytes):
        return reply.decode("utf-8", "replace")
    return str(reply)


def statement_pdf(*, customer: Customer, as_of: dt.date) -> bytes:
    """The statement of account of ``customer`` on ``as_of`` as PDF, in its language."""
    party = parties_for([customer.pk])[customer.pk]
    account = account_items([customer.pk], as_of)[customer.pk]
    return pdf(
        statement_page(language=message_language(party.language), party=party, account=account)
    )
