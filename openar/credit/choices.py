from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RecommendationKind(models.TextChoices):
    CREDIT_HOLD = "credit_hold", _("Credit hold")
    CREDIT_RELEASE = "credit_release", _("Release credit hold")
    AGENCY = "agency", _("Agency placement or write-off")


class RecommendationStatus(models.TextChoices):
    # A recommendation is feminine in Spanish: the context keeps it apart from other "Rejected".
    PENDING = "pending", pgettext_lazy("recommendation", "Pending")
    APPROVED = "approved", pgettext_lazy("recommendation", "Approved")
    REJECTED = "rejected", pgettext_lazy("recommendation", "Rejected")


class HoldStatus(models.TextChoices):
    # Contexts keep these apart from the outbox's "Hold" / "Released" (a message held back).
    ACTIVE = "active", pgettext_lazy("credit hold", "On hold")
    RELEASED = "released", pgettext_lazy("credit hold", "Released")


class ReleaseCondition(models.TextChoices):
    """When a hold may end: met, the daily cycle recommends the release to credit."""

    PAST_DUE_PAID = "past_due_paid", _("Past-due balance paid")
    BALANCE_PAID = "balance_paid", _("Whole balance paid")
    DECISION = "decision", _("A credit decision")


class HoldAction(models.TextChoices):
    """The ERP's order block: a hold placed or released."""

    HOLD = "hold", pgettext_lazy("credit hold", "Hold")
    RELEASE = "release", pgettext_lazy("credit hold", "Release")


class LimitScope(models.TextChoices):
    """A limit on one account, or on a parent and every account below it (shared)."""

    CUSTOMER = "customer", _("This account")
    GROUP = "group", _("The whole group")


class LimitKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    TEMPORARY = "temporary", _("Temporary")
    ERP = "erp", _("From the ERP")  # the customer master's limit, until credit sets one


class OrderKind(models.TextChoices):
    """What counts in exposure besides open AR, as the ERP reports it."""

    ORDER = "order", _("Open order")
    SHIPMENT = "shipment", _("Uninvoiced shipment")


class ReviewTrigger(models.TextChoices):
    """Why a limit review was opened."""

    PERIODIC = "periodic", _("Periodic review")
    SCORE_DROPPED = "score_dropped", _("Score dropped")
    PROMISES_BROKEN = "promises_broken", _("Promises broken")
    LIMIT_EXCEEDED = "limit_exceeded", _("Limit exceeded")
    MANUAL = "manual", _("Asked for")


class ReviewStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("review", "Open")
    DECIDED = "decided", pgettext_lazy("review", "Decided")


class ReviewOutcome(models.TextChoices):
    KEEP = "keep", _("Keep the limit")
    REDUCE = "reduce", _("Reduce the limit")
    INCREASE = "increase", _("Increase the limit")
    HOLD = "hold", _("Put on credit hold")


class WriteOffStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("write-off", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("write-off", "Approved")
    REJECTED = "rejected", pgettext_lazy("write-off", "Rejected")


class WriteOffSource(models.TextChoices):
    PERSON = "person", _("Asked for by a person")
    STRATEGY = "strategy", _("A strategy step")
