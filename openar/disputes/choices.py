from django.db import models
from django.utils.translation import gettext_lazy as _


class DeductionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_RESEARCH = "research", _("In research")
    RESOLVED = "resolved", _("Resolved")
