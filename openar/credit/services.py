"""Writes for credit decisions: raising recommendations and approving or rejecting them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openar.core.audit import audit_record
from openar.core.bulk import insert_models
from openar.core.errors import Conflict, PermissionDenied, ValidationError
from openar.core.hooks import run_hooks
from openar.core.roles import Role, has_role
from openar.credit.choices import RecommendationKind, RecommendationStatus
from openar.credit.models import Recommendation

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
    rec = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
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
    run_hooks("recommendation_decided", recommendation=rec, actor=actor)
    return rec


@transaction.atomic
def recommendations_raise_bulk(
    *, recommendations: Iterable[Mapping[str, Any]], actor: Any
) -> list[Recommendation]:
    """Raise pending recommendations in bulk (the strategy engine's credit-hold and agency
    steps): each mapping has ``customer_id``, ``kind``, ``as_of`` and ``reason``. Returns them
    with their ids, in the order given; one audit event for the batch."""
    rows = []
    for spec in recommendations:
        if spec["kind"] not in RecommendationKind.values:
            raise ValidationError(f"unknown recommendation kind {spec['kind']!r}", field="kind")
        rows.append(
            Recommendation(
                customer_id=spec["customer_id"],
                kind=spec["kind"],
                as_of=spec["as_of"],
                reason=str(spec.get("reason", ""))[:300],
            )
        )
    if not rows:
        return []
    insert_models(rows)
    created = rows
    kinds: dict[str, int] = {}
    for rec in created:
        kinds[rec.kind] = kinds.get(rec.kind, 0) + 1
    audit_record(
        actor=actor,
        action="recommendations.raise",
        object_type="recommendations",
        summary=f"{len(created)} recommendations raised",
        after={"count": len(created), "kinds": kinds},
    )
    return created
