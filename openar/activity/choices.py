from django.db import models
from django.utils.translation import gettext_lazy as _


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")
