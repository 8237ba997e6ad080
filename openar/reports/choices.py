from django.db import models
from django.utils.translation import gettext_lazy as _


class SnapshotSource(models.TextChoices):
    DAILY = "daily", _("Daily cycle")
    BACKFILL = "backfill", _("Rebuilt from history")
