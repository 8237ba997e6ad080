"""Credit limits (the history of every decision, permanent or temporary, on an account or a
group) and the open orders and uninvoiced shipments that count in exposure."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from openar.core.fields import AmountField
from openar.credit.choices import LimitKind, LimitScope, OrderKind


class CreditLimit(models.Model):
    """One limit decision: who set it, why, from when (and until when, a temporary one). The
    limit in force on a date is the latest permanent row begun by then, unless a temporary row
    covers the date; the rows in order are the limit history."""

    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="credit_limits"
    )
    scope = models.CharField(max_length=10, choices=LimitScope.choices, default=LimitScope.CUSTOMER)
    kind = models.CharField(max_length=10, choices=LimitKind.choices, default=LimitKind.PERMANENT)
    amount = AmountField()
    currency = models.CharField(max_length=3)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)  # temporary limits only
    previous_amount = AmountField(null=True, blank=True)  # the limit in force before
    reason = models.CharField(max_length=300)
    reason_parts = models.JSONField(default=list, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_by_label = models.CharField(max_length=150)  # a username, or the job that set it
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="credit_limit_not_negative"),
            models.CheckConstraint(
                condition=Q(kind="temporary", ends_on__isnull=False, ends_on__gte=F("starts_on"))
                | (~Q(kind="temporary") & Q(ends_on__isnull=True)),
                name="credit_limit_temporary_has_end",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "scope", "starts_on"], name="credit_limit_cust")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.scope} {self.kind} {self.amount} {self.currency}"


class OpenOrder(models.Model):
    """An open sales order or a shipment not invoiced yet, as the ERP's last file reported it
    (``openar import open-orders`` / ``shipments``): a file replaces what its entities had."""

    entity = models.ForeignKey("ledger.Entity", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="open_orders"
    )
    kind = models.CharField(max_length=10, choices=OrderKind.choices)
    order_ref = models.CharField(max_length=60)
    order_date = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    amount = AmountField()
    source = models.CharField(max_length=20, default="openar")
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["customer_id", "kind", "order_ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "kind", "order_ref"], name="open_order_unique_ref"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="open_order_not_negative"),
        ]
        indexes = [models.Index(fields=["customer", "kind"], name="open_order_customer")]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_ref} {self.amount} {self.currency}"
