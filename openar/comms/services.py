"""Writes for communications: queueing email and letter actions into the outbox (sending is a
later step)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from openar.comms.choices import MessageChannel, MessageStatus
from openar.comms.domain import MessageContext, message_language, render_message, template_for
from openar.comms.models import OutboxMessage
from openar.core.audit import audit_record
from openar.core.errors import Conflict
from openar.core.money import ZERO, format_amount
from openar.ledger.models import Customer, Document
from openar.strategy.choices import ActionStatus, StepKind
from openar.strategy.models import Action

_BATCH = 2000
_DECIMAL_ZERO = Decimal(0)


def _balances(customer_ids: list[int], as_of: dt.date) -> dict[int, dict[str, tuple]]:
    """Open balance and past-due amount per customer and currency (document currency)."""
    rows = (
        Document.objects.filter(customer_id__in=customer_ids)
        .exclude(open_amount=0)
        .values("customer_id", "currency")
        .annotate(
            balance=Coalesce(Sum("open_amount"), _DECIMAL_ZERO),
            past_due=Coalesce(
                Sum("open_amount", filter=Q(due_date__lt=as_of, open_amount__gt=0)),
                _DECIMAL_ZERO,
            ),
        )
    )
    out: dict[int, dict[str, tuple]] = {}
    for row in rows:
        out.setdefault(row["customer_id"], {})[row["currency"]] = (row["balance"], row["past_due"])
    return out


def _postal_block(customer: dict[str, Any]) -> str:
    attrs = customer["attributes"] or {}
    address = attrs.get("address") or attrs.get("postal_address") or ""
    lines = [customer["name"], str(address).strip(), customer["country"]]
    return "\n".join(line for line in lines if line)


@transaction.atomic
def outbox_queue(*, as_of: dt.date, actor: Any) -> int:
    """Turn open email and letter actions (created on or before ``as_of``, not yet queued) into
    outbox messages rendered in the customer's language. Idempotent: one message per action.

    Returns the number of messages queued; an email to a customer without an address is kept
    as a failed message saying so, for a person to fix. Waiting messages whose action has been
    cancelled or skipped since are cancelled."""
    pending = list(
        Action.objects.filter(
            status=ActionStatus.OPEN,
            kind__in=[StepKind.EMAIL, StepKind.LETTER],
            as_of__lte=as_of,
            outbox_message__isnull=True,
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    created = failed = 0
    fields = ("id", "kind", "days_past_due", "customer_id", "step__template")
    customer_fields = ("id", "customer_ref", "name", "currency", "language", "email", "country")
    for start in range(0, len(pending), _BATCH):
        # Plain rows, not model instances: tens of thousands of actions on a busy day.
        actions = list(
            Action.objects.filter(id__in=pending[start : start + _BATCH]).values_list(*fields)
        )
        customer_ids = sorted({row[3] for row in actions})
        customers = {
            row["id"]: row
            for row in Customer.objects.filter(id__in=customer_ids).values(
                *customer_fields, "attributes"
            )
        }
        balances = _balances(customer_ids, as_of)
        messages = []
        for action_id, kind, days_past_due, customer_id, step_template in actions:
            customer = customers[customer_id]
            per_currency = balances.get(customer_id, {})
            currency = customer["currency"]
            if currency not in per_currency and per_currency:
                currency = max(per_currency, key=lambda c: per_currency[c][1])
            balance, past_due = per_currency.get(currency, (ZERO, ZERO))
            code = template_for(
                kind=kind, step_template=step_template or "", days_past_due=days_past_due
            )
            rendered = render_message(
                code,
                message_language(customer["language"]),
                MessageContext(
                    customer_name=customer["name"],
                    customer_ref=customer["customer_ref"],
                    currency=currency,
                    balance=format_amount(balance, currency),
                    past_due=format_amount(past_due, currency),
                    days_past_due=max(days_past_due or 0, 0),
                    as_of=as_of,
                ),
            )
            channel = MessageChannel.LETTER if kind == StepKind.LETTER else MessageChannel.EMAIL
            if channel == MessageChannel.LETTER:
                to_address = _postal_block(customer)
            else:
                to_address = customer["email"]
            status, error = MessageStatus.QUEUED, ""
            if channel == MessageChannel.EMAIL and not to_address:
                status, error = MessageStatus.FAILED, "the customer has no email address"
                failed += 1
            messages.append(
                OutboxMessage(
                    customer_id=customer_id,
                    action_id=action_id,
                    channel=channel,
                    template_code=rendered.template_code,
                    language=rendered.language,
                    to_address=to_address,
                    subject=rendered.subject[:300],
                    body=rendered.body,
                    status=status,
                    error=error,
                    as_of=as_of,
                )
            )
        OutboxMessage.objects.bulk_create(messages, batch_size=_BATCH, ignore_conflicts=True)
        created += len(messages)
    # A message still waiting whose action was cancelled or skipped since must not go out.
    withdrawn = OutboxMessage.objects.filter(
        status__in=[MessageStatus.QUEUED, MessageStatus.FAILED],
        action__status__in=[ActionStatus.CANCELLED, ActionStatus.SKIPPED],
    ).update(status=MessageStatus.CANCELLED, error="the action was cancelled")
    audit_record(
        actor=actor,
        action="outbox.queue",
        object_type="outbox",
        object_id=as_of.isoformat(),
        summary=(
            f"{created} messages queued ({failed} without an address), "
            f"{withdrawn} withdrawn with their action"
        ),
        after={"queued": created, "failed": failed, "withdrawn": withdrawn},
    )
    return created


@transaction.atomic
def outbox_cancel(*, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """Cancel a queued message so it is never sent."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status not in (MessageStatus.QUEUED, MessageStatus.FAILED):
        raise Conflict(f"a {message.status} message cannot be cancelled")
    before = message.status
    message.status = MessageStatus.CANCELLED
    message.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="outbox.cancel",
        object_type="outbox_message",
        object_id=message.pk,
        before={"status": before},
        after={"status": MessageStatus.CANCELLED.value},
    )
    return message
