"""Credit decisions waiting for a person: recommendations raised by strategies (credit hold,
agency placement or write-off) and their approval or rejection."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openar.credit.choices import RecommendationKind, RecommendationStatus


class Recommendation(models.Model):
    """A recommendation for a credit decision on one customer, decided by credit or a manager.

    Raised by the strategy engine from a credit-hold or agency step (the strategy action holds
    the link: ``Action.recommendation``) or by a person."""

    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="recommendations"
    )
    kind = models.CharField(max_length=20, choices=RecommendationKind.choices)
    status = models.CharField(
        max_length=10, choices=RecommendationStatus.choices, default=RecommendationStatus.PENDING
    )
    as_of = models.DateField()  # the business date it was raised for
    reason = models.CharField(max_length=300, blank=True)
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
