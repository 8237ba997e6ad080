"""Reads for the Inbox pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from openar.comms.choices_inbound import InboundStatus
from openar.comms.models import InboundMessage, MailboxState


def inbound_list(
    *,
    queryset: QuerySet[InboundMessage] | None = None,
    status: str = "",
    kind: str = "",
    q: str = "",
) -> QuerySet[InboundMessage]:
    """Messages read from the mailbox, newest first, with their account; ``q`` searches the
    sender, the subject and the customer's number and name."""
    qs = queryset if queryset is not None else InboundMessage.objects.all()
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(from_address__icontains=q)
            | Q(from_name__icontains=q)
            | Q(subject__icontains=q)
            | Q(customer__customer_ref__iexact=q)
            | Q(customer__name__icontains=q)
        )
    return (
        qs.select_related("customer")
        .defer("headers", "html", "text", "raw")
        .order_by("-received_at", "-id")
    )


def inbound_detail(pk: int) -> InboundMessage:
    return InboundMessage.objects.select_related(
        "customer", "original", "action", "promise", "assigned_by", "dispute_case__reason"
    ).get(pk=pk)


def inbound_counts() -> dict[str, int]:
    rows = InboundMessage.objects.values("status").annotate(n=Count("id")).order_by()
    counts = {row["status"]: row["n"] for row in rows}
    return {status: counts.get(status, 0) for status in InboundStatus.values}


def mailbox_states() -> list[MailboxState]:
    return list(MailboxState.objects.order_by("key"))
