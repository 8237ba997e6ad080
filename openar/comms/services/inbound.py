"""Email in: read the mailbox, keep each message, thread it to its account and the email it
answers, classify it and make it a task in the collector's queue; a person assigns what matched
no account, and confirms the promises read from the text.

A message is stored, with the mailbox's last UID, in one transaction, and only then marked
read on the server: nothing is read twice, and a run that stops anywhere loses nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from openar.activity.choices import ContactChannel, ContactDirection, ContactOutcome
from openar.activity.models import ContactLog
from openar.activity.services import contact_record, promise_record
from openar.comms.choices_inbound import InboundKind, InboundStatus, MatchedBy
from openar.comms.inbound import rules
from openar.comms.inbound.imap_url import imap_url_config
from openar.comms.inbound.mailbox import MailboxError, open_mailbox
from openar.comms.inbound.parsing import (
    Attachment,
    DeliveryReport,
    ParsedMail,
    Recipient,
    parse_message,
    reply_text,
)
from openar.comms.models import InboundAttachment, InboundMessage, MailboxState, OutboxMessage
from openar.comms.policy import customer_from_token
from openar.comms.reasons import inbound_task_parts
from openar.comms.services.bounces import address_bounced, message_bounce, queues_refresh
from openar.comms.services.inbound_disputes import dispute_from_email
from openar.comms.services.invoice_copies import InvoiceCopyResult, invoice_copy_send
from openar.core.audit import audit_record
from openar.core.errors import Conflict, ValidationError
from openar.ledger.models import Customer, Document
from openar.strategy.choices import ActionStatus, StepKind
from openar.strategy.services import action_close, action_create

log = logging.getLogger(__name__)

JSON_KEYS = ("fetched", "threaded", "unmatched", "bounces", "failed")
_TEXT_MAX = 200_000
_NOTE_MAX = 20_000
_RAW_MAX = 5 * 1024 * 1024
_AMOUNT_MAX = Decimal("1e12")  # a "promise" larger than this is a number misread

__all__ = [
    "JSON_KEYS",
    "FetchResult",
    "MailboxError",
    "inbound_assign",
    "inbound_dismiss",
    "inbound_fetch",
    "inbound_promise_confirm",
]


@dataclass
class FetchResult:
    fetched: int = 0  # new messages stored
    threaded: int = 0  # of them, put on an account
    unmatched: int = 0  # of them, waiting in the Inbox for a person
    bounces: int = 0  # delivery reports that flagged an address
    failed: int = 0  # messages that could not be read (kept, with the reason, for a person)
    details: list[tuple[int, str]] = field(default_factory=list)  # (uid, what happened)

    def as_json(self) -> dict[str, int]:
        return {key: getattr(self, key) for key in JSON_KEYS}


def inbound_fetch(
    *, actor: Any, url: str | None = None, limit: int | None = None, now: dt.datetime | None = None
) -> FetchResult:
    """Read the new messages of the mailbox ``OPENAR_IMAP_URL`` (or ``url``), at most ``limit``.
    Raises ``MailboxError`` when the mailbox cannot be read at all."""
    url = settings.OPENAR_IMAP_URL if url is None else url
    if not (url or "").strip():
        raise MailboxError(
            "no mailbox to read: set OPENAR_IMAP_URL (imap://user:password@host:143/INBOX)"
        )
    try:
        config = imap_url_config(url)
    except ValueError as exc:
        raise MailboxError(str(exc)) from None
    now = now or timezone.now()
    as_of = timezone.localdate(now)
    result = FetchResult()
    touched: set[int] = set()
    try:
        with open_mailbox(config) as box:
            state = _state(config.key, box.uidvalidity)
            for pending in InboundMessage.objects.filter(
                mailbox=config.key, uidvalidity=box.uidvalidity, marked_seen=False
            ).values_list("pk", "uid"):
                box.mark_seen(pending[1])
                InboundMessage.objects.filter(pk=pending[0]).update(marked_seen=True)
            uids = box.new_uids(state.last_uid)
            if limit is not None:
                uids = uids[: max(limit, 0)]
            for uid, raw in box.fetch(uids):
                message, created = _store(
                    key=config.key, uidvalidity=box.uidvalidity, uid=uid, raw=raw,
                    now=now, as_of=as_of, actor=actor, result=result,
                )  # fmt: skip
                box.mark_seen(uid)
                if message is not None:
                    InboundMessage.objects.filter(pk=message.pk).update(marked_seen=True)
                if message is None or not created:
                    continue
                result.fetched += 1
                if message.customer_id:
                    result.threaded += 1
                    touched.add(message.customer_id)
                else:
                    result.unmatched += 1
    except MailboxError as exc:
        MailboxState.objects.filter(key=config.key).update(error=str(exc)[:300])
        raise
    MailboxState.objects.filter(key=config.key).update(fetched_at=now, error="")
    if touched:
        queues_refresh(customer_ids=touched, as_of=as_of, actor=actor)
    if result.fetched or result.failed:
        audit_record(
            actor=actor,
            action="inbound.fetch",
            object_type="mailbox",
            object_id=config.key[-80:],  # the audit keeps 80 characters: the folder end
            summary=(
                f"{result.fetched} read: {result.threaded} on accounts, {result.unmatched} to "
                f"assign, {result.bounces} bounces, {result.failed} unreadable"
            ),
            after=result.as_json(),
        )
    return result


def _state(key: str, uidvalidity: int) -> MailboxState:
    state, _created = MailboxState.objects.get_or_create(
        key=key, defaults={"uidvalidity": uidvalidity}
    )
    if state.uidvalidity != uidvalidity:
        # The server renumbered the folder: read it again; stored messages are known by id.
        state.uidvalidity, state.last_uid = uidvalidity, 0
        state.save(update_fields=["uidvalidity", "last_uid"])
    return state


@transaction.atomic
def _store(
    *,
    key: str,
    uidvalidity: int,
    uid: int,
    raw: bytes,
    now: dt.datetime,
    as_of: dt.date,
    actor: Any,
    result: FetchResult,
) -> tuple[InboundMessage | None, bool]:
    """Keep one message and act on it, and move the mailbox's mark past it (one transaction)."""
    MailboxState.objects.filter(key=key, last_uid__lt=uid).update(last_uid=uid)
    existing = InboundMessage.objects.filter(mailbox=key, uidvalidity=uidvalidity, uid=uid).first()
    if existing is not None:
        return existing, False
    base = {"mailbox": key, "uidvalidity": uidvalidity, "uid": uid, "received_at": now}
    try:
        parsed = parse_message(raw, max_attachment_bytes=_attachment_limit())
    except Exception as exc:  # mail from outside: whatever it holds, it is kept for a person
        log.warning("inbound message %s could not be read: %s", uid, exc)
        result.failed += 1
        result.details.append((uid, f"could not be read: {exc}"))
        message = InboundMessage.objects.create(
            **base,
            raw=raw[:_RAW_MAX],
            note=f"This message could not be read ({type(exc).__name__}); the original is kept.",
        )
        return message, True
    if parsed.message_id:
        again = InboundMessage.objects.filter(mailbox=key, message_id=parsed.message_id).first()
        if again is not None:  # read before under another UIDVALIDITY
            return again, False
    message = InboundMessage.objects.create(
        **base,
        message_id=parsed.message_id[:250],
        in_reply_to=" ".join(parsed.thread_ids)[:5000],
        from_name=parsed.from_name,
        from_address=parsed.from_address,
        to_addresses="\n".join([*parsed.to, *parsed.delivered_to])[:5000],
        subject=parsed.subject,
        sent_at=parsed.date,
        headers=parsed.headers,
        text=parsed.text[:_TEXT_MAX],
        html=parsed.html[:_TEXT_MAX],
        note=_skipped_note(parsed),
    )
    InboundAttachment.objects.bulk_create(
        InboundAttachment(
            message=message,
            filename=a.filename,
            content_type=a.content_type[:100],
            size=len(a.content),
            content=a.content,
        )
        for a in parsed.attachments
    )
    try:
        with transaction.atomic():
            _route(message, parsed, as_of=as_of, actor=actor, result=result, raw=raw)
    except Exception as exc:  # one odd message must not stop the mailbox
        log.exception("inbound message %s could not be processed", uid)
        result.failed += 1
        result.details.append((uid, f"could not be processed: {exc}"))
        InboundMessage.objects.filter(pk=message.pk).update(
            status=InboundStatus.UNMATCHED,
            customer=None,
            note=(message.note + f"\nIt could not be filed automatically: {exc}").strip()[:5000],
        )
        message.refresh_from_db()
    return message, True


