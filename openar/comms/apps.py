from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "openar.comms"
    label = "comms"
    verbose_name = "Communications"

    def ready(self) -> None:
        from django.utils.translation import pgettext_lazy

        from openar.comms import reasons
        from openar.comms.copy_views import invoice_copy_panel
        from openar.comms.dispute_letters import dispute_letter_queue
        from openar.core.hooks import register_hook
        from openar.core.nav import register_customer_panel, register_nav
        from openar.core.roles import Role

        register_hook("dispute_resolved", dispute_letter_queue)
        reasons.register()

        register_nav(
            key="outbox",
            label=pgettext_lazy("navigation", "Outbox"),
            url_name="comms:outbox",
            prefix="/outbox/",
            order=70,
            roles=[Role.COLLECTOR, Role.MANAGER, Role.ADMIN],
        )
        register_nav(
            key="templates",
            label=pgettext_lazy("navigation", "Templates"),
            url_name="templates:list",
            prefix="/templates/",
            order=71,
            roles=[Role.COLLECTOR, Role.MANAGER, Role.ADMIN],
        )
        register_nav(
            key="inbox",
            label=pgettext_lazy("navigation", "Inbox"),
            url_name="inbox:list",
            prefix="/inbox/",
            order=72,
            roles=[Role.COLLECTOR, Role.MANAGER, Role.ADMIN],
        )
        register_nav(
            key="statements",
            label=pgettext_lazy("navigation", "Statements"),
            url_name="comms:statement_runs",
            prefix="/outbox/statements/",
            order=73,
            roles=[Role.COLLECTOR, Role.MANAGER, Role.ADMIN],
        )
        register_customer_panel(key="invoice_copies", order=60, render=invoice_copy_panel)
