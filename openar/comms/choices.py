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
}
