"""Writes for the collector's activity: promises to pay, the contact log, account events.

Every service is one transaction and records an audit event. ``promises_check`` is set-based: the
daily cycle runs it over every open promise, cash application over the customers it just paid.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from openar.activity.choices import (
    ContactChannel,
    ContactDirection,
    ContactOutcome,
    EventKind,
    PromiseStatus,
)
from openar.activity.domain import promise_deadline, promise_outcome
from openar.activity.models import AccountEvent, ContactAttachment, ContactLog, PromiseToPay
from openar.core.audit import audit_record, audit_record_many
from openar.core.errors import Conflict, ValidationError
from openar.core.hooks import run_hooks
from openar.core.money import ZERO, check_scale, format_amount, is_currency, parse_decimal
from openar.ledger.models import Application, Customer, Document, Receipt

DEFAULT_PROMISE_GRACE_DAYS = 2
_BATCH = 2000


DEFAULT_PROMISE_HORIZON_DAYS = 90


def promise_horizon_days() -> int:
    """How far ahead a promise (or a plan's instalment) may fall: the setting or environment
    variable ``OPENAR_PROMISE_HORIZON_DAYS``; 90."""
    value: Any = getattr(settings, "OPENAR_PROMISE_HORIZON_DAYS", None)
    if value is None:
        value = os.environ.get("OPENAR_PROMISE_HORIZON_DAYS") or DEFAULT_PROMISE_HORIZON_DAYS
    return max(1, int(value))


def promise_grace_days() -> int:
    """Days after the promised date during which cash still keeps a promise.

    ``settings.OPENAR_PROMISE_GRACE_DAYS`` or the environment variable of the same name; 2."""
    value: Any = getattr(settings, "OPENAR_PROMISE_GRACE_DAYS", None)
    if value is None:
        value = os.environ.get("OPENAR_PROMISE_GRACE_DAYS") or DEFAULT_PROMISE_GRACE_DAYS
    return max(0, int(value))


# --- account events -----------------------------------------------------------------------


@transaction.atomic
def account_event_record(
    *,
    customer: Customer | int,
    kind: str,
    occurred_on: dt.date,
    ref: str,
    details: Mapping[str, Any] | None = None,
    source: str,
) -> AccountEvent:
    """Record an event on the account's timeline; recording the same (kind, ref) again returns
    the existing event unchanged."""
    if kind not in EventKind.values:
        raise ValidationError(f"unknown account event kind {kind!r}", field="kind")
    if not ref:
        raise ValidationError("an account event needs a ref", field="ref")
    customer_id = customer if isinstance(customer, int) else customer.pk
    event, created = AccountEvent.objects.get_or_create(
        kind=kind,
        ref=ref,
        defaults={
            "customer_id": customer_id,
            "occurred_on": occurred_on,
            "details": dict(details or {}),
            "source": source,
        },
    )
    if created:
        audit_record(
            actor=source,
            action=f"event.{kind}",
            object_type="customer",
            object_id=customer_id,
            summary=f"{kind} on {occurred_on} ({ref})",
            after={"ref": ref, "occurred_on": occurred_on.isoformat()},
        )
    return event


@transaction.atomic
def account_events_record_bulk(
    *, events: Iterable[Mapping[str, Any]], source: str, actor: Any = None
) -> int:
    """Record many events at once (a daily step that sees thousands): each mapping has
    ``customer_id``, ``kind``, ``occurred_on``, ``ref`` and optional ``details``. Events whose
    (kind, ref) exists already are left as they are. Returns the number newly recorded; one
    audit event for the batch."""
    rows = []
    for event in events:
        if event["kind"] not in EventKind.values:
            raise ValidationError(f"unknown account event kind {event['kind']!r}", field="kind")
        rows.append(
            AccountEvent(
                customer_id=event["customer_id"],
                kind=event["kind"],
                occurred_on=event["occurred_on"],
                ref=event["ref"],
                details=dict(event.get("details") or {}),
                source=source,
            )
        )
    if not rows:
        return 0
    before = AccountEvent.objects.count()
    AccountEvent.objects.bulk_create(rows, batch_size=_BATCH, ignore_conflicts=True)
    created = AccountEvent.objects.count() - before
    audit_record(
        actor=actor or source,
        action="events.record",
        object_type="account_events",
        summary=f"{created} of {len(rows)} events recorded ({source})",
    )
    return created


# --- contact log --------------------------------------------------------------------------


@transaction.atomic
def contact_record(
    *,
    customer: Customer,
    user: Any,
    channel: str,
    outcome: str,
    note: str = "",
    action_id: int | None = None,
    contacted_at: dt.datetime | None = None,
    direction: str = ContactDirection.OUTBOUND,
    promise: PromiseToPay | None = None,
    message_id: str = "",
    attachments: Iterable[tuple[str, str, bytes]] = (),
    actor: Any,
) -> ContactLog:
    """Log one contact with a customer (a call and its outcome, an email, a visit, a note);
    ``attachments`` are ``(filename, content type, content)`` kept with it on the timeline."""
    if channel not in ContactChannel.values:
        raise ValidationError(
            f"unknown channel {channel!r} (expected one of {', '.join(ContactChannel.values)})",
            field="channel",
        )
    if outcome not in ContactOutcome.values:
        raise ValidationError(
            f"unknown outcome {outcome!r} (expected one of {', '.join(ContactOutcome.values)})",
            field="outcome",
        )
    if direction not in ContactDirection.values:
        raise ValidationError(f"unknown direction {direction!r}", field="direction")
    when = contacted_at or timezone.now()
    if timezone.is_naive(when):
        raise ValidationError("contacted_at needs a time zone", field="contacted_at")
    if action_id is not None:
        run_hooks("contact_action_check", customer=customer, action_id=action_id)
    contact = ContactLog.objects.create(
        customer=customer,
        user=user if getattr(user, "pk", None) else None,
        channel=channel,
        direction=direction,
        outcome=outcome,
        contacted_at=when,
        note=note.strip(),
        action_id=action_id,
        promise=promise,
        message_id=message_id[:250],
    )
    files = [
        ContactAttachment(
            contact=contact,
            filename=filename[:200],
            content_type=content_type[:100],
            size=len(content),
            content=content,
        )
        for filename, content_type, content in attachments
    ]
    ContactAttachment.objects.bulk_create(files)
    audit_record(
        actor=actor,
        action="contact.record",
        object_type="customer",
        object_id=customer.customer_ref,
        summary=f"{channel} {outcome}",
        after={"contact": contact.pk, "channel": channel, "outcome": outcome},
    )
    if contact.user is not None:
        # A person worked the account: its queue item changes at once (worklist's hook).
        run_hooks(
            "account_worked",
            customer=customer,
            kind="contact",
            actor=actor,
            channel=channel,
            outcome=outcome,
            note=contact.note,
            user=contact.user,
            action_id=action_id,
        )
    return contact


@transaction.atomic
def contacts_record_many(*, contacts: Iterable[Mapping[str, Any]], actor: Any) -> list[ContactLog]:
    """Log many outbound contacts at once (a sending run: thousands of emails), each with its
    attachments and its audit event, in bulk inserts. Each mapping has ``customer_id``,
    ``customer_ref``, ``channel``, ``outcome`` and optionally ``note``, ``action_id``,
    ``contacted_at``, ``message_id`` and ``attachments`` as in ``contact_record``. Returns the
    contacts in order, with their ids."""
    rows = list(contacts)
    for row in rows:
        if row["channel"] not in ContactChannel.values:
            raise ValidationError(f"unknown channel {row['channel']!r}", field="channel")
        if row["outcome"] not in ContactOutcome.values:
            raise ValidationError(f"unknown outcome {row['outcome']!r}", field="outcome")
        when = row.get("contacted_at")
        if when is not None and timezone.is_naive(when):
            raise ValidationError("contacted_at needs a time zone", field="contacted_at")
    now = timezone.now()
    logs = ContactLog.objects.bulk_create(
        [
            ContactLog(
                customer_id=row["customer_id"],
                channel=row["channel"],
                direction=ContactDirection.OUTBOUND,
                outcome=row["outcome"],
                contacted_at=row.get("contacted_at") or now,
                note=str(row.get("note", "")).strip(),
                action_id=row.get("action_id"),
                message_id=str(row.get("message_id", ""))[:250],
            )
            for row in rows
        ]
    )
    ContactAttachment.objects.bulk_create(
        ContactAttachment(
            contact=log,
            filename=filename[:200],
            content_type=content_type[:100],
            size=len(content),
            content=content,
        )
        for log, row in zip(logs, rows, strict=True)
        for filename, content_type, content in row.get("attachments", ())
    )
    audit_record_many(
        actor=actor,
        events=(
            {
                "action": "contact.record",
                "object_type": "customer",
                "object_id": row["customer_ref"],
                "summary": f"{row['channel']} {row['outcome']}",
                "after": {"contact": log.pk, "channel": row["channel"], "outcome": row["outcome"]},
            }
            for log, row in zip(logs, rows, strict=True)
        ),
    )
    return logs


# --- promises to pay ----------------------------------------------------------------------


def _promise_amount(amount: Decimal | str | int, currency: str) -> Decimal:
    if isinstance(amount, Decimal):
        value = amount
    else:
        try:
            value = parse_decimal(str(amount))
        except (ValueError, InvalidOperation):
            raise ValidationError(
                f"{amount!r} is not an amount", code="invalid_amount", field="amount"
            ) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError(
            "a promise amount must be positive", code="amount_not_positive", field="amount"
        )
    try:
        check_scale(value, currency)
    except ValidationError as exc:
        raise ValidationError(exc.message, code=exc.code, field="amount") from None
    return value


@transaction.atomic
def promise_record(
    *,
    customer: Customer,
    amount: Decimal | str,
    currency: str,
    promised_date: dt.date,
    taken_on: dt.date,
    actor: Any,
    documents: Iterable[Document | int] = (),
    note: str = "",
    channel: str | None = None,
    strict: bool = False,
) -> PromiseToPay:
    """Record a customer's promise to pay ``amount`` by ``promised_date``.

    The currency must be the customer's (or, with documents, theirs); the date may not be before
    the day the promise was taken. With ``channel`` the contact that took it is logged too.
    ``strict`` (a person typing it in): the date may not fall beyond the promise horizon nor
    the amount exceed what is open on the account (or the chosen documents)."""
    currency = (currency or "").strip().upper()
    if not is_currency(currency):
        raise ValidationError(
            f"unknown currency {currency!r} (expected an ISO 4217 code such as USD)",
            code="unknown_currency",
            field="currency",
        )
    value = _promise_amount(amount, currency)
    if promised_date < taken_on:
        raise ValidationError(
            f"the promised date {promised_date} is before the day the promise was taken "
            f"({taken_on})",
            code="date_before_taken",
            field="promised_date",
        )
    horizon = promise_horizon_days()
    if strict and (promised_date - taken_on).days > horizon:
        raise ValidationError(
            f"the promised date {promised_date} is more than {horizon} days after "
            f"{taken_on} (OPENAR_PROMISE_HORIZON_DAYS)",
            code="date_beyond_horizon",
            field="promised_date",
        )
    doc_ids = [d if isinstance(d, int) else d.pk for d in documents]
    docs = list(Document.objects.filter(pk__in=doc_ids))
    if len(docs) != len(set(doc_ids)):
        raise ValidationError("unknown document in the promise", field="documents")
    for doc in docs:
        if doc.customer_id != customer.pk:
            raise ValidationError(
                f"document {doc.document_ref} belongs to another customer", field="documents"
            )
        if doc.open_amount <= 0:
            raise ValidationError(
                f"document {doc.document_ref} has nothing open to promise", field="documents"
            )
    allowed = {d.currency for d in docs} if docs else {customer.currency}
    if currency not in allowed:
        raise ValidationError(
            f"the promise is in {currency} but "
            + (
                f"the documents are in {', '.join(sorted(allowed))}"
                if docs
                else f"the customer's currency is {customer.currency}"
            ),
            code="currency_mismatch",
            field="currency",
        )
    owed = ZERO
    if strict:
        owed = (
            sum((d.open_amount for d in docs), ZERO)
            if docs
            else Document.objects.filter(
                customer=customer, currency=currency, cleared_date__isnull=True
            ).aggregate(total=Coalesce(Sum("open_amount"), ZERO))["total"]
        )
    if strict and value > owed:
        raise ValidationError(
            f"the promise of {format_amount(value, currency)} {currency} is more than the "
            f"{format_amount(owed, currency)} {currency} open"
            + (" on the chosen items" if docs else " on the account"),
            code="amount_above_balance",
            field="amount",
        )
    user = actor if getattr(actor, "pk", None) else None
    promise = PromiseToPay.objects.create(
        customer=customer,
        amount=value,
        currency=currency,
        promised_date=promised_date,
        taken_on=taken_on,
        taken_by=user,
        received_amount=ZERO,
        note=note.strip(),
    )
    if docs:
        promise.documents.set(docs)
    if channel:
        contact_record(
            customer=customer,
            user=user,
            channel=channel,
            outcome=ContactOutcome.PROMISE_TAKEN,
            note=note,
            promise=promise,
            actor=actor,
        )
    audit_record(
        actor=actor,
        action="promise.record",
        object_type="promise",
        object_id=promise.pk,
        summary=(
            f"{customer.customer_ref} promised {format_amount(value, currency)} {currency} "
            f"by {promised_date}"
        ),
        after={
            "customer": customer.customer_ref,
            "amount": format_amount(value, currency),
            "currency": currency,
            "promised_date": promised_date.isoformat(),
            "taken_on": taken_on.isoformat(),
            "documents": [d.document_ref for d in docs],
        },
    )
    run_hooks("account_worked", customer=customer, kind="promise", actor=actor)
    return promise


@transaction.atomic
def promise_cancel(*, promise: PromiseToPay, actor: Any, reason: str = "") -> PromiseToPay:
    """Cancel an open promise (taken by mistake, replaced by a new one)."""
    promise = PromiseToPay.objects.select_for_update().get(pk=promise.pk)
    if promise.status != PromiseStatus.OPEN:
        raise Conflict(f"only an open promise can be cancelled (this one is {promise.status})")
    promise.status = PromiseStatus.CANCELLED
    if reason.strip():
        promise.note = f"{promise.note}\n{reason.strip()}".strip()
    promise.save(update_fields=["status", "note", "updated_at"])
    audit_record(
        actor=actor,
        action="promise.cancel",
        object_type="promise",
        object_id=promise.pk,
        summary=reason.strip()[:200],
        before={"status": PromiseStatus.OPEN.value},
        after={"status": PromiseStatus.CANCELLED.value},
    )
    return promise


@transaction.atomic
def promises_check(*, as_of: dt.date, actor: Any, customer_ids: Iterable[int] | None = None) -> int:
    """Check every open promise taken on or before ``as_of`` against the customer's cash.

    Cash counted: receipts of the customer, plus applications to the customer's documents from
    receipts booked to nobody else (unidentified cash applied later), in the promise currency,
    dated from the day the promise was taken to the promised date + grace days; a promise for
    given documents is also kept when all of them cleared in that window. Records the
    ``promise_kept`` / ``promise_broken`` account events. Returns the number of promises checked.
    """
    grace = promise_grace_days()
    open_qs = PromiseToPay.objects.filter(status=PromiseStatus.OPEN, taken_on__lte=as_of)
    if customer_ids is not None:
        open_qs = open_qs.filter(customer_id__in=list(customer_ids))
    promises = list(
        open_qs.only(
            "id",
            "customer_id",
            "amount",
            "currency",
            "promised_date",
            "taken_on",
            "status",
            "received_amount",
        )
    )
    if not promises:
        return 0
    start = min(p.taken_on for p in promises)
    end = min(as_of, max(promise_deadline(p.promised_date, grace) for p in promises))
    customers = open_qs.values("customer_id")

    cash: dict[tuple[int, str], list[tuple[dt.date, Decimal]]] = defaultdict(list)
    receipts = Receipt.objects.filter(
        customer_id__in=customers, receipt_date__gte=start, receipt_date__lte=end
    ).values_list("customer_id", "currency", "receipt_date", "amount")
    for cid, cur, day, value in receipts.iterator(chunk_size=_BATCH):
        cash[(cid, cur)].append((day, value))
    # Cash booked to no customer (or another one) but applied to this customer's documents.
    applied = (
        Application.objects.filter(
            document__customer_id__in=customers, applied_date__gte=start, applied_date__lte=end
        )
        .exclude(receipt__customer_id=F("document__customer_id"))
        .values_list("document__customer_id", "document__currency", "applied_date", "amount")
    )
    for cid, cur, day, value in applied.iterator(chunk_size=_BATCH):
        if value > 0:
            cash[(cid, cur)].append((day, value))

    cleared_on = _promised_documents_cleared(promises=open_qs, as_of=as_of)

    changed: list[PromiseToPay] = []
    events: list[AccountEvent] = []
    kept = broken = 0
    for p in promises:
        outcome = promise_outcome(
            amount=p.amount,
            taken_on=p.taken_on,
            promised_date=p.promised_date,
            as_of=as_of,
            grace_days=grace,
            payments=cash.get((p.customer_id, p.currency), ()),
            documents_cleared_on=cleared_on.get(p.pk),
        )
        if outcome.status != p.status or outcome.received != p.received_amount:
            p.status = outcome.status
            p.received_amount = outcome.received
            p.resolved_on = outcome.resolved_on
            changed.append(p)
        if outcome.status == PromiseStatus.OPEN or outcome.resolved_on is None:
            continue
        kind = (
            EventKind.PROMISE_KEPT
            if outcome.status == PromiseStatus.KEPT
            else EventKind.PROMISE_BROKEN
        )
        kept += outcome.status == PromiseStatus.KEPT
        broken += outcome.status == PromiseStatus.BROKEN
        events.append(
            AccountEvent(
                customer_id=p.customer_id,
                kind=kind,
                occurred_on=outcome.resolved_on,
                ref=f"promise:{p.pk}",
                details={
                    "promise": p.pk,
                    "amount": format_amount(p.amount, p.currency),
                    "received": format_amount(outcome.received, p.currency),
                    "currency": p.currency,
                    "promised_date": p.promised_date.isoformat(),
                },
                source="activity",
            )
        )
    now = timezone.now()
    # Every checked promise gets the date in one statement; only changed ones are rewritten
    # (bulk_update's CASE grows with the batch, so its batches stay small).
    PromiseToPay.objects.filter(pk__in=open_qs.values("pk")).update(
        checked_as_of=as_of, updated_at=now
    )
    for p in changed:
        p.updated_at = now
    PromiseToPay.objects.bulk_update(
        changed, ["status", "received_amount", "resolved_on", "updated_at"], batch_size=200
    )
    AccountEvent.objects.bulk_create(events, batch_size=_BATCH, ignore_conflicts=True)
    audit_record(
        actor=actor,
        action="promises.check",
        object_type="promises",
        object_id=as_of.isoformat(),
        summary=f"{len(promises)} open promises checked: {kept} kept, {broken} broken",
        after={"checked": len(promises), "kept": kept, "broken": broken},
    )
    return len(promises)


def _promised_documents_cleared(*, promises: Any, as_of: dt.date) -> dict[int, dt.date]:
    """For promises made for given documents: the day the last of them cleared, when all did."""
    through = PromiseToPay.documents.through
    rows = through.objects.filter(promisetopay_id__in=promises.values("id")).values_list(
        "promisetopay_id", "document__cleared_date", "document__open_amount"
    )
    last: dict[int, dt.date] = {}
    still_open: set[int] = set()
    for pid, cleared, open_amount in rows.iterator(chunk_size=_BATCH):
        if cleared is not None and cleared > as_of:
            still_open.add(pid)  # cleared after the date being checked: still open then
            continue
        if cleared is None and open_amount != ZERO:
            still_open.add(pid)
            continue
        # An item an ERP load zeroed without a clearing date counts as cleared when first seen.
        day = cleared if cleared is not None else as_of
        if pid not in last or day > last[pid]:
            last[pid] = day
    return {pid: day for pid, day in last.items() if pid not in still_open}
