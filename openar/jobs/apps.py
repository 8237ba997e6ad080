from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "openar.jobs"
    label = "jobs"
    verbose_name = "Jobs"
