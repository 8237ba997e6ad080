"""Messages waiting to be sent: the outbox the daily cycle fills from email and letter actions."""

from __future__ import annotations

from django.db import models

from openar.comms.choices import TEMPLATE_LABELS, MessageChannel, MessageStatus


class OutboxMessage(models.Model):
    """One email or letter to a customer, rendered from a template in the customer's language.

    ``action`` (one message per action) makes queueing idempotent; sending is a later step that
    moves ``status`` from queued to sent or failed."""

    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="outbox_messages"
    )
    action = models.OneToOneField(
        "strategy.Action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_message",
    )
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    template_code = models.CharField(max_length=80)
    language = models.CharField(max_length=10)
    to_address = models.TextField(blank=True)  # email address, or the postal block of a letter
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    error = models.CharField(max_length=300, blank=True)
    as_of = models.DateField()  # the cycle date that queued it
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        indexes = [
            models.Index(fields=["status", "as_of"], name="outbox_status_as_of"),
            models.Index(fields=["customer", "as_of"], name="outbox_customer_as_of"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.template_code} {self.customer_id} {self.as_of}"

    @property
    def template_label(self) -> str:
        return str(TEMPLATE_LABELS.get(self.template_code, self.template_code))
