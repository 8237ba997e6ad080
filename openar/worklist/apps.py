from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "openar.worklist"
    label = "worklist"
    verbose_name = "Work queues"
