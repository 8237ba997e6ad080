"""Limit reviews: opened periodically by risk class or on an event (score dropped, promises
broken, limit exceeded), carrying the recommendation made from collection behaviour, and decided
by credit: keep, reduce, increase or hold."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openar.core.fields import AmountField
from openar.credit.choices import ReviewOutcome, ReviewStatus, ReviewTrigger


class LimitReview(models.Model):
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="limit_reviews"
    )
    trigger = models.CharField(max_length=20, choices=ReviewTrigger.choices)
    # What raised it, once: "periodic:2026-06-30", "event:42", "over:2026-06"...
    trigger_ref = models.CharField(max_length=60)
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    # The recommendation from collection behaviour, its reason as codes (core.reasons) and words.
    recommended = models.CharField(max_length=10, choices=ReviewOutcome.choices)
    recommended_limit = AmountField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=300, blank=True)
    reason_parts = models.JSONField(default=list, blank=True)
    # The figures the reviewer saw when it was raised (behaviour, score, exposure, cover).
    facts = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    new_limit = models.ForeignKey(
        "credit.CreditLimit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hold = models.ForeignKey(
        "credit.CreditHold", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "trigger_ref"], name="limit_review_once_per_trigger"
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="open"),
                name="limit_review_one_open_per_customer",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="limit_review_status")]

    def __str__(self) -> str:
        return f"review {self.customer_id} {self.trigger} {self.status}"