def _attachment_limit() -> int:
    return int(settings.OPENAR_INBOUND_MAX_ATTACHMENT_BYTES)


def _skipped_note(parsed: ParsedMail) -> str:
    limit = _attachment_limit()
    return "\n".join(
        f"Attachment {s.filename} ({s.size:,} bytes) was not kept: it is over the limit of "
        f"{limit:,} bytes."
        for s in parsed.skipped
    )


# --- threading -------------------------------------------------------------------------------


@dataclass
class _Match:
    customer: Customer | None = None
    original: OutboxMessage | None = None
    by: str = ""


def _thread(parsed: ParsedMail) -> _Match:
    """The account a message belongs to: the email of ours it answers (In-Reply-To, References,
    or the refused message of a bounce), else the reply token in the address it was sent to,
    else the sender's address when exactly one account has it."""
    ids = list(parsed.thread_ids)
    if parsed.report and parsed.report.original_message_id:
        ids.insert(0, parsed.report.original_message_id)
    if ids:
        outbound = {
            m.message_id: m
            for m in OutboxMessage.objects.select_related("customer").filter(message_id__in=ids)
        }
        for ident in ids:
            if ident in outbound:
                return _Match(outbound[ident].customer, outbound[ident], MatchedBy.REPLY)
        logged = (
            ContactLog.objects.filter(message_id__in=ids).values_list("customer_id", flat=True)
        ).first()
        if logged is None:
            logged = (
                InboundMessage.objects.filter(message_id__in=ids, customer__isnull=False)
                .values_list("customer_id", flat=True)
                .first()
            )
        if logged is not None:
            return _Match(Customer.objects.get(pk=logged), None, MatchedBy.REPLY)
    for address in [*parsed.delivered_to, *parsed.to]:
        customer_id = customer_from_token(address, settings.SECRET_KEY)
        if customer_id is not None:
            customer = Customer.objects.filter(pk=customer_id).first()
            if customer is not None:
                return _Match(customer, None, MatchedBy.TOKEN)
    senders = [parsed.from_address]
    if parsed.report:
        senders = [r.address for r in parsed.report.failed] or parsed.report.original_to
    for address in senders:
        customer = _customer_with_address(address)
        if customer is not None:
            return _Match(customer, None, MatchedBy.SENDER)
    return _Match()


