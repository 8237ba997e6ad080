"""Strategy's entries on the account timeline: actions created and closed."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openar.core.reasons import reason_text
from openar.core.timeline import Entry, TimelineKind, at_day, register_timeline_source
from openar.strategy.choices import ActionStatus, StepKind
from openar.strategy.models import Action


def action_entries(customer: Any, limit: int) -> list[Entry]:
    """Each action of the account: created, and closed with its outcome (one query)."""
    kinds = dict(StepKind.choices)
    statuses = dict(ActionStatus.choices)
    entries = []
    for a in (
        Action.objects.filter(customer=customer)
        .select_related("step", "completed_by")
        .order_by("-as_of", "-id")[:limit]
    ):
        label = str(kinds.get(a.kind, a.kind))
        name = a.step.name if a.step else label
        entries.append(
            Entry(
                at=at_day(a.as_of),
                kind="action",
                title=_("%(kind)s: %(step)s") % {"kind": label, "step": name} if a.step else label,
                detail=reason_text(a.reason_parts, a.reason),
            )
        )
        if a.completed_at is not None and a.status != ActionStatus.OPEN:
            who = a.completed_by
            entries.append(
                Entry(
                    at=a.completed_at,
                    kind="action",
                    title=_("%(step)s: %(status)s") % {"step": name, "status": statuses[a.status]},
                    detail=a.outcome[:300],
                    who=(who.get_full_name() or who.get_username()) if who else "",
                )
            )
    return entries


def register() -> None:
    register_timeline_source(
        key="strategy",
        fetch=action_entries,
        kinds=[TimelineKind("action", gettext_lazy("Strategy actions"), 85)],
    )
