"""The collections database: entities, customers, documents, receipts, applications, FX rates.

Amounts are Decimal in the document currency (``*_amount``) and, where a rate was known, in the
entity's functional currency (``functional_*``) with the rate and its date. Every imported row keeps
``source`` (which loader) and ``external_ref`` (its key in the source system), so loads are
idempotent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from openar.core.fields import AmountField, RateField
from openar.ledger.choices import DocumentType


class Entity(models.Model):
    """A legal entity / company code with its functional currency."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Customer(models.Model):
    """A customer account. ``customer_ref`` is the ERP account number, unique across entities
    (as a customer master is); ``parent`` links accounts into a group (recursive CTE, no MPTT)."""

    customer_ref = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="customers")
    currency = models.CharField(max_length=3)
    credit_limit = AmountField(null=True, blank=True)
    payment_terms_days = models.PositiveIntegerField(default=30)
    language = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=2, blank=True)
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="portfolio",
    )
    segment = models.CharField(max_length=40, blank=True, db_index=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=20, default="manual")
    external_ref = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer_ref"]
        indexes = [models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_limit__isnull=True) | Q(credit_limit__gte=0),
                name="customer_credit_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_ref} {self.name}"


class Document(models.Model):
    """An open or cleared receivable document: invoice, credit memo, debit memo, down payment."""

    # No single-column FK indexes: (entity, document_ref) and (customer, due_date) lead with
    # them, and every index costs time on a million-row load.
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="documents", db_index=False
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="documents", db_index=False
    )
    document_ref = models.CharField(max_length=40)
    document_type = models.CharField(max_length=20, choices=DocumentType.choices)
    document_date = models.DateField()
    due_date = models.DateField()
    currency = models.CharField(max_length=3)
    amount = AmountField()
    open_amount = AmountField()
    functional_currency = models.CharField(max_length=3)
    functional_amount = AmountField(null=True, blank=True)
    functional_open_amount = AmountField(null=True, blank=True)
    fx_rate = RateField(null=True, blank=True)
    fx_rate_date = models.DateField(null=True, blank=True)
    cleared_date = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=80, blank=True)
    po_number = models.CharField(max_length=80, blank=True)
    disputed = models.BooleanField(default=False)
    # In dispute in OpenAR (a case holds it, set by ``documents_dispute_flag``): an items import
    # keeps the document disputed whatever the ERP's file says until the case lets it go.
    dispute_held = models.BooleanField(default=False, db_default=False)
    attributes = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=20, default="manual")
    external_ref = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "document_ref"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "document_ref"], name="document_unique_ref"),
            # Open amount has the sign of the amount and never exceeds it.
            models.CheckConstraint(
                condition=(
                    Q(amount__gte=0) & Q(open_amount__gte=0) & Q(open_amount__lte=F("amount"))
                )
                | (Q(amount__lte=0) & Q(open_amount__lte=0) & Q(open_amount__gte=F("amount"))),
                name="document_open_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "due_date"]),
            models.Index(fields=["due_date"]),
            models.Index(fields=["cleared_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.entity.code}/{self.document_ref}"


class Receipt(models.Model):
    """Cash received. ``customer`` is empty for unidentified cash."""

    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="receipts", db_index=False
    )
    receipt_ref = models.CharField(max_length=60)
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipts",
        db_index=False,
    )
    receipt_date = models.DateField()
    currency = models.CharField(max_length=3)
    amount = AmountField()
    method = models.CharField(max_length=30, blank=True)
    remittance = models.TextField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=20, default="manual")
    external_ref = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-receipt_date", "receipt_ref"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "receipt_ref"], name="receipt_unique_ref"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
        ]
        indexes = [models.Index(fields=["customer", "receipt_date"])]

    def __str__(self) -> str:
        return f"{self.entity.code}/{self.receipt_ref}"


class Application(models.Model):
    """Part of a receipt applied to a document, in the document currency. A receipt in another
    currency than the document's is taken at the stored rate of the day: ``receipt_amount`` is
    what it gives up (in its own currency), ``fx_rate`` (document currency per unit of the
    receipt's) and ``fx_rate_date`` the rate used, and ``fx_difference`` what the document clears
    beyond (> 0) or short of (< 0) the receipt amount at that rate, in the document currency."""

    receipt = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    amount = AmountField()
    applied_date = models.DateField()
    receipt_amount = AmountField(null=True, blank=True)
    fx_rate = RateField(null=True, blank=True)
    fx_rate_date = models.DateField(null=True, blank=True)
    fx_difference = AmountField(null=True, blank=True)
    source = models.CharField(max_length=20, default="manual")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["applied_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "document"], name="application_unique_pair"),
        ]
        indexes = [models.Index(fields=["document", "applied_date"])]

    def __str__(self) -> str:
        return f"{self.receipt} -> {self.document}: {self.amount}"


class FxRate(models.Model):
    """Units of ``to_currency`` for one unit of ``from_currency`` on ``date``."""

    date = models.DateField()
    from_currency = models.CharField(max_length=3)
    to_currency = models.CharField(max_length=3)
    rate = RateField()
    source = models.CharField(max_length=20, default="manual")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "from_currency", "to_currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "from_currency", "to_currency"], name="fxrate_unique_day_pair"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="fxrate_positive"),
        ]
        indexes = [models.Index(fields=["from_currency", "to_currency", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.from_currency}/{self.to_currency} {self.rate}"


class DocumentChange(models.Model):
    """What a re-load changed on a document: one row per changed field."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="changes")
    # The import batch (ingest.ImportBatch) whose load made the change. A plain id, not a
    # foreign key: ledger sits below ingest and migrates without it.
    batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    field = models.CharField(max_length=40)
    before = models.CharField(max_length=200, blank=True)
    after = models.CharField(max_length=200, blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.field}: {self.before} -> {self.after}"


class CustomerAging(models.Model):
    """Latest aging snapshot per customer, in the reporting currency (refreshed by the daily cycle
    and after imports); lets the customer list filter and sort 100k accounts by balance and age."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="aging")
    as_of = models.DateField()
    currency = models.CharField(max_length=3)
    balance = AmountField()
    past_due = AmountField()
    buckets = models.JSONField(default=dict)
    days_past_due = models.IntegerField(default=0, db_index=True)
    open_items = models.PositiveIntegerField(default=0)
    # Open amounts in currencies with no rate to the reporting currency, by currency.
    unconverted = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["balance"]), models.Index(fields=["past_due"])]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.as_of} {self.balance} {self.currency}"


class Adjustment(models.Model):
    """A change of a document's open amount other than cash: an amount written off, a credit
    memo netted against the item it credits. ``amount`` has the document's sign and is what the
    open amount moved towards zero on ``adjusted_date``; the as-of aging rolls adjustments back
    as it rolls back cash."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="adjustments", db_index=False
    )
    kind = models.CharField(max_length=20)  # "write_off" | "credit_memo"
    amount = AmountField()
    adjusted_date = models.DateField()
    reason = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, default="manual")  # the app that asked for it
    ref = models.CharField(max_length=80, blank=True)  # its record there: "write_off:12"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["adjusted_date", "id"]
        indexes = [models.Index(fields=["document", "adjusted_date"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id} {self.amount}"
