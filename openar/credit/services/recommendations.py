"""Raising recommendations and approving or rejecting them, one by one or in bulk; an approved
hold or release takes effect through the hold services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openar.core.audit import actor_label, audit_record
from openar.core.bulk import insert_rows
from openar.core.errors import Conflict, OpenARError, PermissionDenied, ValidationError
from openar.core.hooks import run_hooks
from openar.core.roles import Role, has_role
from openar.credit.choices import HoldStatus, RecommendationKind, RecommendationStatus
from openar.credit.models import CreditHold, Recommendation
from openar.credit.services.holds import _timeline, hold_place, hold_release

DECIDER_ROLES = (Role.CREDIT, Role.MANAGER)


@transaction.atomic
def recommendation_decide(
    *, recommendation: Recommendation, approve: bool, actor: Any, note: str = ""
) -> Recommendation:
    """Approve or reject a pending recommendation (credit analysts and managers). Runs the
    ``recommendation_decided`` hooks in the same transaction: strategy closes the action that
    raised it, through its own service."""
    if not has_role(actor, *DECIDER_ROLES):
        raise PermissionDenied(_("only a credit analyst or a manager can decide recommendations"))
    rec = (
        Recommendation.objects.select_for_update()
        .select_related("customer")
        .get(pk=recommendation.pk)
    )
    if rec.requested_by_id is not None and rec.requested_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("nobody approves their own request"), field="decided_by")
    if rec.status != RecommendationStatus.PENDING:
        raise Conflict(
            _("the recommendation is already %(status)s")
            % {"status": str(rec.get_status_display()).lower()},
            field="status",
        )
    now = timezone.now()
    rec.status = RecommendationStatus.APPROVED if approve else RecommendationStatus.REJECTED
    rec.decided_by = actor
    rec.decided_at = now
    rec.note = note.strip()
    rec.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit_record(
        actor=actor,
        action=f"recommendation.{rec.status}",
        object_type="recommendation",
        object_id=rec.pk,
        summary=f"{rec.kind} for customer {rec.customer_id} {rec.status}",
        before={"status": RecommendationStatus.PENDING},
        after={"status": rec.status, "note": rec.note},
    )
    _take_effect(rec, approve=approve, actor=actor)
    run_hooks("recommendation_decided", recommendation=rec, actor=actor)
    return rec


def _take_effect(rec: Recommendation, *, approve: bool, actor: Any) -> None:
    # An approved hold is placed and an approved release lifts the hold; a rejected one goes on
    # the account's timeline with the note.
    if rec.kind == RecommendationKind.CREDIT_HOLD:
        active = CreditHold.objects.filter(customer=rec.customer, status=HoldStatus.ACTIVE)
        if approve and not active.exists():
            hold_place(
                customer=rec.customer,
                reason=_hold_reason(rec),
                actor=actor,
                release_condition=rec.release_condition or "past_due_paid",
                recommendation=rec,
                requested_by=rec.requested_by,
            )
        elif not approve:
            with translation.override(settings.LANGUAGE_CODE):
                text = _("Credit hold not approved by %(actor)s") % {"actor": actor_label(actor)}
            _timeline(customer=rec.customer, actor=actor, text=_with_note(text, rec.note))
    elif rec.kind == RecommendationKind.CREDIT_RELEASE:
        hold = CreditHold.objects.filter(
            release_recommendation=rec, status=HoldStatus.ACTIVE
        ).first()
        if approve and hold is not None:
            hold_release(hold=hold, actor=actor, reason=rec.note or rec.reason, recommendation=rec)
        elif not approve:
            with translation.override(settings.LANGUAGE_CODE):
                text = _("Release of the credit hold not approved by %(actor)s") % {
                    "actor": actor_label(actor)
                }
            _timeline(customer=rec.customer, actor=actor, text=_with_note(text, rec.note))


def _hold_reason(rec: Recommendation) -> str:
    # A person's request keeps their own words; a strategy's keeps its reason (and its parts).
    if rec.requested_by_id is not None:
        for item in rec.reason_parts or ():
            if item.get("code") == "text" and item.get("params", {}).get("text"):
                return str(item["params"]["text"])
    return rec.reason or rec.note or str(rec.get_kind_display())


def _with_note(text: str, note: str) -> str:
    return f"{text}: {note}" if note else text


@dataclass
class BulkDecision:
    """What a bulk decision did: the recommendations decided, and those refused with why."""

    decided: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def recommendations_decide_bulk(
    *, ids: Iterable[int], approve: bool, actor: Any, note: str = ""
) -> BulkDecision:
    """Approve or reject many recommendations (the page's selected rows): each one decided in
    its own transaction like ``recommendation_decide``; one already decided, or that the actor
    may not decide, is reported in ``refused`` and the others still go through."""
    if not has_role(actor, *DECIDER_ROLES):
        raise PermissionDenied(_("only a credit analyst or a manager can decide recommendations"))
    result = BulkDecision()
    wanted = sorted(set(int(i) for i in ids))
    found = {r.pk: r for r in Recommendation.objects.filter(pk__in=wanted)}
    for pk in wanted:
        rec = found.get(pk)
        if rec is None:
            result.refused[pk] = _("no such recommendation")
            continue
        try:
            recommendation_decide(recommendation=rec, approve=approve, actor=actor, note=note)
        except OpenARError as exc:
            result.refused[pk] = exc.message
        else:
            result.decided.append(pk)
    return result


@transaction.atomic
def recommendations_raise_bulk(
    *, recommendations: Iterable[Mapping[str, Any]], actor: Any
) -> list[int]:
    """Raise pending recommendations in bulk (the strategy engine's credit-hold and agency
    steps): each mapping has ``customer_id``, ``kind``, ``as_of``, ``reason`` and optionally
    ``reason_parts`` (the reason as codes, shown in the reader's language). Returns their ids,
    in the order given; one audit event for the batch."""
    rows = []
    kinds: dict[str, int] = {}
    for spec in recommendations:
        if spec["kind"] not in RecommendationKind.values:
            raise ValidationError(f"unknown recommendation kind {spec['kind']!r}", field="kind")
        kind = str(spec["kind"])
        kinds[kind] = kinds.get(kind, 0) + 1
        rows.append(
            (
                spec["customer_id"],
                kind,
                spec["as_of"],
                str(spec.get("reason", ""))[:300],
                list(spec.get("reason_parts") or []),
            )
        )
    if not rows:
        return []
    # Plain rows: the engine raises thousands a day, and a model instance each costs more than
    # the insert.
    ids = insert_rows(
        Recommendation, ("customer_id", "kind", "as_of", "reason", "reason_parts"), rows
    )
    audit_record(
        actor=actor,
        action="recommendations.raise",
        object_type="recommendations",
        summary=f"{len(ids)} recommendations raised",
        after={"count": len(ids), "kinds": kinds},
    )
    return ids
