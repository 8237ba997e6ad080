"""What collectors do and what customers promise: promises to pay (checked against cash by the
daily cycle and after cash application), the contact log, and account events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openar.activity.choices import (
    ContactChannel,
    ContactDirection,
    ContactOutcome,
    EventKind,
    InstalmentStatus,
    PlanStatus,
    PromiseStatus,
)
from openar.core.fields import AmountField


class PromiseToPay(models.Model):
    """A customer's promise to pay ``amount`` by ``promised_date``, optionally for given items.

    Kept when cash received from the customer (or clearing of the promised items) between
    ``taken_on`` and ``promised_date`` + grace covers the amount; broken when that date passes
    without it."""

    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="promises"
    )
    amount = AmountField()
    currency = models.CharField(max_length=3)
    promised_date = models.DateField()
    taken_on = models.DateField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    documents = models.ManyToManyField("ledger.Document", blank=True, related_name="promises")
    status = models.CharField(
        max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.OPEN
    )
    received_amount = AmountField(default=0)
    checked_as_of = models.DateField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)  # the day it became kept or broken
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive"),
            models.CheckConstraint(
                condition=Q(promised_date__gte=models.F("taken_on")),
                name="promise_date_not_before_taken",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "promised_date"], name="promise_status_date"),
            models.Index(fields=["customer", "status"], name="promise_customer_status"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.amount} {self.currency} by {self.promised_date}"


class AccountEvent(models.Model):
    """An event on an account's timeline (promise broken, payment bounced...), recorded by the app
    that saw it; strategies trigger event steps from these. ``ref`` makes recording idempotent."""

    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="account_events"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    occurred_on = models.DateField()
    ref = models.CharField(max_length=120)  # e.g. "promise:42", "line:7:3"
    details = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=20)  # the app that recorded it
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "ref"], name="account_event_kind_ref"),
        ]
        indexes = [models.Index(fields=["kind", "occurred_on"], name="account_event_kind_date")]

    def __str__(self) -> str:
        return f"{self.kind} {self.customer_id} {self.occurred_on}"


class ContactLog(models.Model):
    """One contact with a customer: a call made and its outcome, an email, a letter, a visit, a
    note. Productivity (calls made vs target) counts these rows."""

    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="contacts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=ContactChannel.choices)
    direction = models.CharField(
        max_length=10, choices=ContactDirection.choices, default=ContactDirection.OUTBOUND
    )
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices)
    contacted_at = models.DateTimeField()
    note = models.TextField(blank=True)
    # The strategy.Action this contact worked; a plain id because strategy sits downstream of
    # activity (it reads promises and events), so activity cannot hold a foreign key to it.
    action_id = models.BigIntegerField(null=True, blank=True)
    promise = models.ForeignKey(
        PromiseToPay, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    # An email's Message-ID, so replies can be threaded back to it.
    message_id = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "contacted_at"], name="contact_customer_at"),
            models.Index(fields=["user", "contacted_at"], name="contact_user_at"),
            models.Index(fields=["action_id"], name="contact_action"),
            models.Index(fields=["message_id"], name="contact_message_id"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.customer_id} {self.outcome} {self.contacted_at:%Y-%m-%d}"


class ContactAttachment(models.Model):
    """A file that went out (or came in) with a contact: the PDF of a letter or statement, an
    email's attachment. Kept in the database so every worker and web server sees it."""

    contact = models.ForeignKey(ContactLog, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.filename


class PaymentPlan(models.Model):
    """A balance split into instalments: ``documents`` are the items it covers (their open
    amount, ``covered_amount``, plus ``fee_amount`` is what the instalments add up to). Dunning
    calls wait while it is current; a broken instalment records ``plan_broken``."""

    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="payment_plans"
    )
    currency = models.CharField(max_length=3)
    covered_amount = AmountField()
    fee_amount = AmountField(default=0)  # interest or fee added to the plan
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.CURRENT)
    taken_on = models.DateField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    documents = models.ManyToManyField("ledger.Document", related_name="payment_plans")
    note = models.TextField(blank=True)
    checked_as_of = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "status"], name="plan_customer_status")]

    def __str__(self) -> str:
        return f"plan {self.pk} {self.customer_id} {self.covered_amount} {self.currency}"


class PlanInstalment(models.Model):
    """One instalment of a plan, judged like a promise: kept, partly kept or broken."""

    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    seq = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    amount = AmountField()
    received_amount = AmountField(default=0)
    status = models.CharField(
        max_length=12, choices=InstalmentStatus.choices, default=InstalmentStatus.OPEN
    )
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "seq"], name="instalment_plan_seq"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="instalment_status_due")]

    def __str__(self) -> str:
        return f"{self.plan_id}#{self.seq} {self.amount} by {self.due_date}"
