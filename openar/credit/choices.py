from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RecommendationKind(models.TextChoices):
    CREDIT_HOLD = "credit_hold", _("Credit hold")
    AGENCY = "agency", _("Agency placement or write-off")


class RecommendationStatus(models.TextChoices):
    # A recommendation is feminine in Spanish: the context keeps it apart from other "Rejected".
    PENDING = "pending", pgettext_lazy("recommendation", "Pending")
    APPROVED = "approved", pgettext_lazy("recommendation", "Approved")
    REJECTED = "rejected", pgettext_lazy("recommendation", "Rejected")
