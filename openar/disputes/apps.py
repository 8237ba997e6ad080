from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "openar.disputes"
    label = "disputes"
    verbose_name = "Disputes and deductions"
