"""A hard bounce, however it is learnt (a 5xx reply while sending, or a delivery report read
from the mailbox): the address is flagged so no email goes to it again, and the message's step
falls back to a letter, or to a call task when the customer has no postal address either."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from openar.comms.choices import MessageChannel, MessageStatus
from openar.comms.models import BouncedAddress, OutboxMessage
from openar.comms.parties import postal_address, postal_block
from openar.core.audit import audit_record
from openar.core.dates import today
from openar.core.reasons import part
from openar.ledger.models import Customer
from openar.strategy.choices import StepKind
from openar.strategy.models import Action
from openar.strategy.services import action_create
from openar.worklist.services import queues_rebuild


@dataclass
class Fallback:
    letter: OutboxMessage | None = None
    call: Action | None = None


@transaction.atomic
def address_bounced(
    *,
    address: str,
    customer_id: int | None,
    code: int | None,
    why: str,
    actor: Any,
    message: OutboxMessage | None = None,
    at: dt.datetime | None = None,
) -> BouncedAddress:
    """Flag ``address``: the customer's emails go by letter until a person clears it."""
    flagged, created = BouncedAddress.objects.get_or_create(
        address=address.strip().lower()[:254],
        defaults={
            "customer_id": customer_id,
            "code": code,
            "reason": why[:300],
            "message": message,
            "bounced_at": at or timezone.now(),
        },
    )
    if created:
        audit_record(
            actor=actor,
            action="address.bounce",
            object_type="customer",
            object_id=customer_id or "",
            summary=f"{flagged.address} bounced ({why})"[:500],
            after={"address": flagged.address, "code": code},
        )
    return flagged


@transaction.atomic
def message_bounce(
    *,
    message: OutboxMessage,
    code: int | None,
    why: str,
    actor: Any,
    as_of: dt.date | None = None,
) -> Fallback:
    """Flag the address ``message`` went to, close the email as bounced and queue what replaces
    it: a letter to the postal address, or a call task for the account's collector when there
    is none. Bouncing a message that already bounced changes nothing."""
    locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    existing = OutboxMessage.objects.filter(fallback_for=locked).first()
    call_key = f"bounce:{locked.pk}"
    if locked.status == MessageStatus.BOUNCED:
        return Fallback(existing, Action.objects.filter(dedupe_key=call_key).first())
    address = (locked.to_address or "").strip().lower()
    if address:
        address_bounced(
            address=address, customer_id=locked.customer_id, code=code, why=why,
            actor=actor, message=locked,
        )  # fmt: skip
    OutboxMessage.objects.filter(pk=locked.pk).update(status=MessageStatus.BOUNCED, error=why[:300])
    customer = Customer.objects.get(pk=locked.customer_id)
    fallback = Fallback()
    if postal_address(customer.attributes).strip():
        fallback.letter = OutboxMessage.objects.create(
            customer_id=locked.customer_id,
            channel=MessageChannel.LETTER,
            template_code=locked.template_code,
            language=locked.language,
            to_address=postal_block(customer.name, customer.attributes, customer.country),
            subject=locked.subject,
            body=locked.body,
            html=locked.html,
            status=MessageStatus.QUEUED,
            error=f"instead of email {locked.pk}, which bounced",
            as_of=locked.as_of,
            fallback_for=locked,
        )
        instead = f"letter {fallback.letter.pk} instead"
    else:
        day = as_of or today()
        fallback.call, _created = action_create(
            customer_id=locked.customer_id,
            kind=StepKind.CALL,
            reason_parts=[part("bounce_call", address=address or "", subject=locked.subject)],
            as_of=day,
            due_date=day,
            dedupe_key=call_key,
            actor=actor,
        )
        instead = f"call task {fallback.call.pk} instead (no postal address)"
    audit_record(
        actor=actor,
        action="outbox.bounce",
        object_type="outbox_message",
        object_id=locked.pk,
        summary=f"{address} refused ({why}); {instead}"[:500],
        after={
            "address": address,
            "code": code,
            "letter": fallback.letter.pk if fallback.letter else None,
            "call": fallback.call.pk if fallback.call else None,
        },
    )
    return fallback


def queues_refresh(*, customer_ids: set[int], as_of: dt.date, actor: Any) -> None:
    """Rebuild the queues of the collectors of ``customer_ids``, so tasks made outside the
    daily cycle show at once (accounts without a collector wait for the next cycle)."""
    collectors = (
        Customer.objects.filter(pk__in=customer_ids, collector__isnull=False)
        .select_related("collector")
        .order_by("collector_id")
        .distinct()
    )
    done: set[int] = set()
    for customer in collectors:
        if customer.collector_id is None or customer.collector_id in done:
            continue
        done.add(customer.collector_id)
        queues_rebuild(as_of=as_of, actor=actor, collector=customer.collector)