def _customer_with_address(address: str) -> Customer | None:
    """The one account whose email is ``address`` (a field may list several addresses)."""
    address = (address or "").strip().lower()
    if "@" not in address:
        return None
    found = [
        c
        for c in Customer.objects.filter(email__icontains=address)
        if address in {a.strip().lower() for a in c.email.replace(";", ",").split(",")}
    ]
    return found[0] if len(found) == 1 else None


# --- acting on a message ---------------------------------------------------------------------


def _route(
    message: InboundMessage,
    parsed: ParsedMail,
    *,
    as_of: dt.date,
    actor: Any,
    result: FetchResult | None,
    match: _Match | None = None,
    raw: bytes | None = None,
) -> None:
    """Thread, classify and act on a stored message (or one a person just assigned)."""
    match = match or _thread(parsed)
    customer = match.customer
    failed = parsed.report.failed if parsed.report else []
    # Dates without a year, "tomorrow", "Friday" are read from the day it was written.
    written_on = as_of
    if parsed.date is not None and parsed.date <= timezone.now() + dt.timedelta(days=1):
        written_on = timezone.localdate(parsed.date)
    verdict = rules.classify(
        subject=parsed.subject,
        text=reply_text(parsed.text),
        received_on=written_on,
        auto_reply=bool(parsed.auto_reply) or (parsed.report is not None and not failed),
        bounce=bool(failed),
        currencies=(customer.currency,) if customer else (),
    )
    message.kind = verdict.kind
    message.language = verdict.language
    message.evidence = verdict.evidence[:200]
    if verdict.kind == InboundKind.PROMISE:
        amount = verdict.amount
        message.promise_amount = amount if amount is not None and amount < _AMOUNT_MAX else None
        message.promise_currency = verdict.currency or (customer.currency if customer else "")
        message.promise_date = verdict.promised_date
    if failed:
        message.bounced_address = failed[0].address[:254]
    if customer is None:
        message.status = InboundStatus.UNMATCHED
        message.save()
        return
    message.customer = customer
    message.original = match.original
    message.matched_by = match.by
    message.status = InboundStatus.THREADED
    fallback_call = None
    if failed:
        fallback_call = _bounce(message, failed, match, as_of=as_of, actor=actor)
        if result is not None:
            result.bounces += 1
    outcome = (
        ContactOutcome.NOTE
        if verdict.kind in (InboundKind.AUTO_REPLY, InboundKind.BOUNCE)
        else ContactOutcome.REACHED
    )
    if verdict.kind == InboundKind.DISPUTE and message.dispute_case_id is None:
        opened = dispute_from_email(
            message=message, parsed=parsed, customer=customer, raw=raw, opened_on=as_of,
            actor=actor,
        )  # fmt: skip
        outcome = ContactOutcome.DISPUTE_RAISED
        if opened.case is not None:
            message.dispute_case = opened.case
        else:
            message.note = "\n".join(filter(None, [message.note, opened.why_not]))[:5000]
    message.contact = contact_record(
        customer=customer,
        user=None,
        channel=ContactChannel.EMAIL,
        direction=ContactDirection.INBOUND,
        outcome=outcome,
        note=_timeline_note(message, parsed),
        contacted_at=parsed.date or message.received_at,
        message_id=parsed.message_id,
        attachments=[(a.filename, a.content_type, a.content) for a in parsed.attachments],
        actor=actor,
    )
    if fallback_call is not None:
        message.action = fallback_call
    else:
        message.action, _created = action_create(
            customer_id=customer.pk,
            kind=StepKind.CUSTOM,
            reason_parts=_task_parts(message),
            as_of=as_of,
            due_date=as_of,
            dedupe_key=f"inbound:{message.pk}",
            actor=actor,
        )
    message.save()


