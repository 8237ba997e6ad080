"""Daily snapshots of the receivables, kept as they were on the day.

``SnapshotDay`` says which days were taken, in which reporting currency and with which aging
buckets. ``PortfolioSnapshot`` holds the day's figures per combination of entity, collector,
segment and risk class (a few hundred rows a day: every trend and filter reads it).
``CustomerSnapshot`` holds each account with an open balance (100k rows a day on a large
portfolio): it is kept daily for the recent weeks, then weekly, then at month ends
(``reports.services.snapshot_take`` prunes it), so a year stays well under 2 GB.

Bucket amounts go in the columns ``b0`` to ``b7``, youngest first, named in ``SnapshotDay.buckets``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openar.core.fields import AmountField
from openar.reports.choices import SnapshotSource

MAX_BUCKETS = 8
BUCKET_COLUMNS = tuple(f"b{i}" for i in range(MAX_BUCKETS))


class SnapshotDay(models.Model):
    as_of = models.DateField(unique=True)
    currency = models.CharField(max_length=3)
    # [{"name": "1-30", "low": 1, "high": 30}, ...] in column order (b0, b1...).
    buckets = models.JSONField(default=list)
    source = models.CharField(max_length=10, choices=SnapshotSource.choices)
    customers = models.PositiveIntegerField(default=0)
    balance = AmountField(default=0)
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return f"{self.as_of} {self.balance} {self.currency}"


class _Figures(models.Model):
    balance = AmountField(default=0)
    past_due = AmountField(default=0)
    disputed = AmountField(default=0)
    b0 = AmountField(null=True, blank=True)
    b1 = AmountField(null=True, blank=True)
    b2 = AmountField(null=True, blank=True)
    b3 = AmountField(null=True, blank=True)
    b4 = AmountField(null=True, blank=True)
    b5 = AmountField(null=True, blank=True)
    b6 = AmountField(null=True, blank=True)
    b7 = AmountField(null=True, blank=True)
    open_items = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class PortfolioSnapshot(_Figures):
    """One day's receivables of the accounts that share an entity, collector, segment and risk
    class; ``invoiced`` and ``collected`` are that day's invoices and receipts."""

    as_of = models.DateField()
    entity = models.ForeignKey("ledger.Entity", on_delete=models.PROTECT, related_name="+")
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    segment = models.CharField(max_length=40, blank=True)
    risk_class = models.CharField(max_length=1, blank=True)
    customers = models.PositiveIntegerField(default=0)
    invoiced = AmountField(default=0)
    collected = AmountField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["as_of", "collector"]),
            models.Index(fields=["as_of", "entity"]),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.entity_id}/{self.collector_id}/{self.segment}/{self.risk_class}"


class CustomerSnapshot(_Figures):
    """One account's receivables on one day, with the collector and risk class it had then."""

    pk = models.CompositePrimaryKey("as_of", "customer")
    as_of = models.DateField()
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    risk_class = models.CharField(max_length=1, blank=True)
    days_past_due = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.as_of} {self.customer_id} {self.balance}"
