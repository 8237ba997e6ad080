from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "openar.demo"
    label = "demo"
    verbose_name = "Demo portfolio"
