"""Credit decisions: recommendations waiting for a person (credit hold, release, agency placement
or write-off) and credit holds that block the customer's new orders in the ERP."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openar.credit.choices import (
    HoldAction,
    HoldStatus,
    RecommendationKind,
    RecommendationStatus,
    ReleaseCondition,
)


class Recommendation(models.Model):
    """A recommendation for a credit decision on one customer, decided by credit or a manager.

    Raised by the strategy engine from a credit-hold or agency step (the strategy action holds
    the link: ``Action.recommendation``), by the daily cycle when a hold's release condition is
    met, or by a collector asking for a hold above what they may place."""

    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="recommendations"
    )
    kind = models.CharField(max_length=20, choices=RecommendationKind.choices)
    status = models.CharField(
        max_length=10, choices=RecommendationStatus.choices, default=RecommendationStatus.PENDING
    )
    as_of = models.DateField()  # the business date it was raised for
    reason = models.CharField(max_length=300, blank=True)  # in the default language
    # The reason as codes and values ([{"code", "params"}]), shown in the reader's language.
    reason_parts = models.JSONField(default=list, blank=True)
    # A hold asked for by a person: who asked, and when the hold may end.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release_condition = models.CharField(
        max_length=20, choices=ReleaseCondition.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        indexes = [
            models.Index(fields=["status", "kind"], name="recommendation_status_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.customer_id} {self.status}"


class CreditHold(models.Model):
    """A customer on credit hold: the ERP blocks new orders until it is released. One active hold
    per customer; released holds stay as history."""

    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="credit_holds"
    )
    status = models.CharField(max_length=10, choices=HoldStatus.choices, default=HoldStatus.ACTIVE)
    reason = models.CharField(max_length=300)
    reason_parts = models.JSONField(default=list, blank=True)  # from a recommendation's reason
    release_condition = models.CharField(
        max_length=20, choices=ReleaseCondition.choices, default=ReleaseCondition.PAST_DUE_PAID
    )
    # The recommendation the hold was approved on (a strategy's or a collector's), if any.
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.SET_NULL, related_name="holds"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField()
    # The release the daily cycle recommended when the condition was met.
    release_recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="active"),
                name="credit_hold_one_active_per_customer",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="credit_hold_status")]

    def __str__(self) -> str:
        return f"hold {self.customer_id} {self.status}"


class HoldEvent(models.Model):
    """One hold or release as the ERP reads it (``openar export holds``, ``GET
    /api/credit/hold-events``): append-only, in the order decided."""

    hold = models.ForeignKey(CreditHold, on_delete=models.CASCADE, related_name="events")
    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=HoldAction.choices)
    reason = models.CharField(max_length=300, blank=True)
    decided_by = models.CharField(max_length=150)  # a username, or the job that decided
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.action} {self.customer_id} {self.decided_at:%Y-%m-%d}"
