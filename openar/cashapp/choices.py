from django.db import models
from django.utils.translation import gettext_lazy as _


class LineStatus(models.TextChoices):
    NEW = "new", _("New")  # imported, not matched yet
    AUTO_APPLIED = "auto", _("Applied automatically")
    REVIEW = "review", _("Waiting for review")
    APPLIED = "applied", _("Applied by a person")
    ON_ACCOUNT = "on_account", _("On account")
    UNIDENTIFIED = "unidentified", _("Unidentified")
    DEBIT = "debit", _("Debit (not a receipt)")


class ApplicationMode(models.TextChoices):
    AUTO = "auto", _("Automatic")
    MANUAL = "manual", _("Manual")
