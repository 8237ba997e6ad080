"""Email in: the mailboxes read (and how far), and each message read from them.

Imported by ``openar.comms.models``; kept apart so the outbound models stay readable."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openar.comms.choices_inbound import InboundKind, InboundStatus, MatchedBy
from openar.core.fields import AmountField


class MailboxState(models.Model):
    """How far a mailbox has been read: messages up to ``last_uid`` (under ``uidvalidity``) are
    stored. A server that renumbers the folder (a new UIDVALIDITY) is read again from the start;
    messages already stored are recognised by their Message-ID."""

    key = models.CharField(max_length=200, unique=True)  # user@host:port/folder
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    fetched_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)  # the last run's failure, if any

    def __str__(self) -> str:
        return f"{self.key} up to {self.last_uid}"


class InboundMessage(models.Model):
    """One message read from the mailbox: its headers and text, the account and outbound message
    it answers (when found), what the rules made of it and the task it became."""

    mailbox = models.CharField(max_length=200)
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    message_id = models.CharField(max_length=250, blank=True)
    in_reply_to = models.TextField(blank=True)  # Message-IDs, In-Reply-To then References
    from_name = models.CharField(max_length=200, blank=True)
    from_address = models.CharField(max_length=254, blank=True)
    to_addresses = models.TextField(blank=True)  # To, Cc, Delivered-To: one per line
    subject = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # the Date header
    received_at = models.DateTimeField()  # when it was read
    headers = models.TextField(blank=True)
    text = models.TextField(blank=True)  # the plain text (from the HTML when there is none)
    html = models.TextField(blank=True)
    # What did not go as it should: attachments over the size limit, a part that could not be
    # read. Shown with the message.
    note = models.TextField(blank=True)
    raw = models.BinaryField(null=True, blank=True)  # kept only when it could not be read
    # Flagged \\Seen on the server: stored first, marked after (a run that died in between
    # marks it on the next run).
    marked_seen = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=InboundStatus.choices, default=InboundStatus.UNMATCHED
    )
    kind = models.CharField(max_length=20, choices=InboundKind.choices, default=InboundKind.OTHER)
    language = models.CharField(max_length=10, blank=True)
    evidence = models.CharField(max_length=200, blank=True)  # the words the rule matched
    customer = models.ForeignKey(
        "ledger.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    matched_by = models.CharField(max_length=10, choices=MatchedBy.choices, blank=True)
    # The email of ours it answers (or, for a bounce, the one that was refused).
    original = models.ForeignKey(
        "comms.OutboxMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    # A promise read from the text, waiting for the collector to confirm it.
    promise_amount = AmountField(null=True, blank=True)
    promise_currency = models.CharField(max_length=3, blank=True)
    promise_date = models.DateField(null=True, blank=True)
    promise = models.ForeignKey(
        "activity.PromiseToPay", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bounced_address = models.CharField(max_length=254, blank=True)
    contact = models.ForeignKey(
        "activity.ContactLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.ForeignKey(
        "strategy.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A dispute read from the text, opened as a case on the invoices it names.
    dispute_case = models.ForeignKey(
        "disputes.DisputeCase",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "uidvalidity", "uid"], name="inbound_mailbox_uid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="inbound_status_received"),
            models.Index(fields=["message_id"], name="inbound_message_id"),
            models.Index(fields=["customer", "received_at"], name="inbound_customer_received"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address} {self.subject[:40]}"


class InboundAttachment(models.Model):
    """A file that came with an inbound message (within the size limit)."""

    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.filename
