from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskClass(models.TextChoices):
    """A is the safest class, E the riskiest (cut-offs on the 0-1000 score are configurable)."""

    A = "A", _("A (lowest risk)")
    B = "B", _("B")
    C = "C", _("C")
    D = "D", _("D")
    E = "E", _("E (highest risk)")


class Engine(models.TextChoices):
    SCORECARD = "scorecard", _("Scorecard")
    MODEL = "model", _("Learned model")


class EnginePolicy(models.TextChoices):
    """How an entity's customers are scored."""

    AUTO = "auto", _("Learned model where history allows, else scorecard")
    SCORECARD = "scorecard", _("Scorecard only")
    MODEL = "model", _("Learned model (scorecard where it cannot)")


class ModelStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")
    FAILED = "failed", _("Failed")