def _bounce(
    message: InboundMessage, failed: list[Any], match: _Match, *, as_of: dt.date, actor: Any
) -> Any:
    """A delivery report: the refused email falls back to a letter or a call task, and every
    address it names is flagged. Returns the call task when one was made."""
    why = "; ".join(f"{r.address}: {r.status} {r.diagnostic}".strip() for r in failed)[:300]
    code = _smtp_code(failed[0])
    call = None
    original = match.original
    refused = {r.address for r in failed}
    if original is not None and (original.to_address or "").strip().lower() in refused:
        fallback = message_bounce(
            message=original, code=code, why=f"delivery report: {why}", actor=actor, as_of=as_of
        )
        call = fallback.call
    for recipient in failed:
        address_bounced(
            address=recipient.address,
            customer_id=message.customer_id,
            code=_smtp_code(recipient),
            why=f"delivery report: {recipient.status} {recipient.diagnostic}".strip(),
            actor=actor,
            message=original,
        )
    return call


def _smtp_code(recipient: Any) -> int | None:
    for token in (recipient.diagnostic or "").replace(";", " ").split():
        if token.isdigit() and len(token) == 3 and token[0] in "45":
            return int(token)
    status = (recipient.status or "").split(".")[0]
    return int(status) * 100 if status in ("4", "5") else None


def _timeline_note(message: InboundMessage, parsed: ParsedMail) -> str:
    sender = (
        f"{parsed.from_name} <{parsed.from_address}>" if parsed.from_name else parsed.from_address
    )
    parts = [message.subject, f"From: {sender}", "", reply_text(parsed.text) or parsed.text]
    if message.note:
        parts += ["", message.note]
    return "\n".join(parts)[:_NOTE_MAX]


def _task_parts(message: InboundMessage) -> list[dict[str, Any]]:
    return inbound_task_parts(
        kind=message.kind,
        sender=message.from_address,
        amount=message.promise_amount,
        currency=message.promise_currency,
        date=message.promise_date,
        address=message.bounced_address,
        case=message.dispute_case_id,
    )


# --- a person's hand -------------------------------------------------------------------------


@transaction.atomic
def inbound_assign(
    *, message: InboundMessage, customer: Customer, actor: Any, as_of: dt.date
) -> InboundMessage:
    """Put a message that matched no account on ``customer``'s: it is threaded, classified and
    becomes a task as if it had matched."""
    message = InboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.status == InboundStatus.THREADED:
        raise Conflict("this message is already on an account", field="customer")
    parsed = _reparse(message)
    _route(
        message, parsed, as_of=as_of, actor=actor, result=None,
        match=_Match(customer, None, MatchedBy.PERSON),
        raw=bytes(message.raw) if message.raw else None,
    )  # fmt: skip
    user = actor if getattr(actor, "pk", None) else None
    InboundMessage.objects.filter(pk=message.pk).update(
        assigned_by=user, assigned_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="inbound.assign",
        object_type="inbound_message",
        object_id=message.pk,
        summary=f"{message.from_address} \u201c{message.subject}\u201d to {customer.customer_ref}",
        after={"customer": customer.customer_ref, "kind": message.kind},
    )
    queues_refresh(customer_ids={customer.pk}, as_of=as_of, actor=actor)
    message.refresh_from_db()
    return message


