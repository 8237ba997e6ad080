"""Disputes' entries on the account timeline: cases opened and resolved."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openar.core.reasons import amount_text
from openar.core.timeline import Entry, TimelineKind, at_day, register_timeline_source
from openar.disputes.models import DisputeCase


def dispute_entries(customer: Any, limit: int) -> list[Entry]:
    """Each case of the account: opened, and resolved when it was (one query)."""
    entries = []
    for case in (
        DisputeCase.objects.filter(customer=customer)
        .select_related("reason", "opened_by")
        .order_by("-created_at")[:limit]
    ):
        url = reverse("disputes:case", args=[case.pk])
        amount = amount_text(case.amount, case.currency)
        who = case.opened_by.get_username() if case.opened_by else ""
        entries.append(
            Entry(
                at=timezone.localtime(case.created_at),
                kind="dispute",
                title=_("Dispute #%(id)s opened: %(amount)s, %(reason)s")
                % {"id": case.pk, "amount": amount, "reason": case.reason.label},
                detail=case.description[:300],
                who=who,
                url=url,
                tone="warn",
            )
        )
        if case.resolved_on is not None:
            entries.append(
                Entry(
                    at=at_day(case.resolved_on),
                    kind="dispute",
                    title=_("Dispute #%(id)s resolved: %(outcome)s")
                    % {"id": case.pk, "outcome": case.get_outcome_display()},
                    detail=case.resolution_note[:300],
                    url=url,
                )
            )
    return entries


def register() -> None:
    register_timeline_source(
        key="disputes",
        fetch=dispute_entries,
        kinds=[TimelineKind("dispute", gettext_lazy("Disputes"), 50)],
    )
