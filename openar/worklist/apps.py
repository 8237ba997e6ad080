from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklistConfig(AppConfig):
    name = "openar.worklist"
    label = "worklist"
    verbose_name = "Work queues"

    def ready(self) -> None:
        from openar.core.nav import register_customer_panel, register_nav
        from openar.worklist.views import customer_panel

        register_nav(
            key="queue",
            label=_("My queue"),
            url_name="worklist:queue",
            prefix="/queue/",
            order=5,
            roles=["collector", "manager"],
        )
        register_customer_panel(key="work_items", order=15, render=customer_panel)
