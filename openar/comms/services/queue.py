"""Queueing: open email and letter actions become rendered outbox messages, once each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from openar.comms.choices import MessageChannel, MessageStatus
from openar.comms.documents import render_reminder
from openar.comms.domain import template_for, text_for
from openar.comms.models import BouncedAddress, OutboxMessage
from openar.comms.parties import parties_for
from openar.comms.selectors import account_items, active_texts
from openar.core.audit import audit_record
from openar.core.bulk import insert_rows
from openar.strategy.choices import ActionStatus, StepKind
from openar.strategy.models import Action

_BATCH = 1000
NO_EMAIL = "the customer has no email address: a letter goes instead"
BOUNCED = "the email address bounced before: a letter goes instead"
_COLUMNS = (
    "customer_id", "action_id", "channel", "template_code", "language", "template_version_id",
    "to_address", "subject", "body", "html", "status", "error", "as_of",
)  # fmt: skip


@transaction.atomic
def outbox_queue(*, as_of: dt.date, actor: Any) -> int:
    """Turn open email and letter actions (created on or before ``as_of``, not yet queued) into
    outbox messages in the customer's language, listing the account's past-due items, credits
    and unapplied cash. Idempotent: one message per action.

    An email to a customer without an address, or whose address bounced, becomes a letter.
    Waiting messages whose action has been cancelled or skipped since are cancelled. Returns the
    number of messages queued."""
    # Plain rows, not model instances: tens of thousands of actions on a busy day.
    pending = list(
        Action.objects.filter(
            status=ActionStatus.OPEN,
            kind__in=[StepKind.EMAIL, StepKind.LETTER],
            as_of__lte=as_of,
            outbox_message__isnull=True,
        )
        .order_by("id")
        .values_list("id", "kind", "days_past_due", "customer_id", "step__template")
    )
    created = as_letters = 0
    texts = active_texts()  # the active version of every template, read once
    known = {code for code, _lang in texts}
    queued = MessageStatus.QUEUED.value
    for start in range(0, len(pending), _BATCH):
        actions = pending[start : start + _BATCH]
        customer_ids = sorted({row[3] for row in actions})
        parties = parties_for(customer_ids)
        accounts = account_items(customer_ids, as_of)
        bounced = set(
            BouncedAddress.objects.filter(
                address__any_of=[p.email.lower() for p in parties.values() if p.email]
            ).values_list("address", flat=True)
        )
        rows = []
        for action_id, kind, days_past_due, customer_id, step_template in actions:
            party = parties[customer_id]
            channel = MessageChannel.LETTER if kind == StepKind.LETTER else MessageChannel.EMAIL
            error = ""
            if channel == MessageChannel.EMAIL and not party.email:
                channel, error = MessageChannel.LETTER, NO_EMAIL
            elif channel == MessageChannel.EMAIL and party.email.lower() in bounced:
                channel, error = MessageChannel.LETTER, BOUNCED
            if error:
                as_letters += 1
            code = template_for(
                kind=kind,
                step_template=step_template or "",
                days_past_due=days_past_due,
                known=known,
            )
            text = text_for(code, party.language, texts)
            assert text is not None  # ``known`` holds only templates that have a text
            rendered = render_reminder(
                text=text,
                party=party,
                account=accounts[customer_id],
                days_past_due=days_past_due or 0,
            )
            rows.append(
                (
                    customer_id,
                    action_id,
                    channel.value,
                    code,
                    text.language,
                    text.version_id,
                    party.postal_block if channel == MessageChannel.LETTER else party.email,
                    rendered.subject[:300],
                    rendered.text,
                    rendered.html,
                    queued,
                    error,
                    as_of,
                )
            )
        insert_rows(OutboxMessage, _COLUMNS, rows, ignore_conflicts=True)
        created += len(rows)
    # A message still waiting whose action was cancelled or skipped since must not go out.
    withdrawn = OutboxMessage.objects.filter(
        status__in=[MessageStatus.QUEUED, MessageStatus.HELD, MessageStatus.FAILED],
        action__status__in=[ActionStatus.CANCELLED, ActionStatus.SKIPPED],
    ).update(status=MessageStatus.CANCELLED, error="the action was cancelled")
    audit_record(
        actor=actor,
        action="outbox.queue",
        object_type="outbox",
        object_id=as_of.isoformat(),
        summary=(
            f"{created} messages queued ({as_letters} as letters for want of an email "
            f"address), {withdrawn} withdrawn with their action"
        ),
        after={"queued": created, "as_letters": as_letters, "withdrawn": withdrawn},
    )
    return created
