from django.db import models
from django.utils.translation import gettext_lazy as _


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class PlanStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    COMPLETED = "completed", _("Completed")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class InstalmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    PARTLY_KEPT = "partly_kept", _("Partly kept")
    BROKEN = "broken", _("Broken")


class EventKind(models.TextChoices):
    """Things that happen to an account and can trigger a strategy step."""

    PROMISE_BROKEN = "promise_broken", _("Promise broken")
    PROMISE_KEPT = "promise_kept", _("Promise kept")
    DISPUTE_LOST = "dispute_lost", _("Dispute resolved against the customer")
    CLASS_DROPPED = "class_dropped", _("Risk class dropped")
    PAYMENT_BOUNCED = "payment_bounced", _("Payment bounced")
    SHORT_PAYMENT = "short_payment", _("Short payment")
    PLAN_BROKEN = "plan_broken", _("Payment plan instalment broken")


class ContactChannel(models.TextChoices):
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    NOTE = "note", _("Note")


class ContactDirection(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")


class ContactOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    LEFT_MESSAGE = "left_message", _("Left message")
    NO_ANSWER = "no_answer", _("No answer")
    PROMISE_TAKEN = "promise_taken", _("Promise taken")
    REFUSED = "refused", _("Refused to pay")
    DISPUTE_RAISED = "dispute_raised", _("Dispute raised")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    CALLBACK = "callback", _("Call back requested")
    SENT = "sent", _("Sent")
    NOTE = "note", _("Note")


# Outcomes in which the collector spoke to someone at the customer (productivity: contacts).
REACHED_OUTCOMES = frozenset(
    {
        ContactOutcome.REACHED,
        ContactOutcome.PROMISE_TAKEN,
        ContactOutcome.REFUSED,
        ContactOutcome.DISPUTE_RAISED,
        ContactOutcome.CALLBACK,
    }
)
