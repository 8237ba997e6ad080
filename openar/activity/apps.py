from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "openar.activity"
    label = "activity"
    verbose_name = "Activity and promises"
