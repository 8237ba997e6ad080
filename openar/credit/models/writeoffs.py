"""Write-offs: a request (from a collector or a strategy step, with a reason) to write items
off, approved within the approver's limit by anyone but the requester; on approval the items'
open amounts fall (ledger adjustments) and journal lines go to the ERP."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openar.core.fields import AmountField
from openar.credit.choices import WriteOffSource, WriteOffStatus


class WriteOff(models.Model):
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.PROTECT, related_name="write_offs"
    )
    status = models.CharField(
        max_length=10, choices=WriteOffStatus.choices, default=WriteOffStatus.PENDING
    )
    source = models.CharField(
        max_length=10, choices=WriteOffSource.choices, default=WriteOffSource.PERSON
    )
    currency = models.CharField(max_length=3)  # of every item
    amount = AmountField()  # the items' total
    # The total in the reporting currency at the request's rate: what the approval chain reads.
    reporting_amount = AmountField()
    reporting_currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=300)
    reason_parts = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_label = models.CharField(max_length=150)
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    posted_on = models.DateField(null=True, blank=True)  # the posting date of the journal lines
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="write_off_positive"),
        ]
        indexes = [models.Index(fields=["status"], name="write_off_status")]

    def __str__(self) -> str:
        return f"write-off {self.pk} {self.customer_id} {self.amount} {self.currency}"


class WriteOffItem(models.Model):
    write_off = models.ForeignKey(WriteOff, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey("ledger.Document", on_delete=models.PROTECT, related_name="+")
    amount = AmountField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="write_off_item_positive"),
            models.UniqueConstraint(
                fields=["write_off", "document"], name="write_off_item_once_per_document"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.write_off_id} {self.document_id} {self.amount}"
