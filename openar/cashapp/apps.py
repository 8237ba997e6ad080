from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CashappConfig(AppConfig):
    name = "openar.cashapp"
    label = "cashapp"
    verbose_name = "Cash application"

    def ready(self) -> None:
        from openar.cashapp import cli_extensions
        from openar.core.nav import register_nav

        register_nav(
            key="cash",
            label=_("Cash"),
            url_name="cashapp:review",
            prefix="/cash/",
            order=50,
            roles=["cashapp", "manager", "admin"],
        )
        cli_extensions.register()
