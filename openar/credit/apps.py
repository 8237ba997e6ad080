from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "openar.credit"
    label = "credit"
    verbose_name = "Credit"

    def ready(self) -> None:
        from openar.core.nav import register_nav

        register_nav(
            key="recommendations",
            label=_("Recommendations"),
            url_name="credit:recommendations",
            prefix="/credit/",
            order=65,
        )
