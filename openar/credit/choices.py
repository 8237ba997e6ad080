from django.db import models
from django.utils.translation import gettext_lazy as _


class RecommendationKind(models.TextChoices):
    CREDIT_HOLD = "credit_hold", _("Credit hold")
    AGENCY = "agency", _("Agency placement or write-off")


class RecommendationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
