from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "openar.risk"
    label = "risk"
    verbose_name = "Risk scoring"
