from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "openar.risk"
    label = "risk"
    verbose_name = "Risk scoring"

    def ready(self) -> None:
        from openar.risk.timeline import register as register_timeline

        register_timeline()
        from openar.core.nav import register_customer_panel, register_nav
        from openar.risk.panel import render_panel

        register_nav(key="risk", label=_("Risk"), url_name="risk:index", prefix="/risk/", order=40)
        register_customer_panel(key="risk", order=20, render=render_panel)
