from django.apps import AppConfig


class CashappConfig(AppConfig):
    name = "openar.cashapp"
    label = "cashapp"
    verbose_name = "Cash application"
