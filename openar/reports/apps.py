from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "openar.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from openar.reports.commands import register_reports

        register_reports()
