"""Ledger's entries on the account timeline: payments applied to the account's items."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from openar.core.reasons import amount_text
from openar.core.timeline import Entry, TimelineKind, at_day, register_timeline_source
from openar.ledger.models import Application


def payment_entries(customer: Any, limit: int) -> list[Entry]:
    """One entry per receipt and day: what it paid on the account's items (one query)."""
    rows = (
        Application.objects.filter(document__customer=customer)
        .values("receipt__receipt_ref", "applied_date", "document__currency")
        .annotate(total=Sum("amount"), items=Count("id"), last=Max("created_at"))
        .order_by("-applied_date", "-last")[:limit]
    )
    entries = []
    for row in rows:
        cur = row["document__currency"]
        n = row["items"]
        entries.append(
            Entry(
                at=at_day(row["applied_date"]),
                kind="payment",
                title=_("Payment applied: %(amount)s") % {"amount": amount_text(row["total"], cur)},
                detail=ngettext("%(ref)s to %(n)d item", "%(ref)s to %(n)d items", n)
                % {"ref": row["receipt__receipt_ref"], "n": n},
                tone="ok",
            )
        )
    return entries


def register() -> None:
    register_timeline_source(
        key="ledger",
        fetch=payment_entries,
        kinds=[TimelineKind("payment", gettext_lazy("Payments applied"), 60)],
    )
