from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "openar.strategy"
    label = "strategy"
    verbose_name = "Treatment strategies"
