"""Risk scores: one row per customer and scoring date, kept as history (the customer page trend).

``score`` runs 0-1000 where **higher means safer** (as a credit score does); ``risk_class`` A is the
safest class, E the riskiest. Reasons are stored as data (code + parameters) and rendered in the
reader's language.
"""

from __future__ import annotations

from django.db import models

from openar.ledger.models import AmountField
from openar.risk.choices import Engine, RiskClass


class CustomerScore(models.Model):
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="risk_scores"
    )
    as_of = models.DateField()
    score = models.PositiveSmallIntegerField()
    risk_class = models.CharField(max_length=1, choices=RiskClass.choices)
    engine = models.CharField(max_length=20, choices=Engine.choices)
    model_version = models.CharField(max_length=40, blank=True)
    # [{"code": "late_trend", "params": {...}, "weight": 12.5}, ...], most important first.
    reasons = models.JSONField(default=list)
    currency = models.CharField(max_length=3)
    expected_7d_amount = AmountField(default=0)
    expected_30d_amount = AmountField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "as_of"], name="risk_score_customer_date"),
            models.CheckConstraint(
                condition=models.Q(score__lte=1000), name="risk_score_at_most_1000"
            ),
        ]
        indexes = [models.Index(fields=["as_of", "risk_class"], name="risk_score_date_class")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.as_of} {self.score} {self.risk_class}"
