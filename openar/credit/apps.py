from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "openar.credit"
    label = "credit"
    verbose_name = "Credit"

    def ready(self) -> None:
        from openar.credit.timeline import register as register_timeline

        register_timeline()

        from openar.core.customer_flags import register_customer_flag
        from openar.core.nav import register_customer_panel, register_nav
        from openar.credit import cli_extensions, reasons
        from openar.credit.panels import hold_panel, limit_panel, write_off_panel
        from openar.credit.selectors import on_hold_expression

        register_nav(
            key="recommendations",
            label=_("Recommendations"),
            url_name="credit:recommendations",
            prefix="/credit/",
            order=65,
        )
        register_customer_panel(key="write-offs", order=13, render=write_off_panel)
        register_customer_flag(
            name="on_hold", label=_("On credit hold"), expression=on_hold_expression, order=10
        )
        register_customer_panel(key="credit-hold", order=17, render=hold_panel)
        register_customer_panel(key="credit-limit", order=11, render=limit_panel)
        cli_extensions.register()
        reasons.register()
