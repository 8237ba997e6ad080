"""Messages waiting to be sent: the outbox the daily cycle fills from email and letter actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openar.comms.choices import (
    TEMPLATE_LABELS,
    LineStatus,
    MessageChannel,
    MessageStatus,
    RunScope,
    RunStatus,
)


class OutboxMessage(models.Model):
    """One email or letter to a customer, rendered from a template in the customer's language.

    ``action`` (one message per action) makes queueing idempotent. Sending records
    ``message_id`` and the status ``sending`` in its own transaction before the message is handed
    to the mail server, so a crash after the server accepted it never sends it twice. A message the
    server refused for now waits until ``next_attempt_at`` (backoff by ``attempts``)."""

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
    html = models.TextField(blank=True)  # the HTML part (email) or page body (letter)
    from_address = models.CharField(max_length=300, blank=True)
    reply_to = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=250, null=True, blank=True, unique=True)
    # The customer's message this one answers (an invoice copy asked for by email): threading.
    in_reply_to = models.CharField(max_length=250, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The email whose bounce (or missing address) this letter replaces.
    fallback_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="fallbacks"
    )
    # The account timeline entry recorded when it went out (with its attachments).
    contact = models.ForeignKey(
        "activity.ContactLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The template text it was rendered from (None: queued before templates had versions).
    template_version = models.ForeignKey(
        "TemplateVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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


class BouncedAddress(models.Model):
    """An email address the mail server refused for good (5xx, or a delivery report): no email
    goes to it again; the customer's messages go by letter until a person clears it."""

    address = models.CharField(max_length=254, unique=True)  # lower case
    customer = models.ForeignKey(
        "ledger.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bounced_addresses",
    )
    code = models.PositiveIntegerField(null=True, blank=True)  # the SMTP reply code
    reason = models.CharField(max_length=300)
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bounced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.address} ({self.code})"


class Letterhead(models.Model):
    """What an entity's letters, statements and emails carry: its postal address, contact lines
    and logo. Payment instructions come from the entity's bank accounts (cash application)."""

    entity = models.OneToOneField(
        "ledger.Entity", on_delete=models.CASCADE, related_name="letterhead"
    )
    address = models.TextField(blank=True)  # postal address, one line per line
    phone = models.CharField(max_length=60, blank=True)
    email = models.CharField(max_length=254, blank=True)
    website = models.CharField(max_length=200, blank=True)
    tax_id = models.CharField(max_length=60, blank=True)
    logo_svg = models.TextField(blank=True)  # inline SVG: no file storage, no fetch
    footer = models.TextField(blank=True)
    # Where the ERP keeps its invoice PDFs: a folder pattern (/srv/erp/{entity}/{document_ref}.pdf)
    # or a URL pattern (https://erp.example.com/invoices/{document_ref}.pdf). Empty: copies are
    # written from the ledger's data.
    invoice_pdf_pattern = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"letterhead {self.entity_id}"


class MessageTemplate(models.Model):
    """A message template: what a strategy step names (``StrategyStep.template``), with one
    text per language, each text a chain of versions (``TemplateVersion``)."""

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """The shipped templates' names are translated; the others are shown as written."""
        return str(TEMPLATE_LABELS.get(self.code, self.name))


class TemplateVersion(models.Model):
    """One saved text of a template in one language. Every save adds a version; the newest is
    the active one (``is_active``), which the outbox renders. Restoring an older version saves
    its text again as the newest."""

    template = models.ForeignKey(MessageTemplate, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(max_length=10)
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    is_active = models.BooleanField(default=False)
    restored_from = models.PositiveIntegerField(null=True, blank=True)  # the version number
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["template", "language", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language", "number"], name="template_version_number"
            ),
            models.UniqueConstraint(
                fields=["template", "language"],
                condition=models.Q(is_active=True),
                name="template_version_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_id} {self.language} v{self.number}"


class OutboxAttachment(models.Model):
    """A file that goes with a message: the statement of a statement run, an invoice copy."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, default="application/pdf")
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.filename


class StatementRun(models.Model):
    """A monthly statement run: every customer of a scope (all, an entity, a collector's portfolio
    or a region) with open items gets its statement of account. Prepared in the background, reviewed
    by a person (statements previewed, some excluded), then sent: by email with the PDF attached,
    or as a printed letter when the customer has no usable email address."""

    as_of = models.DateField()
    scope = models.CharField(max_length=10, choices=RunScope.choices, default=RunScope.ALL)
    scope_value = models.CharField(max_length=200, blank=True)  # entity code, username, countries
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PREPARING)
    job = models.ForeignKey(
        "core.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.JSONField(null=True, blank=True)  # counts once sent
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    prepared_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"statement run {self.pk} {self.as_of} {self.scope} {self.scope_value}"


class StatementRunLine(models.Model):
    """One customer's statement in a run: its PDF, how it goes (email or letter) and what
    became of it."""

    run = models.ForeignKey(StatementRun, on_delete=models.CASCADE, related_name="lines")
    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    to_address = models.TextField(blank=True)
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=LineStatus.choices, default=LineStatus.PENDING)
    reason = models.CharField(max_length=300, blank=True)  # why skipped, excluded or failed
    items = models.PositiveIntegerField(default=0)
    balance = models.CharField(max_length=200, blank=True)  # per currency, as printed
    pdf = models.BinaryField(null=True, blank=True)
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["run", "customer__customer_ref"]
        constraints = [
            models.UniqueConstraint(fields=["run", "customer"], name="statement_line_once")
        ]
        indexes = [models.Index(fields=["run", "status"], name="statement_line_run_status")]

    def __str__(self) -> str:
        return f"statement {self.run_id} {self.customer_id} {self.status}"


# Email in (its own module; registered with the app from here).
from openar.comms.models_inbound import (  # noqa: E402
    InboundAttachment,
    InboundMessage,
    MailboxState,
)

__all__ = [
    "BouncedAddress",
    "InboundAttachment",
    "InboundMessage",
    "Letterhead",
    "MailboxState",
    "MessageTemplate",
    "OutboxAttachment",
    "OutboxMessage",
    "StatementRun",
    "StatementRunLine",
    "TemplateVersion",
]
