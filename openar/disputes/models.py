"""Deductions (a customer paid short): opened by cash application, worked by research."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openar.core.fields import AmountField
from openar.disputes.choices import DeductionStatus


class Deduction(models.Model):
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.PROTECT, related_name="deductions"
    )
    document = models.ForeignKey(
        "ledger.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deductions",
    )
    receipt = models.ForeignKey(
        "ledger.Receipt", null=True, blank=True, on_delete=models.PROTECT, related_name="deductions"
    )
    amount = AmountField()  # the short-paid amount, positive
    currency = models.CharField(max_length=3)
    opened_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=DeductionStatus.choices, default=DeductionStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="deduction_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "opened_on"], name="deduction_status_opened")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.amount} {self.currency} {self.status}"
