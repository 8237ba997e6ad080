from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "openar.activity"
    label = "activity"
    verbose_name = "Activity and promises"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from openar.activity.views import customer_panel
        from openar.core.nav import register_customer_panel, register_nav

        register_nav(
            key="promises",
            label=_("Promises"),
            url_name="activity:promise_list",
            prefix="/promises/",
            order=30,
        )
        register_customer_panel(key="activity", order=16, render=customer_panel)

        from openar.activity.timeline import register, timeline_panel

        register()
        register_customer_panel(key="timeline", order=35, render=timeline_panel, slot="main")
