from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "openar.ingest"
    label = "ingest"
    verbose_name = "Imports and exports"
