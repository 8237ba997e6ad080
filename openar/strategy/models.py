"""Treatment strategies, their steps, and the actions the daily engine creates from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openar.strategy.choices import ActionStatus, StepKind, StepTrigger


class Strategy(models.Model):
    """Who a strategy applies to (``criteria``; strategies are tried by ``priority``, first match
    wins, ``is_default`` catches the rest) and its steps."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    priority = models.PositiveIntegerField(default=100)
    is_default = models.BooleanField(default=False)
    active = models.BooleanField(default=False)
    # {"entity": [...], "segment": [...], "risk_class": [...], "balance_min": "..",
    #  "balance_max": "..", "attributes": {"key": "value"}}
    criteria = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "code"]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return self.name


class StrategyStep(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="steps")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    trigger = models.CharField(
        max_length=20, choices=StepTrigger.choices, default=StepTrigger.DAYS_PAST_DUE
    )
    # For DAYS_PAST_DUE: fires from days_from (negative = before due) until days_to (null = open).
    days_from = models.IntegerField(null=True, blank=True)
    days_to = models.IntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    owner_role = models.CharField(max_length=20)
    wait_days = models.PositiveIntegerField(default=0)  # before the same step may fire again
    # {"skip_if_disputed": true, "skip_if_promise": true, "skip_if_balance_under": "100.00"}
    conditions = models.JSONField(default=dict, blank=True)
    template = models.CharField(max_length=80, blank=True)  # for email / letter steps
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["strategy", "order", "days_from"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "code"], name="strategy_step_code"),
        ]

    def __str__(self) -> str:
        return f"{self.strategy.code}/{self.code}"


class Action(models.Model):
    """One thing to do for one customer, created by the daily engine (or a person).

    ``dedupe_key`` makes the engine idempotent: rerunning a date finds the key and creates nothing.
    Email and letter actions are turned into outbox messages by communications; call, escalation
    and custom actions become work items in the owner's queue; credit-hold and agency actions
    become recommendations waiting for a decision."""

    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="actions"
    )
    strategy = models.ForeignKey(
        Strategy, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    step = models.ForeignKey(
        StrategyStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    owner_role = models.CharField(max_length=20)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    as_of = models.DateField()  # the cycle date that created it
    due_date = models.DateField()
    days_past_due = models.IntegerField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)  # plain words, in the default language
    # The reason as codes and values ([{"code", "params"}]), shown in the reader's language.
    reason_parts = models.JSONField(default=list, blank=True)
    dedupe_key = models.CharField(max_length=160, unique=True)
    outcome = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The recommendation a credit-hold or agency action raised (credit sits below strategy, so
    # the link lives here); its decision closes the action (strategy.services).
    recommendation = models.OneToOneField(
        "credit.Recommendation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "kind", "due_date"], name="action_status_kind_due"),
            models.Index(fields=["customer", "status"], name="action_customer_status"),
            models.Index(fields=["as_of"], name="action_as_of"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.customer_id} {self.due_date}"


class StrategyRun(models.Model):
    """One evaluation of every active strategy for a date; event steps look back to the previous
    run's date so events recorded between two runs are not missed."""

    as_of = models.DateField(unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    customers_evaluated = models.PositiveIntegerField(default=0)
    actions_created = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    runs = models.PositiveIntegerField(default=1)  # how many times this date was (re)run

    class Meta:
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return f"strategy run {self.as_of}"
