"""The account timeline on the account page: activity's own entries (calls, emails in and out,
letters, visits, notes, promises) and the panel that shows every app's entries with filters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openar.activity.choices import ContactChannel, ContactDirection, PromiseStatus
from openar.activity.models import ContactLog, PromiseToPay
from openar.core.reasons import amount_text
from openar.core.timeline import (
    Entry,
    TimelineKind,
    account_timeline,
    at_day,
    register_timeline_source,
    timeline_kinds,
)

KINDS = [
    TimelineKind("call", gettext_lazy("Calls"), 10),
    TimelineKind("email_in", gettext_lazy("Emails in"), 20),
    TimelineKind("email_out", gettext_lazy("Emails out"), 21),
    TimelineKind("letter", gettext_lazy("Letters"), 30),
    TimelineKind("promise", gettext_lazy("Promises"), 40),
    TimelineKind("note", gettext_lazy("Notes"), 90),
]
TIMELINE_ROWS = 60


def _who(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _contact_kind(channel: str, direction: str) -> str:
    if channel == ContactChannel.EMAIL:
        return "email_in" if direction == ContactDirection.INBOUND else "email_out"
    if channel in (ContactChannel.CALL, ContactChannel.VISIT):
        return "call"
    return str(channel)  # letter, note


def activity_entries(customer: Any, limit: int) -> list[Entry]:
    """Contacts and promises of the account, newest first (two queries)."""
    entries = []
    for c in (
        ContactLog.objects.filter(customer=customer)
        .select_related("user")
        .order_by("-contacted_at", "-id")[:limit]
    ):
        entries.append(
            Entry(
                at=c.contacted_at,
                kind=_contact_kind(c.channel, c.direction),
                title=f"{c.get_channel_display()} · {c.get_outcome_display()}",
                detail=c.note[:300],
                who=_who(c.user),
            )
        )
    tones = {PromiseStatus.KEPT: "ok", PromiseStatus.BROKEN: "danger"}
    for p in (
        PromiseToPay.objects.filter(customer=customer)
        .select_related("taken_by")
        .order_by("-created_at")[:limit]
    ):
        amount = amount_text(p.amount, p.currency)
        entries.append(
            Entry(
                at=p.created_at,
                kind="promise",
                title=_("Promise of %(amount)s by %(date)s")
                % {"amount": amount, "date": p.promised_date.isoformat()},
                detail=p.note[:300],
                who=_who(p.taken_by),
            )
        )
        if p.resolved_on is not None and p.status in tones:
            entries.append(
                Entry(
                    at=at_day(p.resolved_on),
                    kind="promise",
                    title=(
                        _("Promise kept") if p.status == PromiseStatus.KEPT else _("Promise broken")
                    )
                    + f" · {amount}",
                    tone=tones[PromiseStatus(p.status)],
                )
            )
    return entries


def register() -> None:
    register_timeline_source(key="activity", fetch=activity_entries, kinds=KINDS)


def timeline_panel(request: HttpRequest, customer: Any, as_of: Any) -> str:
    """The account page's timeline: every app's entries, newest first, filtered by kind
    (``?kind=call&kind=promise``; none chosen: everything)."""
    kinds = timeline_kinds()
    known = {k.key for k in kinds}
    chosen = [k for k in request.GET.getlist("kind") if k in known]
    entries = account_timeline(customer, kinds=chosen or None, limit=TIMELINE_ROWS)
    return render_to_string(
        "activity/_timeline.html",
        {"customer": customer, "entries": entries, "kinds": kinds, "chosen": set(chosen)},
        request=request,
    )
