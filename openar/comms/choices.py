from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("message status", "Queued")
    SENT = "sent", pgettext_lazy("message status", "Sent")
    FAILED = "failed", pgettext_lazy("message status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("message status", "Cancelled")


# What each message template is called on the pages (the codes are in ``domain.TEMPLATES``).
TEMPLATE_LABELS = {
    "reminder": _("Payment reminder"),
    "past_due_notice": _("Past-due notice"),
    "second_notice": _("Second notice (letter)"),
}
