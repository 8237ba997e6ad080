from django.db import models
from django.utils.translation import gettext_lazy as _


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class EventKind(models.TextChoices):
    """Things that happen to an account and can trigger a strategy step."""

    PROMISE_BROKEN = "promise_broken", _("Promise broken")
    PROMISE_KEPT = "promise_kept", _("Promise kept")
    DISPUTE_LOST = "dispute_lost", _("Dispute resolved against the customer")
    CLASS_DROPPED = "class_dropped", _("Risk class dropped")
    PAYMENT_BOUNCED = "payment_bounced", _("Payment bounced")
    SHORT_PAYMENT = "short_payment", _("Short payment")
