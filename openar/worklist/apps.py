from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklistConfig(AppConfig):
    name = "openar.worklist"
    label = "worklist"
    verbose_name = "Work queues"

    def ready(self) -> None:
        from openar.core.hooks import register_hook
        from openar.core.nav import register_customer_panel, register_landing, register_nav
        from openar.worklist.services import account_worked, plan_broken
        from openar.worklist.views import customer_panel

        register_hook("account_worked", account_worked)
        register_hook("plan_broken", plan_broken)
        register_landing(key="queue", roles=["collector"], url_name="worklist:queue", order=10)

        register_nav(
            key="queue",
            label=_("My queue"),
            url_name="worklist:queue",
            prefix="/queue/",
            order=5,
            roles=["collector", "manager"],
        )
        register_customer_panel(key="work_items", order=15, render=customer_panel)
