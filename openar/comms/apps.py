from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "openar.comms"
    label = "comms"
    verbose_name = "Communications"
