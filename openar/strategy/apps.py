from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "openar.strategy"
    label = "strategy"
    verbose_name = "Treatment strategies"

    def ready(self) -> None:
        from openar.strategy.timeline import register as register_timeline

        register_timeline()
        from openar.core.hooks import register_hook
        from openar.core.nav import register_customer_panel, register_nav
        from openar.strategy import reasons
        from openar.strategy.panels import actions_panel
        from openar.strategy.services import contact_action_check, recommendation_decided

        register_nav(
            key="strategies",
            label=_("Strategies"),
            url_name="strategy:list",
            prefix="/strategies/",
            order=60,
        )
        register_customer_panel(key="strategy-actions", order=50, render=actions_panel, slot="main")
        register_hook("recommendation_decided", recommendation_decided)
        register_hook("contact_action_check", contact_action_check)
        reasons.register()
