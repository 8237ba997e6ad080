from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    name = "openar.ingest"
    label = "ingest"
    verbose_name = "Imports and exports"

    def ready(self) -> None:
        from openar.core.nav import register_nav

        register_nav(
            key="imports",
            label=_("Imports"),
            url_name="ingest:import_list",
            prefix="/imports/",
            order=90,
        )
