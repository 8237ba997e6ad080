from django.db import models
from django.utils.translation import gettext_lazy as _


class Slot(models.TextChoices):
    """Whether a work item fits in today's capacity or waits."""

    TODAY = "today", _("Today")
    WAITING = "waiting", _("Waiting")


class BalanceMeasure(models.TextChoices):
    ACCOUNTS = "accounts", _("Accounts")
    PAST_DUE = "past_due", _("Past-due amount")
    CALLS = "calls", _("Expected calls")
