from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("message status", "Queued")
    HELD = "held", pgettext_lazy("message status", "Held")
    # The Message-ID is recorded and the message handed to the mail server; a message still in
    # this state after a run was interrupted there and is never sent again by itself.
    SENDING = "sending", pgettext_lazy("message status", "Unconfirmed")
    SENT = "sent", pgettext_lazy("message status", "Sent")
    FAILED = "failed", pgettext_lazy("message status", "Failed")
    BOUNCED = "bounced", pgettext_lazy("message status", "Bounced")
    CANCELLED = "cancelled", pgettext_lazy("message status", "Cancelled")


# Messages that may still go out (a person can hold or cancel them).
WAITING = (MessageStatus.QUEUED, MessageStatus.HELD, MessageStatus.FAILED)


# What each message template is called on the pages (the codes are in ``domain.TEMPLATES``).
TEMPLATE_LABELS = {
    "reminder": _("Payment reminder"),
    "past_due_notice": _("Past-due notice"),
    "second_notice": _("Second notice (letter)"),
    "dispute_resolution": _("Dispute resolution"),
    "statement": _("Statement of account"),
    "invoice_copy": _("Invoice copies"),
}

# Templates of dunning messages: one per customer and channel goes out (the sternest), within the
# frequency cap. Statements and invoice copies go as they are, each on its own.
DUNNING_TEMPLATES = ("reminder", "past_due_notice", "second_notice")


class RunScope(models.TextChoices):
    ALL = "all", _("All customers")
    ENTITY = "entity", _("Entity")
    COLLECTOR = "collector", _("Collector")
    REGION = "region", _("Region")


class RunStatus(models.TextChoices):
    PREPARING = "preparing", pgettext_lazy("statement run", "Preparing")
    REVIEW = "review", pgettext_lazy("statement run", "Ready for review")
    SENDING = "sending", pgettext_lazy("statement run", "Sending")
    DONE = "done", pgettext_lazy("statement run", "Sent")
    FAILED = "failed", pgettext_lazy("statement run", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("statement run", "Cancelled")


class LineStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("statement", "Being prepared")
    READY = "ready", pgettext_lazy("statement", "Ready")
    EXCLUDED = "excluded", pgettext_lazy("statement", "Excluded")
    SKIPPED = "skipped", pgettext_lazy("statement", "Skipped")
    SENT = "sent", pgettext_lazy("statement", "Emailed")
    PRINTED = "printed", pgettext_lazy("statement", "Letter printed")
    # The mail server could not take it now: the Outbox tries again on its schedule.
    DEFERRED = "deferred", pgettext_lazy("statement", "Waiting to retry")
    FAILED = "failed", pgettext_lazy("statement", "Failed")
