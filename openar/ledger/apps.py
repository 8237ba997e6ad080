from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "openar.ledger"
    label = "ledger"
    verbose_name = "Ledger"

    def ready(self) -> None:
        from openar.ledger.timeline import register as register_timeline

        register_timeline()
        from openar.core.nav import register_nav

        register_nav(
            key="customers",
            label=_("Customers"),
            url_name="ledger:customer_list",
            prefix="/",
            order=10,
        )
        register_nav(
            key="aging", label=_("Aging"), url_name="ledger:aging", prefix="/aging/", order=20
        )
