"""Disputes and deductions: cases over one or more items, their reasons, routing rules, notes,
attachments and credit-memo requests. A deduction (a customer paid short, found by cash
application) is a case of kind ``deduction`` with the short-paid record beside it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openar.core.fields import AmountField
from openar.core.reasons import reason_text
from openar.disputes.choices import (
    CaseKind,
    CaseStatus,
    DeductionStatus,
    InfoParty,
    NoteKind,
    Outcome,
    OwnerTeam,
    RequestStatus,
)


class ReasonCode(models.Model):
    """A reason a customer contests an item, with the days research has to resolve it (SLA)."""

    code = models.SlugField(max_length=30, unique=True)
    label = models.CharField(max_length=100)
    sla_days = models.PositiveIntegerField(default=30)
    active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.code


class Team(models.Model):
    """An owner role (research, billing, sales, logistics): its people and their manager, to
    whom an overdue case is escalated."""

    code = models.CharField(max_length=20, choices=OwnerTeam.choices, unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class RoutingRule(models.Model):
    """Where a new case goes: the first active rule (lowest ``priority``) whose conditions all
    hold; an empty condition holds for every case."""

    priority = models.PositiveIntegerField(default=100)
    name = models.CharField(max_length=100)
    reason = models.ForeignKey(
        ReasonCode, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    entity = models.ForeignKey(
        "ledger.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    customer = models.ForeignKey(
        "ledger.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    min_amount = AmountField(null=True, blank=True)
    max_amount = AmountField(null=True, blank=True)
    owner_team = models.CharField(max_length=20, choices=OwnerTeam.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name


class DisputeCase(models.Model):
    """A dispute or deduction on one customer's items, in one currency."""

    kind = models.CharField(max_length=10, choices=CaseKind.choices, default=CaseKind.DISPUTE)
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.PROTECT, related_name="dispute_cases"
    )
    entity = models.ForeignKey("ledger.Entity", on_delete=models.PROTECT, related_name="+")
    reason = models.ForeignKey(ReasonCode, on_delete=models.PROTECT, related_name="cases")
    description = models.TextField(blank=True)
    amount = AmountField()  # what is disputed in total, positive
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    owner_team = models.CharField(max_length=20, choices=OwnerTeam.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.ForeignKey(
        RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    opened_on = models.DateField()
    due_on = models.DateField()  # opened_on + the reason's SLA days
    expected_on = models.DateField(null=True, blank=True)  # expected resolution date
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    receipt = models.ForeignKey(
        "ledger.Receipt", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    waiting_on = models.CharField(max_length=10, choices=InfoParty.choices, blank=True)
    waiting_since = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    credit_amount = AmountField(null=True, blank=True)  # credited or written off
    resolution_note = models.TextField(blank=True)  # why, quoted to the customer
    resolved_on = models.DateField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="dispute_amount_positive"),
            models.CheckConstraint(
                condition=Q(credit_amount__isnull=True) | Q(credit_amount__gte=0),
                name="dispute_credit_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "opened_on"], name="dispute_status_opened"),
            models.Index(fields=["customer", "status"], name="dispute_customer_status"),
            models.Index(fields=["owner", "status"], name="dispute_owner_status"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.customer_id} {self.amount} {self.currency} {self.status}"


class DisputeItem(models.Model):
    """One item a case covers, for its whole open amount or part of it."""

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(
        "ledger.Document", on_delete=models.PROTECT, related_name="dispute_items"
    )
    amount = AmountField()
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="dispute_item_amount_positive"),
            models.UniqueConstraint(fields=["case", "document"], name="dispute_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.document_id} {self.amount}"


class Deduction(models.Model):
    """The short-paid part of a receipt (cash application opens it); worked as its ``case``."""

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
    case = models.OneToOneField(
        DisputeCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="deduction"
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


class CaseNote(models.Model):
    """The case's thread: notes, requests for information and answers, routing and resolution."""

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=NoteKind.choices, default=NoteKind.NOTE)
    text = models.TextField()  # as written, or a system note in the default language
    # A system note as codes and values (``disputes.notes``), shown in the reader's language.
    text_parts = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    @property
    def display_text(self) -> str:
        """The note in the reader's language (a person's note as written)."""
        return reason_text(self.text_parts, self.text)


class CaseAttachment(models.Model):
    """A file kept with a case (a customer's email, a proof-of-delivery PDF), in the database so
    every web server sees it."""

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename


class CreditMemoRequest(models.Model):
    """A credit memo the ERP is asked to raise for a valid (or partly valid) case; applied to
    the item when the credit memo comes back in an items import."""

    case = models.ForeignKey(DisputeCase, on_delete=models.PROTECT, related_name="credit_requests")
    document = models.ForeignKey("ledger.Document", on_delete=models.PROTECT, related_name="+")
    amount = AmountField()
    currency = models.CharField(max_length=3)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    credit_memo = models.ForeignKey(
        "ledger.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_on = models.DateField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_request_positive"),
        ]

    def __str__(self) -> str:
        return f"CMR-{self.pk}"

    @property
    def request_ref(self) -> str:
        return f"CMR-{self.pk:06d}"
