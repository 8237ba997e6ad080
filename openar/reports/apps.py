from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "openar.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from openar.core.nav import register_nav
        from openar.core.roles import Role
        from openar.reports.commands import register_reports

        register_reports()
        # The collector's dashboard is a page of its own (reports:mine) that a landing page
        # or the queue can link to; the manager's sits in the main navigation.
        register_nav(
            key="dashboard",
            label=_("Dashboard"),
            url_name="reports:dashboard",
            prefix="/reports/",
            order=6,
            roles=[Role.MANAGER, Role.ADMIN, Role.CREDIT],
        )
        register_nav(
            key="my_dashboard",
            label=_("My dashboard"),
            url_name="reports:mine",
            prefix="/reports/mine/",
            order=7,
            roles=[Role.COLLECTOR],
        )
