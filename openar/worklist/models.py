"""Work queues: one work item per open call, escalation or custom action, ranked per collector;
collector capacity, ranking weights, portfolio rules and absence cover."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from openar.core.fields import AmountField
from openar.worklist.choices import Slot

DEFAULT_DAILY_TARGET = 50


class CollectorProfile(models.Model):
    """A collector's capacity: how many calls a day their queue plans for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collector_profile"
    )
    daily_target = models.PositiveIntegerField(default=DEFAULT_DAILY_TARGET)
    # Balancing hands accounts only to active collectors.
    active = models.BooleanField(default=True)
    # Who gets the escalations of this collector's accounts owned by the manager role.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.daily_target}/day)"


class RankingWeights(models.Model):
    """How much each factor counts in an item's priority (0-100 each); one row, "default"."""

    key = models.SlugField(max_length=20, unique=True, default="default")
    past_due = models.PositiveSmallIntegerField(default=30)
    risk = models.PositiveSmallIntegerField(default=20)
    days_past_due = models.PositiveSmallIntegerField(default=20)
    promise = models.PositiveSmallIntegerField(default=15)
    urgency = models.PositiveSmallIntegerField(default=10)
    last_contact = models.PositiveSmallIntegerField(default=5)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "ranking weights"

    def __str__(self) -> str:
        return self.key


class WorkItem(models.Model):
    """One account in one person's queue: every open call, escalation and custom action they
    own on it merged, with its priority, position and the reasons for it (stored as data,
    rendered in the reader's language).

    Rebuilt by ``queues_rebuild``; ``collector`` is who works it today (the cover during an
    absence, then ``covering_for`` names the absent collector); ``action`` is the most urgent
    of ``action_ids``."""

    action = models.ForeignKey("strategy.Action", on_delete=models.CASCADE, related_name="+")
    action_ids = models.JSONField(default=list)  # every merged action, most urgent first
    kinds = models.JSONField(default=list)  # their kinds: call, escalation, custom
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="work_items"
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_items",
    )
    covering_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20)  # the lead action's kind: call, escalation, custom
    as_of = models.DateField()
    due_date = models.DateField()
    priority = models.PositiveIntegerField()  # 0..1000, higher first
    rank = models.PositiveIntegerField()  # 1 = first in the collector's queue
    slot = models.CharField(max_length=10, choices=Slot.choices)
    past_due_amount = AmountField()  # reporting currency
    currency = models.CharField(max_length=3)
    days_past_due = models.IntegerField(default=0)
    risk_class = models.CharField(max_length=1, blank=True)
    # [{"code": "past_due", "params": {...}}, ...] most important first; see worklist.reasons.
    reasons = models.JSONField(default=list)
    factors = models.JSONField(default=dict)  # the factors behind ``priority``, 0..1000 each
    built_at = models.DateTimeField()

    class Meta:
        ordering = ["collector", "rank"]
        indexes = [
            models.Index(fields=["collector", "rank"], name="workitem_collector_rank"),
            models.Index(fields=["customer"], name="workitem_customer"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "collector"], name="workitem_one_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collector_id} #{self.rank} {self.customer_id} {self.kind}"


class PortfolioRule(models.Model):
    """Assign accounts matching every non-empty criterion to ``collector``; rules are tried in
    ``order`` and the first match wins. A group follows its top account."""

    order = models.PositiveIntegerField(default=100)
    entity = models.ForeignKey(
        "ledger.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    segment = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=2, blank=True)
    language = models.CharField(max_length=10, blank=True)
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_rules"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"rule {self.order} -> {self.collector_id}"


class Absence(models.Model):
    """``collector`` is away from ``start_date`` to ``end_date`` (inclusive); ``cover`` works
    their queue meanwhile."""

    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    cover = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="covers"
    )
    start_date = models.DateField()
    end_date = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="absence_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(cover=F("collector")), name="absence_cover_is_someone_else"
            ),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"], name="absence_dates")]

    def __str__(self) -> str:
        return f"{self.collector_id} away {self.start_date}..{self.end_date}"
