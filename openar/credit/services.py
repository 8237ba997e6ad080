"""Writes for credit decisions: approving or rejecting a recommendation."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openar.core.audit import audit_record
from openar.core.errors import Conflict, PermissionDenied
from openar.core.roles import Role, has_role
from openar.credit.choices import RecommendationStatus
from openar.credit.models import Recommendation

DECIDER_ROLES = (Role.CREDIT, Role.MANAGER)


@transaction.atomic
def recommendation_decide(
    *, recommendation: Recommendation, approve: bool, actor: Any, note: str = ""
) -> Recommendation:
    """Approve or reject a pending recommendation (credit analysts and managers); the action that
    raised it is marked done with the decision as its outcome."""
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
    action = rec.action
    if action is not None and action.status == "open":
        # The related object is enough: credit sits below strategy and does not import it.
        action.status = "done"
        action.outcome = f"{rec.status}: {rec.note}" if rec.note else str(rec.status)
        action.completed_at = now
        action.completed_by = actor
        action.save(update_fields=["status", "outcome", "completed_at", "completed_by"])
    audit_record(
        actor=actor,
        action=f"recommendation.{rec.status}",
        object_type="recommendation",
        object_id=rec.pk,
        summary=f"{rec.kind} for customer {rec.customer_id} {rec.status}",
        before={"status": RecommendationStatus.PENDING},
        after={"status": rec.status, "note": rec.note},
    )
    return rec