def _reparse(message: InboundMessage) -> ParsedMail:
    """What ``_route`` reads, from the stored message (the raw mail is not kept)."""
    if message.raw:
        return parse_message(bytes(message.raw), max_attachment_bytes=_attachment_limit())
    full = parse_message(
        message.headers.encode("utf-8", "replace") + b"\r\n\r\n",
        max_attachment_bytes=_attachment_limit(),
    )
    full.text, full.html = message.text, message.html
    full.attachments = []
    for a in message.attachments.all():
        full.attachments.append(Attachment(a.filename, a.content_type, bytes(a.content)))
    if message.kind == InboundKind.BOUNCE and message.bounced_address and full.report is None:
        full.report = DeliveryReport(
            recipients=[Recipient(message.bounced_address, "failed", "5.0.0", "")]
        )
    return full


@transaction.atomic
def inbound_dismiss(*, message: InboundMessage, actor: Any) -> InboundMessage:
    """A message that belongs to no account (spam, a supplier): out of the Inbox queue."""
    message = InboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != InboundStatus.UNMATCHED:
        raise Conflict("only a message waiting to be assigned can be dismissed")
    message.status = InboundStatus.DISMISSED
    message.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="inbound.dismiss",
        object_type="inbound_message",
        object_id=message.pk,
        summary=f"{message.from_address} \u201c{message.subject}\u201d",
    )
    return message


@transaction.atomic
def inbound_promise_confirm(
    *,
    message: InboundMessage,
    amount: Decimal | str,
    promised_date: dt.date,
    actor: Any,
    taken_on: dt.date,
) -> InboundMessage:
    """The collector confirms the promise read from an email (amount and date as corrected):
    it is recorded as the customer's promise and the email's task is done."""
    message = (
        InboundMessage.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=message.pk)
    )
    if message.customer is None:
        raise ValidationError("assign the message to a customer first", field="customer")
    if message.promise_id:
        raise Conflict("the promise in this email is already confirmed", field="amount")
    promise = promise_record(
        customer=message.customer,
        amount=amount,
        currency=message.customer.currency,
        promised_date=promised_date,
        taken_on=taken_on,
        actor=actor,
        note=f"By email: {message.subject}"[:500],
    )
    message.promise = promise
    message.save(update_fields=["promise"])
    action = message.action
    if action is not None and action.status == ActionStatus.OPEN:
        action_close(
            action=action,
            status=ActionStatus.DONE,
            outcome=f"promise {promise.pk} confirmed from the email",
            actor=actor,
            completed_by=actor,
        )
    return message


def _requested_refs(message: InboundMessage, customer: Customer) -> list[str]:
    """The customer's document numbers the email names (subject and text, any case)."""
    words = {
        w.upper()
        for w in re.findall(
            r"[A-Za-z0-9][A-Za-z0-9\-/.]*[A-Za-z0-9]", f"{message.subject}\n{message.text}"
        )
    }
    refs = Document.objects.filter(customer=customer).values_list("document_ref", flat=True)
    return sorted({r for r in refs if r.upper() in words})


def inbound_requested_documents(message: InboundMessage) -> list[str]:
    """For an invoice-copy request: the numbers of the customer's documents it asks for."""
    if message.customer is None:
        return []
    return _requested_refs(message, message.customer)


@transaction.atomic
def inbound_copies_send(
    *, message: InboundMessage, documents: Sequence[str], actor: Any
) -> InvoiceCopyResult:
    """Answer an invoice-copy request in one step: the copies go to the sender, threaded
    under the request, and the email's task is done."""
    message = (
        InboundMessage.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=message.pk)
    )
    if message.customer is None:
        raise ValidationError("assign the message to a customer first", field="customer")
    if not documents:
        raise ValidationError("choose the invoices to send", field="documents")
    result = invoice_copy_send(
        customer=message.customer,
        documents=list(dict.fromkeys(documents)),
        actor=actor,
        to_address=message.from_address,
        in_reply_to=message.message_id,
    )
    action = message.action
    if action is not None and action.status == ActionStatus.OPEN:
        action_close(
            action=action,
            status=ActionStatus.DONE,
            outcome="invoice copies sent: " + ", ".join(c.document_ref for c in result.copies),
            actor=actor,
            completed_by=actor,
        )
    return result
