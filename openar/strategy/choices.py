from django.db import models
from django.utils.translation import gettext_lazy as _


class StepKind(models.TextChoices):
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    CALL = "call", _("Call task")
    ESCALATION = "escalation", _("Escalation")
    CREDIT_HOLD = "credit_hold", _("Credit-hold recommendation")
    AGENCY = "agency", _("Agency / write-off recommendation")
    CUSTOM = "custom", _("Custom task")


class StepTrigger(models.TextChoices):
    DAYS_PAST_DUE = "dpd", _("Days past due of the oldest item")
    PROMISE_BROKEN = "promise_broken", _("Promise broken")
    DISPUTE_LOST = "dispute_lost", _("Dispute resolved against the customer")
    CLASS_DROPPED = "class_dropped", _("Risk class dropped")
    PAYMENT_BOUNCED = "payment_bounced", _("Payment bounced")
    PLAN_BROKEN = "plan_broken", _("Payment plan instalment broken")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    SKIPPED = "skipped", _("Skipped")
