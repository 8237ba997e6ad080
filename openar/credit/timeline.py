"""Credit's entries on the account timeline: holds placed and released."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openar.core.timeline import Entry, TimelineKind, register_timeline_source
from openar.credit.choices import HoldAction
from openar.credit.models import HoldEvent


def hold_entries(customer: Any, limit: int) -> list[Entry]:
    """Every hold placed on or released from the account (one query)."""
    return [
        Entry(
            at=e.decided_at,
            kind="hold",
            title=_("Credit hold placed")
            if e.action == HoldAction.HOLD
            else _("Credit hold released"),
            detail=e.reason,
            who=e.decided_by,
            tone="danger" if e.action == HoldAction.HOLD else "ok",
        )
        for e in HoldEvent.objects.filter(customer=customer).order_by("-decided_at")[:limit]
    ]


def register() -> None:
    register_timeline_source(
        key="credit",
        fetch=hold_entries,
        kinds=[TimelineKind("hold", gettext_lazy("Holds"), 70)],
    )
