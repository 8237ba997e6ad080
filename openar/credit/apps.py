from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "openar.credit"
    label = "credit"
    verbose_name = "Credit"
